"""Acumatica's push notifications in: a receiver per connection that checks the shared secret,
stores the notification before answering, and asks for a catalog push.

Acumatica (System → Integration → Push Notifications, SM302000) POSTs, after each data
transaction that changes the rows of a generic inquiry, `{"Inserted": [rows], "Deleted": [rows],
"Query", "CompanyId", "Id", "TimeStamp", "AdditionalInfo"}` with the header name and value
configured there. It proves nothing but that shared secret (no signature), retries a failed
delivery a few times with the same Id, and may drop one: the catalog push's scheduled poll on
LastModifiedDateTime (connectors/acumatica/items.py) catches what never arrived.

A notification only says "these items changed": the push it asks for reads them from Acumatica
(the rows are kept for people, never written to the store as they are).
"""

import hashlib
import hmac
import json
import logging
import math
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.storable import storable
from catalog.models import ACTIVE_STATES, CatalogSettings, PushState, Trigger
from catalog.services import push_start
from connectors.acumatica.models import NotificationState, PushNotification, PushReceiver
from tenants.models import Connection, ConnectionStatus
from webhooks.services import Rejected

logger = logging.getLogger(__name__)
security_log = logging.getLogger("ml_connector.security")

KIND = "acumatica"
HEADER_NAME = "X-ML-Connector-Push-Secret"
# A notification carries the rows one transaction changed; a price list import can change
# thousands. Far beyond that is refused unread (413) and left to the poll.
MAX_BODY_BYTES = 5 * 1024 * 1024
ID_LENGTH = PushNotification._meta.get_field("notification_id").max_length
QUERY_LENGTH = PushNotification._meta.get_field("query").max_length
KEPT_BODY = 2000  # characters of a malformed body kept for people
KEPT_SKUS = 200
# A push already under way may have read Acumatica before this change: ask again this often,
# at most this many times (then the scheduled poll has it).
RETRY_SECONDS = 5
MAX_TRIES = 60
# A notification still 'received' this long after it arrived lost its hand-over (the broker was
# down): longer than a waiting notification's MAX_TRIES retries, so none is handed over twice.
STALE_AFTER = timedelta(minutes=10)
SWEPT_AT_MOST = 500


# --- set-up ---------------------------------------------------------------------------------
def receiver_for(connection) -> PushReceiver:
    receiver, _ = PushReceiver.objects.get_or_create(connection=connection)
    return receiver


def secret_rotate(connection) -> PushReceiver:
    """A new secret: notifications with the old one are refused from now on."""
    receiver = receiver_for(connection)
    receiver.secret = PushReceiver._meta.get_field("secret").get_default()
    receiver.rotated_at = timezone.now()
    receiver.save(update_fields=["secret", "rotated_at"])
    return receiver


def push_address(connection) -> str:
    return f"{settings.PUBLIC_BASE_URL}/{KIND}/push/{connection.pk}/"


def push_setup(connection) -> dict:
    """What a person pastes into Acumatica's Push Notifications screen (SM302000)."""
    return {
        "address": push_address(connection),
        "header_name": HEADER_NAME,
        "header_value": receiver_for(connection).secret,
    }


# --- intake ---------------------------------------------------------------------------------
def refuse_oversized(length: int) -> None:
    if length > MAX_BODY_BYTES:
        raise Rejected(
            413,
            f"The body ({length} bytes) is larger than {MAX_BODY_BYTES} bytes, so it was refused "
            "unread; the scheduled poll reads the changes it named.",
        )


def notification_receive(*, connection_id, body: bytes, headers, remote_addr: str = ""):
    """Check, store once, hand over. Returns the new notification, None for a redelivery;
    raises Rejected (404 no such receiver, 401 wrong secret, 413, 400 malformed: stored failed)."""
    connection = Connection.objects.filter(pk=connection_id, erp_kind=KIND).first()
    receiver = connection and PushReceiver.objects.filter(connection=connection).first()
    if receiver is None:  # no secret issued yet: nothing could be right
        raise Rejected(404, "No Acumatica push receiver at this address.")
    presented = headers.get(HEADER_NAME, "")
    # As bytes: compare_digest refuses a str with non-ASCII characters.
    if not presented or not hmac.compare_digest(_utf8(presented), _utf8(receiver.secret)):
        security_log.warning(
            "acumatica push refused: wrong or missing secret",
            extra={"connection": str(connection.pk), "remote_addr": remote_addr},
        )
        raise Rejected(401, f"Missing or wrong {HEADER_NAME} header.")
    refuse_oversized(len(body))
    try:
        payload = _parse(body)
    except Rejected as rejected:
        _store_failed(connection, body, rejected.message)
        raise
    notification = _store_once(connection, payload)
    if notification is not None:
        transaction.on_commit(lambda: _hand_over(notification.pk))
    return notification


