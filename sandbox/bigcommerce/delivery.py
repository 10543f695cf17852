"""Webhook deliveries: stubs signed per Standard Webhooks with the store's client secret, sent
asynchronously, retried on BigCommerce's schedule, and the hook deactivated when it runs out.

BigCommerce sends from its own systems; this sandbox sends through the app's Celery broker. Each
delivery is a row with its next attempt's time, so when the broker is down or restarts empty a
periodic sweep sends what is overdue (`send_due_deliveries`), and an attempt is claimed on the row
first, so a delivery whose message turns up after the sweep sent it is not sent twice.
"""

import base64
import hashlib
import json
import logging
import time
import uuid
from datetime import UTC, datetime, timedelta

import requests
from django.db import transaction
from django.utils import timezone
from standardwebhooks import Webhook

from sandbox.bigcommerce.conf import delivery_timeout, retry_schedule
from sandbox.bigcommerce.models import BcDelivery, BcHook, BcStore

logger = logging.getLogger(__name__)

# A delivery this far past its time has no message on its way: the sweep sends it.
OVERDUE_AFTER = timedelta(seconds=10)


def _matches(hook_scope: str, scope: str) -> bool:
    if hook_scope.endswith("/*"):
        return scope.startswith(hook_scope[:-1])
    return hook_scope == scope


def emit(store: BcStore, scope: str, data: dict) -> list[BcDelivery]:
    """Queue one delivery per active hook whose scope matches (after the change commits)."""
    return emit_many(store, [(scope, data)])


def _payload(store: BcStore, scope: str, data: dict) -> str:
    return json.dumps({
        "scope": scope,
        "store_id": store.store_id,
        "data": data,
        # SHA-1 of the JSON-encoded data: the same on every redelivery of this event.
        "hash": hashlib.sha1(json.dumps(data, sort_keys=True).encode()).hexdigest(),  # noqa: S324
        "created_at": int(time.time()),
        "producer": f"stores/{store.store_hash}",
    })  # fmt: skip


def emit_many(store: BcStore, events: list[tuple[str, dict]]) -> list[BcDelivery]:
    """`emit` for many events at once (a batch write): the hooks are read once and the
    deliveries written together."""
    hooks = list(store.hooks.filter(is_active=True))
    deliveries = []
    for scope, data in events:
        matching = [hook for hook in hooks if _matches(hook.scope, scope)]
        body = _payload(store, scope, data) if matching else ""
        deliveries += [
            BcDelivery(hook=hook, message_id=f"msg_{uuid.uuid4().hex}", body=body)
            for hook in matching
        ]
    deliveries = BcDelivery.objects.bulk_create(deliveries)
    for delivery in deliveries:
        transaction.on_commit(lambda pk=delivery.pk: send_soon(pk))
    return deliveries


def send_soon(delivery_id: int) -> None:
    """Queue an attempt. With the broker down the change still stands (the shopper's order is
    placed); the sweep sends the delivery once the broker is back."""
    from sandbox.bigcommerce.tasks import deliver

    try:
        deliver.delay(delivery_id)
    except Exception:  # any broker failure: the delivery is a row, the sweep finds it
        logger.warning(
            "sandbox store: broker unavailable; the delivery is sent by the sweep",
            extra={"delivery": delivery_id},
        )


def overdue_delivery_ids(limit: int = 500) -> list[int]:
    """Pending deliveries well past their time: never queued (broker down), queued and lost
    (broker restarted empty), or their sender died mid-attempt."""
    overdue = BcDelivery.objects.filter(
        state="pending", next_attempt_at__lte=timezone.now() - OVERDUE_AFTER
    )
    return list(overdue.order_by("next_attempt_at").values_list("id", flat=True)[:limit])


def signed_headers(store: BcStore, delivery: BcDelivery) -> dict:
    key = base64.b64encode(store.client_secret.encode()).decode()
    now = datetime.now(tz=UTC)
    return {
        "Content-Type": "application/json",
        "webhook-id": delivery.message_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": Webhook(key).sign(delivery.message_id, now, delivery.body),
    }


def _claim(delivery_id: int) -> bool:
    """Take a due delivery for one attempt; no other message or sweep sends it meanwhile."""
    now = timezone.now()
    sending_until = now + timedelta(seconds=delivery_timeout()) + OVERDUE_AFTER
    return bool(
        BcDelivery.objects.filter(pk=delivery_id, state="pending", next_attempt_at__lte=now).update(
            next_attempt_at=sending_until
        )
    )


def attempt(delivery_id: int) -> float | None:
    """Send once if due. Returns seconds until the next attempt, or None when finished (or not
    this caller's to send: delivered, not due yet, or being sent)."""
    if not _claim(delivery_id):
        return None
    delivery = BcDelivery.objects.select_related("hook__store").get(pk=delivery_id)
    hook = delivery.hook
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
    sent = BcDelivery.objects.filter(pk=delivery.pk)
    if ok:
        sent.update(state="delivered", attempts=attempts, next_attempt_at=timezone.now())
        return None
    schedule = retry_schedule()
    retries_done = len(attempts) - 1
    if retries_done >= len(schedule):
        with transaction.atomic():
            sent.update(state="abandoned", attempts=attempts, next_attempt_at=timezone.now())
            BcHook.objects.filter(pk=hook.pk).update(
                is_active=False
            )  # as BigCommerce does after ~48 h
        return None
    wait = schedule[retries_done]
    sent.update(attempts=attempts, next_attempt_at=timezone.now() + timedelta(seconds=wait))
    return wait
