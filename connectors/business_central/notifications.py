"""Business Central's change notifications in: the validation handshake, then each POST stored
before it is answered and handed to a worker after commit.

BC (codeunit 6154 "API Webhook Notification Send") POSTs `{"value": [{subscriptionId,
clientState, expirationDateTime, resource, changeType, lastModifiedDateTime}, ...]}` per
notification URL, the notifications of several subscriptions in one body, 30 s after the first
change. It retries only when it got no answer, 408, 429 or 5xx; ANY other answer deletes every
subscription of that URL. So this receiver answers 202 to everything it was sent for a
connection it knows, even what it refuses to act on (another clientState, a body it cannot
read): a 4xx would not make BC send anything better, it would only end the subscriptions and
leave the changes to the poll until the next renewal pass recreates them.

clientState is the only proof of origin BC offers (no signature header): a notification that
does not carry the connection's is counted, logged and never acted on.

A notification says only "this record changed": items ask for the connection's catalog push
(which reads the changed items itself), customers for the customer stream's job of that record
(which reads it afresh), `collection` re-queries the changes after its filter's time. The poll
on lastModifiedDateTime stays the catch-up for whatever never arrived.
"""

import hashlib
import hmac
import json
import logging
import math
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import unquote

from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.storable import storable
from catalog.models import ACTIVE_STATES, CatalogSettings, PushState, Trigger
from catalog.services import push_start
from connectors.business_central.models import (
    Notification,
    NotificationReceiver,
    NotificationState,
)
from tenants.models import ConnectionStatus

logger = logging.getLogger(__name__)
security_log = logging.getLogger("ml_connector.security")

KIND = "business_central"
# Above BC's 1,000 notifications per URL and window (then it sends one `collection`), several
# subscriptions' worth. Larger is not read: answered 202, left to the poll.
MAX_BODY_BYTES = 2 * 1024 * 1024
MAX_TOKEN_LENGTH = 1024  # a validationToken longer than this is not BC's
KEPT_BODY = 2000  # characters of a malformed body kept for people
ENTITIES = ("items", "customers")  # what we subscribe to
# A catalog push already under way may have read BC before this change: ask again this often,
# at most this many times (then the scheduled push has it).
RETRY_SECONDS = 5
MAX_TRIES = 60

_ENTITY_RESOURCE = re.compile(
    r"^/?api/v2\.0/companies\((?P<company>[0-9a-fA-F-]{36})\)/(?P<entity>[A-Za-z]+)"
    r"(?:\((?P<id>[0-9a-fA-F-]{36})\)|\?\$filter=(?P<filter>.+))?$"
)
_COLLECTION_FILTER = re.compile(r"^lastModifiedDateTime gt (?P<at>[0-9T:.\-]+Z?)$")


class Refused(Exception):
    """A request this receiver answers with a status other than 202 (no such receiver: 404)."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


# --- intake ---------------------------------------------------------------------------------
def receiver_for(connection) -> NotificationReceiver:
    """The connection's receiver, made with its clientState on first use."""
    receiver, _ = NotificationReceiver.objects.get_or_create(connection=connection)
    return receiver


def notification_url(connection) -> str:
    from django.conf import settings
    from django.urls import reverse

    path = reverse(f"{KIND}:notifications", args=[connection.pk])
    return f"{settings.PUBLIC_BASE_URL}{path}"


def receiver_of(connection_id) -> NotificationReceiver:
    """The receiver of a Business Central connection that has one; Refused 404 otherwise (BC
    then deletes a subscription pointing here, which is right: nobody reads it)."""
    receiver = (
        NotificationReceiver.objects.select_related("connection")
        .filter(connection_id=connection_id, connection__erp_kind=KIND)
        .first()
    )
    if receiver is None:
        raise Refused(404, "No Business Central notification receiver at this address.")
    return receiver


def handshake_answer(connection_id, token: str) -> str:
    """The validation handshake: the token back, exactly, for a receiver that exists."""
    receiver_of(connection_id)
    if len(token) > MAX_TOKEN_LENGTH:
        raise Refused(400, "The validationToken is too long.")
    return token


def notifications_receive(
    *, connection_id, body: bytes, remote_addr: str = ""
) -> Notification | None:
    """Check, store once, hand over after commit. Returns what was stored (None for BC's resend
    of a body already stored); raises Refused only for an address with no receiver."""
    receiver = receiver_of(connection_id)
    connection = receiver.connection
    try:
        items = _parse(body)
    except ValueError as exc:
        logger.warning(
            "business central notification unreadable: %s", exc,
            extra={"connection": str(connection.pk), "remote_addr": remote_addr},
        )  # fmt: skip
        return _store(connection, body, [], refused=0, failed=str(exc))
    ours = [item for item in items if _carries(item, receiver.client_state)]
    refused = len(items) - len(ours)
    if refused:
        security_log.warning(
            "business central notification refused: wrong or missing clientState",
            extra={"connection": str(connection.pk), "remote_addr": remote_addr,
                   "refused": refused},
        )  # fmt: skip
    notification = _store(connection, body, ours, refused=refused)
    if notification is not None and notification.state == NotificationState.RECEIVED:
        NotificationReceiver.objects.filter(pk=receiver.pk).update(
            last_notification_at=timezone.now()
        )
        transaction.on_commit(lambda: _hand_over(notification.pk))
    return notification


