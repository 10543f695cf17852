"""The sandbox BC's side of webhooks: the validation handshake, and the sender that turns the
BcChange rows of subscribed resources into notification POSTs, as BC's codeunit 6154 "API
Webhook Notification Send" does (microsoft/BCApps, src/Layers/W1/BaseApp/System/API/Webhooks/).

Handshake: a POST to the notificationUrl with a `validationToken` query parameter and no body,
expecting 200 with exactly the token as the body, within a few seconds. Its method and time
limit are not documented (done by the platform, not AL): POST and 5 seconds follow community
reports (UNCONFIRMED); a subscriber should accept GET as well.

One sender pass (`notifications_send`, as BC's job queue entry runs the codeunit):
- expired subscriptions are deleted first;
- a subscription is due when its oldest unsent change is older than the debounce (30 s online,
  the ApiSubscriptionDelayTime setting) and any retry's time has come;
- its changes are aggregated per record (created then updated stays created; a deletion wins);
  more records than the collection threshold (1,000 online) become one `collection`
  notification whose resource carries `?$filter=lastModifiedDateTime%20gt%20<first change
  minus 50 ms>`;
- one POST per notification URL carries every due subscription's notifications:
  `{"value": [{subscriptionId, clientState, expirationDateTime, resource, changeType,
  lastModifiedDateTime}]}`, UTF-8 without BOM, Content-Type application/json, headers
  clientRequestId and x-ms-correlation-id (one GUID);
- no answer, 408, 429 or 5xx: the attempt number goes up and the notifications wait 1, 1, 10,
  100, then 1,000 minutes (GetDelayTimeForAttempt of the new number: 0-2 → 1, 3 → 10, 4 → 100,
  later → 1,000 minutes); an attempt number above 5 deletes the subscription; any other answer
  deletes every subscription of that URL (DeleteInvalidSubscriptions).
Each attempt, handshakes included, is logged as a BcNotificationAttempt.
"""

import json
import logging
import re
import uuid
from collections import defaultdict
from datetime import timedelta

import requests
from django.conf import settings
from django.db import transaction

from sandbox.business_central import clock
from sandbox.business_central.errors import BcError, bad_request
from sandbox.business_central.models import (
    BcChange,
    BcEnvironment,
    BcNotificationAttempt,
    BcSubscription,
)
from sandbox.gate import take_fault

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5  # GetMaxNumberOfAttempts
COLLECTION_MARGIN = timedelta(milliseconds=50)
_RESOURCE = re.compile(r"^/?(?P<path>api/v2\.0/companies\((?P<company>[0-9a-fA-F-]{36})\)/"
                       r"(?P<entity>[A-Za-z]+))$")  # fmt: skip


def debounce_seconds() -> float:
    return getattr(settings, "SANDBOX_BC_DEBOUNCE_SECONDS", 30)


def collection_after() -> int:
    return getattr(settings, "SANDBOX_BC_COLLECTION_AFTER", 1000)


def handshake_seconds() -> float:
    return getattr(settings, "SANDBOX_BC_HANDSHAKE_SECONDS", 5)


def send_seconds() -> float:
    return getattr(settings, "SANDBOX_BC_SEND_SECONDS", 30)


def delay_for_attempt(attempt: int) -> timedelta:
    """GetDelayTimeForAttempt: 0, 1, 2 → 1 minute; 3 → 10; 4 → 100; later → 1,000."""
    minutes = 1 if attempt <= 2 else {3: 10, 4: 100}.get(attempt, 1000)
    return timedelta(minutes=minutes)


def retried(status: int | None) -> bool:
    """ShouldReschedule: no answer, 5xx, 408 or 429."""
    return status is None or 500 <= status <= 599 or status in (408, 429)


def stamp(moment) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _log(url: str, status, error: str = "", subscription=None, ref: str = "") -> None:
    BcNotificationAttempt.objects.create(
        subscription=subscription, subscription_ref=ref or getattr(subscription, "subscription_id", ""),
        url=url[:1000], status=status, error=error[:500], at=clock.now(),
    )  # fmt: skip


# --- the handshake --------------------------------------------------------------------------
def handshake_failed(reason: str) -> BcError:
    # The code and wording are UNCONFIRMED (the platform answers it, not AL).
    return bad_request(
        "The subscription could not be created or renewed: the notification URL did not "
        f"answer the validation request ({reason}). It must answer 200 with the "
        "validationToken as its body.",
        code="BadRequest_InvalidNotificationUrl",
    )


