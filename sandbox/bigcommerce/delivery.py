"""Webhook deliveries: stubs signed per Standard Webhooks with the store's client secret, sent
asynchronously, retried on BigCommerce's schedule, and the hook deactivated when it runs out."""

import base64
import hashlib
import json
import time
import uuid
from datetime import UTC, datetime

import requests
from django.db import transaction
from standardwebhooks import Webhook

from sandbox.bigcommerce.conf import delivery_timeout, retry_schedule
from sandbox.bigcommerce.models import BcDelivery, BcHook, BcStore


def _matches(hook_scope: str, scope: str) -> bool:
    if hook_scope.endswith("/*"):
        return scope.startswith(hook_scope[:-1])
    return hook_scope == scope


def emit(store: BcStore, scope: str, data: dict) -> list[BcDelivery]:
    """Queue one delivery per active hook whose scope matches (after the change commits)."""
    payload = {
        "scope": scope,
        "store_id": store.store_id,
        "data": data,
        # SHA-1 of the JSON-encoded data: the same on every redelivery of this event.
        "hash": hashlib.sha1(json.dumps(data, sort_keys=True).encode()).hexdigest(),  # noqa: S324
        "created_at": int(time.time()),
        "producer": f"stores/{store.store_hash}",
    }
    body = json.dumps(payload)
    deliveries = [
        BcDelivery.objects.create(hook=hook, message_id=f"msg_{uuid.uuid4().hex}", body=body)
        for hook in store.hooks.filter(is_active=True)
        if _matches(hook.scope, scope)
    ]
    from sandbox.bigcommerce.tasks import deliver

    for delivery in deliveries:
        transaction.on_commit(lambda pk=delivery.pk: deliver.delay(pk))
    return deliveries


def signed_headers(store: BcStore, delivery: BcDelivery) -> dict:
    key = base64.b64encode(store.client_secret.encode()).decode()
    now = datetime.now(tz=UTC)
    return {
        "Content-Type": "application/json",
        "webhook-id": delivery.message_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": Webhook(key).sign(delivery.message_id, now, delivery.body),
    }


def attempt(delivery_id: int) -> float | None:
    """Send once. Returns seconds until the next attempt, or None when finished."""
    delivery = BcDelivery.objects.select_related("hook__store").get(pk=delivery_id)
    hook = delivery.hook
    if delivery.state != "pending":
        return None
    headers = {**(hook.headers or {}), **signed_headers(hook.store, delivery)}
    record = {"at": time.time(), "status": None, "error": ""}
    try:
        response = requests.post(hook.destination, data=delivery.body.encode(), headers=headers,
                                 timeout=delivery_timeout(), allow_redirects=False)  # fmt: skip
        record["status"] = response.status_code
        ok = 200 <= response.status_code < 300
    except requests.RequestException as exc:
        record["error"] = type(exc).__name__
        ok = False
    attempts = [*delivery.attempts, record]
    if ok:
        BcDelivery.objects.filter(pk=delivery.pk).update(state="delivered", attempts=attempts)
        return None
    schedule = retry_schedule()
    retries_done = len(attempts) - 1
    if retries_done >= len(schedule):
        with transaction.atomic():
            BcDelivery.objects.filter(pk=delivery.pk).update(state="abandoned", attempts=attempts)
            BcHook.objects.filter(pk=hook.pk).update(
                is_active=False
            )  # as BigCommerce does after ~48 h
        return None
    BcDelivery.objects.filter(pk=delivery.pk).update(attempts=attempts)
    return schedule[retries_done]