def _carries(item: dict, client_state: str) -> bool:
    presented = item.get("clientState")
    # As bytes: compare_digest refuses a str with non-ASCII characters.
    return isinstance(presented, str) and hmac.compare_digest(
        presented.encode("utf-8", "surrogatepass"), client_state.encode("utf-8", "surrogatepass")
    )


def _not_json(constant: str):
    raise ValueError(f"{constant} is not a JSON number")


def _finite(text: str) -> float:
    number = float(text)
    if math.isinf(number):
        raise ValueError(f"the number {text[:40]} is out of range")
    return number


def _parse(body: bytes) -> list[dict]:
    """The notifications of a body, each a flat object; ValueError saying what is wrong."""
    try:
        payload = json.loads(body.decode("utf-8"), parse_constant=_not_json, parse_float=_finite)
    except UnicodeDecodeError as exc:
        raise ValueError("the body is not UTF-8 text") from exc
    except (ValueError, RecursionError) as exc:
        raise ValueError(f"the body is not valid JSON ({str(exc)[:200]})") from exc
    items = payload.get("value") if isinstance(payload, dict) else None
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise ValueError('expected {"value": [notifications]}')
    for item in items:
        for name in ("subscriptionId", "resource", "changeType"):
            if not isinstance(item.get(name), str) or len(item[name]) > 2048:
                raise ValueError(f"a notification has no {name}")
    return items


def _kept(item: dict) -> dict:
    """A notification as stored: its clientState was checked, it is not kept."""
    return {key: value for key, value in item.items() if key != "clientState"}


def _store(connection, body: bytes, ours: list[dict], *, refused: int, failed: str = ""):
    digest = hashlib.sha1(body).hexdigest()  # noqa: S324 - a key, not a signature
    fields = {"count": len(ours), "refused": refused}
    if failed:
        text = body[: KEPT_BODY * 4].decode("utf-8", "replace")[:KEPT_BODY]
        fields |= {"body": storable(text), "state": NotificationState.FAILED,
                   "note": f"Unreadable: {failed}"[:300], "processed_at": timezone.now()}  # fmt: skip
    elif not ours:
        fields |= {"state": NotificationState.REFUSED, "processed_at": timezone.now(),
                   "note": "No notification carried this connection's clientState: not acted on."}  # fmt: skip
    else:
        entities = sorted({_entity_of(item) for item in ours} - {""})
        fields |= {"entities": entities, "payload": storable({"value": [_kept(i) for i in ours]})}
    try:
        with transaction.atomic():
            return Notification.objects.create(
                connection=connection, tenant_id=connection.tenant_id, digest=digest, **fields
            )
    except IntegrityError:
        return None  # BC sent this body again (our answer did not reach it)


def _entity_of(item: dict) -> str:
    match = _ENTITY_RESOURCE.match(item.get("resource", ""))
    return match["entity"] if match else ""


def _hand_over(notification_id: int) -> None:
    from connectors.business_central.tasks import process_notification

    try:
        process_notification.delay(notification_id)
    except Exception:  # the broker is down: it stays received, and the poll reads the changes
        logger.warning("business central notification not handed over",
                       extra={"id": notification_id})  # fmt: skip


# --- processing -----------------------------------------------------------------------------
def notification_process(notification_id: int) -> bool:
    """Ask for what the stored notifications name: the customer stream's job of each customer
    (a `collection`: of each customer changed after its time), and one catalog push for any
    item change. Returns whether a catalog push is to be asked for (push_signal)."""
    notification = (
        Notification.objects.select_related("connection")
        .filter(pk=notification_id, state=NotificationState.RECEIVED)
        .first()
    )
    if notification is None:
        return False
    connection = notification.connection
    if connection.status != ConnectionStatus.ACTIVE:
        _settle(notification, NotificationState.IGNORED, "The connection is not active: the "
                "polls after activation read every change since the last.")  # fmt: skip
        return False
    company = str(connection.erp_settings.get("company_id") or "").lower()
    customers, since, items, other = set(), [], False, 0
    for item in (notification.payload or {}).get("value", []):
        change = _change_of(item, company)
        if change is None:
            other += 1
        elif change.entity == "items":
            items = True
        elif change.since is not None:
            since.append(change.since)
        elif change.record_id:
            customers.add(change.record_id)
    asked = customers_ask(connection, customers, min(since) if since else None)
    note = f"{asked} customer job(s) asked for." if customers or since else ""
    if other:
        note += f" {other} notification(s) not for this company's items or customers."
    if not items:
        _settle(notification, NotificationState.PROCESSED, note.strip())
        return False
    Notification.objects.filter(pk=notification.pk).update(note=note.strip()[:300])
    return True