def _utf8(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def _not_json(constant: str):
    raise ValueError(f"{constant} is not a JSON number")


def _finite(text: str) -> float:
    number = float(text)
    if math.isinf(number):
        raise ValueError(f"the number {text[:40]} is out of range")
    return number


def _parse(body: bytes) -> dict:
    try:
        payload = json.loads(body.decode("utf-8"), parse_constant=_not_json, parse_float=_finite)
    except UnicodeDecodeError as exc:
        raise Rejected(400, "The body is not UTF-8 text.") from exc
    except (ValueError, RecursionError) as exc:
        raise Rejected(400, f"The body is not valid JSON ({str(exc)[:200]}).") from exc
    if not isinstance(payload, dict):
        raise Rejected(400, "Expected a push notification: {Inserted, Deleted, Query, Id, ...}.")
    ident = payload.get("Id")
    if not isinstance(ident, str) or not ident.strip() or len(ident) > ID_LENGTH - 5:
        raise Rejected(400, "The notification has no Id (a GUID).")
    query = payload.get("Query", "")
    if not isinstance(query, str) or len(query) > QUERY_LENGTH:
        raise Rejected(400, "The notification's Query is not an inquiry's name.")
    for part in ("Inserted", "Deleted"):
        rows = payload.get(part, [])
        if not isinstance(rows, list) or not all(_flat_row(row) for row in rows):
            raise Rejected(400, f"The notification's {part} is not a list of flat rows.")
    return payload


def _flat_row(row) -> bool:
    """Acumatica's rows are flat: a generic inquiry's columns and their plain values."""
    return isinstance(row, dict) and not any(isinstance(v, dict | list) for v in row.values())


def _skus(payload: dict) -> list[str]:
    rows = [*payload.get("Inserted", []), *payload.get("Deleted", [])]
    named = {str(row["InventoryID"]).strip() for row in rows if row.get("InventoryID")}
    return sorted(named)[:KEPT_SKUS]


def _store_once(connection, payload: dict) -> PushNotification | None:
    """Stored before the answer (autocommit, or the view's transaction). Acumatica resends with
    the same Id: the second is a no-op."""
    try:
        with transaction.atomic():
            return PushNotification.objects.create(
                connection=connection, tenant_id=connection.tenant_id,
                notification_id=f"id:{payload['Id'].strip()}", query=payload.get("Query", ""),
                rows=len(payload.get("Inserted", [])) + len(payload.get("Deleted", [])),
                skus=storable(_skus(payload)), payload=storable(payload),
            )  # fmt: skip
    except IntegrityError:
        return None


def _store_failed(connection, body: bytes, reason: str) -> None:
    """A malformed body is kept (as text, cut short) for people: nothing is lost unseen."""
    digest = hashlib.sha1(body).hexdigest()  # noqa: S324 - a key, not a signature
    text = storable(body[: KEPT_BODY * 4].decode("utf-8", "replace")[:KEPT_BODY])
    try:
        with transaction.atomic():
            PushNotification.objects.create(
                connection=connection, tenant_id=connection.tenant_id,
                notification_id=f"body:{digest}", body=text, state=NotificationState.FAILED,
                note=reason[:300], processed_at=timezone.now(),
            )  # fmt: skip
    except IntegrityError:
        pass  # the same malformed body again


def _hand_over(notification_id: int) -> None:
    from connectors.acumatica.tasks import process_notification

    try:
        process_notification.delay(notification_id)
    except Exception:  # the broker is down: it stays received, and the poll reads the change
        logger.warning("acumatica notification not handed over", extra={"id": notification_id})


def notifications_sweep() -> int:
    """Hand over again what was stored but never handed over (the broker was down when it
    arrived), so a notification once answered 2xx is never left behind. Returns how many."""
    stale = PushNotification.objects.filter(
        state=NotificationState.RECEIVED, received_at__lt=timezone.now() - STALE_AFTER
    ).values_list("pk", flat=True)[:SWEPT_AT_MOST]
    stale = list(stale)
    for notification_id in stale:
        _hand_over(notification_id)
    return len(stale)


# --- processing -----------------------------------------------------------------------------
def notification_process(notification_id: int, tries: int = 1) -> float | None:
    """Ask for the connection's catalog push. Returns seconds to wait before asking again: a
    push under way that started before this notification arrived may have read Acumatica
    before the change, so the notification waits for the next push (bursts join one)."""
    notification = (
        PushNotification.objects.select_related("connection")
        .filter(pk=notification_id, state=NotificationState.RECEIVED)
        .first()
    )
    if notification is None:
        return None
    connection = notification.connection
    if connection.status != ConnectionStatus.ACTIVE:
        return _settle(notification, NotificationState.IGNORED, "The connection is not active: "
                       "the first push after activation reads every change since the last.")  # fmt: skip
    if not CatalogSettings.objects.filter(connection=connection, enabled=True).exists():
        return _settle(notification, NotificationState.IGNORED,
                       "The catalog push is off for this connection.")  # fmt: skip
    push = push_start(connection, trigger=Trigger.SIGNAL, dry_run=False)
    started_before = push.created_at < notification.received_at
    if started_before and push.state in ACTIVE_STATES and push.state != PushState.HELD:
        if tries >= MAX_TRIES:
            return _settle(notification, NotificationState.IGNORED, "A push stayed under way "
                           "too long: the scheduled poll reads this change.")  # fmt: skip
        return RETRY_SECONDS
    note = "Joined the push held for confirmation." if push.state == PushState.HELD else ""
    return _settle(notification, NotificationState.PUSHED, note, push=push)


def _settle(notification, state, note: str, push=None) -> None:
    PushNotification.objects.filter(pk=notification.pk, state=NotificationState.RECEIVED).update(
        state=state, note=note[:300], push=push, processed_at=timezone.now()
    )
    return None