def handshake(environment: BcEnvironment, url: str) -> None:
    """Raises a 400 BcError unless the subscriber echoes the token. The fault switch
    `fault_handshake_timeout` makes the next N handshakes time out as a silent subscriber's."""
    token = uuid.uuid4().hex
    if take_fault(environment, "fault_handshake_timeout"):
        _log(url, None, "handshake: no answer in time (fault switch)", ref="handshake")
        raise handshake_failed(f"no answer within {handshake_seconds():g} seconds")
    try:
        answer = requests.post(url, params={"validationToken": token}, data=b"",
                               timeout=handshake_seconds(), allow_redirects=False)  # fmt: skip
    except requests.Timeout:
        _log(url, None, "handshake: no answer in time", ref="handshake")
        raise handshake_failed(f"no answer within {handshake_seconds():g} seconds") from None
    except requests.RequestException as exc:
        _log(url, None, f"handshake: {type(exc).__name__}", ref="handshake")
        raise handshake_failed("it could not be reached") from None
    if answer.status_code != 200 or answer.content != token.encode():
        _log(url, answer.status_code, "handshake: wrong answer", ref="handshake")
        reason = f"status {answer.status_code}" if answer.status_code != 200 else \
            "the body was not the token"  # fmt: skip
        raise handshake_failed(reason)
    _log(url, 200, "", ref="handshake")


# --- the sender -----------------------------------------------------------------------------
def _target(subscription: BcSubscription) -> tuple[str, str, str] | None:
    match = _RESOURCE.match(subscription.resource)
    return (match["path"], match["company"].lower(), match["entity"]) if match else None


def _aggregated(changes: list[BcChange]) -> dict:
    """{record id: (change type, last change time)} in the order records first changed."""
    records: dict = {}
    for change in changes:
        before = records.get(change.record_id)
        kind = change.change_type
        if before is not None and before[0] == "created" and kind == "updated":
            kind = "created"
        records[change.record_id] = (kind, change.at)
    return records


def _notifications(subscription: BcSubscription, changes: list[BcChange]) -> list[dict]:
    path, _, _ = _target(subscription)
    base = {"subscriptionId": subscription.subscription_id,
            "clientState": subscription.client_state,
            "expirationDateTime": stamp(subscription.expiration)}  # fmt: skip
    records = _aggregated(changes)
    if len(records) > collection_after():
        first = min(change.at for change in changes) - COLLECTION_MARGIN
        return [{**base,
                 "resource": f"{path}?$filter=lastModifiedDateTime%20gt%20{stamp(first)}",
                 "changeType": "collection",
                 "lastModifiedDateTime": stamp(max(change.at for change in changes))}]  # fmt: skip
    return [
        {**base, "resource": f"{path}({record_id})", "changeType": kind,
         "lastModifiedDateTime": stamp(at)}
        for record_id, (kind, at) in records.items()
    ]  # fmt: skip


def _pending(subscription: BcSubscription) -> list[BcChange]:
    target = _target(subscription)
    if target is None:
        return []
    _, company, entity = target
    return list(
        BcChange.objects.filter(
            company_id=company, entity_set=entity, pk__gt=subscription.notified_through
        ).order_by("pk")
    )


def notifications_send() -> dict:
    """One pass of the sender. Returns what it did, for tests and the demo's log."""
    now = clock.now()
    expired = BcSubscription.objects.filter(expiration__lt=now)
    done = {"expired": expired.count(), "sent": 0, "retried": 0, "deleted": 0}
    expired.delete()
    due: dict[str, list] = defaultdict(list)
    for subscription in BcSubscription.objects.order_by("created", "pk"):
        if subscription.next_attempt_at is not None and subscription.next_attempt_at > now:
            continue
        changes = _pending(subscription)
        if changes and changes[0].at <= now - timedelta(seconds=debounce_seconds()):
            due[subscription.notification_url].append((subscription, changes))
    for url, batch in due.items():
        outcome = _send(url, batch)
        done[outcome] += 1
    return done


def _send(url: str, batch: list) -> str:
    payload = {"value": [n for sub, changes in batch for n in _notifications(sub, changes)]}
    correlation = str(uuid.uuid4())
    status, error = None, ""
    try:
        answer = requests.post(
            url, data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),  # no BOM
            headers={"Content-Type": "application/json", "clientRequestId": correlation,
                     "x-ms-correlation-id": correlation},
            timeout=send_seconds(), allow_redirects=False,
        )  # fmt: skip
        status = answer.status_code
    except requests.RequestException as exc:
        error = f"no answer: {type(exc).__name__}"
    for subscription, _ in batch:
        _log(url, status, error, subscription=subscription)
    if status is not None and 200 <= status <= 299:
        with transaction.atomic():
            for subscription, changes in batch:
                BcSubscription.objects.filter(pk=subscription.pk).update(
                    notified_through=changes[-1].pk, failed_attempts=0, next_attempt_at=None
                )
        return "sent"
    if not retried(status):
        # DeleteInvalidSubscriptions: every subscription of the URL, not only this batch's.
        BcSubscription.objects.filter(notification_url=url).delete()
        return "deleted"
    now = clock.now()
    deleted = False
    for subscription, _ in batch:
        attempt = subscription.failed_attempts + 1
        if attempt > MAX_ATTEMPTS:
            subscription.delete()
            deleted = True
            continue
        BcSubscription.objects.filter(pk=subscription.pk).update(
            failed_attempts=attempt, next_attempt_at=now + delay_for_attempt(attempt)
        )
    return "deleted" if deleted else "retried"