class _Change:
    __slots__ = ("entity", "record_id", "since")

    def __init__(self, entity: str, record_id: str = "", since: datetime | None = None):
        self.entity, self.record_id, self.since = entity, record_id, since


def _change_of(item: dict, company: str) -> _Change | None:
    """What one notification names, or None when it is not for the connection's company's
    items or customers (its resource is then not acted on)."""
    match = _ENTITY_RESOURCE.match(item.get("resource", ""))
    if not match or match["company"].lower() != company or match["entity"] not in ENTITIES:
        return None
    if item.get("changeType") == "collection" or match["filter"]:
        since = _collection_since(match["filter"] or "")
        return None if since is None else _Change(match["entity"], since=since)
    if not match["id"]:
        return None
    return _Change(match["entity"], record_id=match["id"].lower())


def _collection_since(encoded: str) -> datetime | None:
    """The time of `$filter=lastModifiedDateTime%20gt%20<first change - 50 ms>`, parsed (never
    passed on as text: we build our own query from it)."""
    found = _COLLECTION_FILTER.match(unquote(encoded).strip())
    if not found:
        return None
    try:
        moment = datetime.fromisoformat(found["at"].replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def customers_ask(connection, record_ids: set[str], since: datetime | None) -> int:
    """The customer stream's job for each linked record named, and for each one changed after
    `since` (a collection: read back through the stream's own query, page by page). A record
    the store does not know is not ours to write; a deleted one's job finds it gone."""
    from connectors.business_central.connector import BusinessCentralConnector
    from connectors.links import store_links
    from connectors.models import LinkEntity
    from sync.dispatch import job_dispatch
    from sync.jobs import job_request
    from sync.models import JobKind, Lane

    named = set(record_ids)
    if since is not None:
        erp = BusinessCentralConnector(connection, lane=Lane.BACKFILL)
        for page in erp.changed_customers(since):
            named |= {record.erp_id.lower() for record in page}
    links = store_links(connection, LinkEntity.CUSTOMER, sorted(named))
    asked = 0
    for record_id in sorted(named):
        if record_id not in links:
            continue
        job, needs_run = job_request(
            connection=connection, kind=JobKind.CUSTOMER_TO_STORE, source_id=record_id,
            lane=Lane.LIVE, trigger="notification",
        )  # fmt: skip
        if needs_run:
            transaction.on_commit(lambda pk=job.pk: job_dispatch(pk, trigger="notification"))
        asked += 1
    return asked


def push_signal(notification_id: int, tries: int = 1) -> float | None:
    """Ask for the connection's catalog push for an item notification. Returns seconds to wait
    before asking again: a push under way that started before this notification arrived may
    have read BC before the change, so the notification waits for the next push."""
    notification = (
        Notification.objects.select_related("connection")
        .filter(pk=notification_id, state=NotificationState.RECEIVED)
        .first()
    )
    if notification is None:
        return None
    connection, note = notification.connection, notification.note
    if not CatalogSettings.objects.filter(connection=connection, enabled=True).exists():
        return _settle(notification, NotificationState.PROCESSED,
                       f"{note} The catalog push is off: item changes not pushed.")  # fmt: skip
    push = push_start(connection, trigger=Trigger.SIGNAL, dry_run=False)
    started_before = push.created_at < notification.received_at
    if started_before and push.state in ACTIVE_STATES and push.state != PushState.HELD:
        if tries >= MAX_TRIES:
            return _settle(notification, NotificationState.PROCESSED, f"{note} A push stayed "
                           "under way too long: the scheduled push reads these items.")  # fmt: skip
        return RETRY_SECONDS
    return _settle(notification, NotificationState.PROCESSED, f"{note} Catalog push asked for.",
                   push=push)  # fmt: skip


def _settle(notification, state, note: str, push=None) -> None:
    Notification.objects.filter(pk=notification.pk, state=NotificationState.RECEIVED).update(
        state=state, note=note.strip()[:300], push=push, processed_at=timezone.now()
    )
    return None


STALE_AFTER = timedelta(minutes=10)
SWEPT_AT_MOST = 500


def notifications_sweep() -> int:
    """Hand over again what was stored but never handed over (the broker was down when it
    arrived), so a notification once answered 2xx is never left behind. Returns how many."""
    stale = list(
        Notification.objects.filter(
            state=NotificationState.RECEIVED, received_at__lt=timezone.now() - STALE_AFTER
        ).values_list("pk", flat=True)[:SWEPT_AT_MOST]
    )
    for notification_id in stale:
        _hand_over(notification_id)
    return len(stale)
