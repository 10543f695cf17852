"""Push notifications out (System → Integration → Push Notifications, SM302000): after a stock
item changes, each active notification of its tenant POSTs what changed to its address.

The data query each one names is, in this sandbox, always the stock items' generic inquiry the
connector's docs describe (docs/catalog-push.md): one flat row per item and warehouse, columns
InventoryID, Description, DefaultPrice, CurrentStdCost, AverageCost, LastModifiedDateTime,
WarehouseID, QtyOnHand (an item without warehouse lines: one row with WarehouseID and QtyOnHand
null). As Acumatica does, a notification carries only the rows that changed: the new ones under
Inserted, the old ones under Deleted (an update is the same key in both), with values flat (no
{"value": …}), the tenant's name as CompanyId, a GUID per data transaction as Id and .NET ticks
as TimeStamp.

Delivery: in a background thread (a person's edit never waits for it), at most the
notification's max_attempts (5) tries, a short backoff after an error reply or no answer; not
guaranteed: the notification's drop_rate drops that share silently (a fault switch). Each one is
logged as an AcuPushDelivery. Tests wait for the threads with `deliveries_flush()`; a process
ending (a management command's edit) waits for them too, a little.
"""

import atexit
import logging
import random
import threading
import time
import uuid
from datetime import UTC, datetime

import requests
from django.db import connection as db_connection
from django.utils import timezone

from sandbox.acumatica import wire
from sandbox.acumatica.models import AcuPushDelivery, AcuPushNotification

logger = logging.getLogger(__name__)

ENTITY = "StockItem"
COLUMNS = ("InventoryID", "Description", "DefaultPrice", "CurrentStdCost", "AverageCost",
           "LastModifiedDateTime")  # fmt: skip
BACKOFF_SECONDS = 0.2  # doubled after each failed try: 0.2, 0.4, 0.8, 1.6
TIMEOUT_SECONDS = 10
EXIT_WAIT_SECONDS = 15
TICKS_AT_UNIX_EPOCH = 621_355_968_000_000_000  # .NET DateTime ticks (100 ns) at 1970-01-01

_threads: set[threading.Thread] = set()
_threads_lock = threading.Lock()


def notification_create(tenant, *, address: str, header_name: str = "", header_value: str = "",
                        query_name: str = "ML-StockItems", drop_rate: float = 0.0,
                        max_attempts: int = 5) -> AcuPushNotification:  # fmt: skip
    """A push notification as a person sets it up on SM302000 (Destination Type Webhook)."""
    return AcuPushNotification.objects.create(
        tenant=tenant, query_name=query_name, address=address, header_name=header_name,
        header_value=header_value, drop_rate=drop_rate, max_attempts=max_attempts,
    )  # fmt: skip


def rows_of(record: dict | None) -> list[dict]:
    """The inquiry's flat rows for one stored (wrapped) stock item: one per warehouse line."""
    if not record:
        return []
    item = {column: wire.value(record, column) for column in COLUMNS}
    lines = record.get("WarehouseDetails") or []
    if not lines:
        return [{**item, "WarehouseID": None, "QtyOnHand": None}]
    return [
        {**item, "WarehouseID": wire.value(line, "WarehouseID"),
         "QtyOnHand": wire.value(line, "QtyOnHand")}
        for line in lines
    ]  # fmt: skip


def _key(row: dict) -> tuple:
    return row["InventoryID"], row["WarehouseID"]


def _tracked(row: dict) -> dict:
    # LastModifiedDateTime moves on every save: a change is a change of the other columns.
    return {k: v for k, v in row.items() if k != "LastModifiedDateTime"}


def changed_rows(before: dict | None, after: dict | None) -> tuple[list[dict], list[dict]]:
    """(Inserted, Deleted): the rows that differ, new and old."""
    old = {_key(row): row for row in rows_of(before)}
    new = {_key(row): row for row in rows_of(after)}
    inserted = [
        row for key, row in new.items() if key not in old or _tracked(old[key]) != _tracked(row)
    ]
    deleted = [
        row for key, row in old.items() if key not in new or _tracked(new[key]) != _tracked(row)
    ]
    return inserted, deleted


def ticks(moment: datetime) -> int:
    """.NET ticks, as TimeStamp carries them (UNCONFIRMED: inferred from the documented
    example's magnitude)."""
    delta = moment.astimezone(UTC) - datetime(1970, 1, 1, tzinfo=UTC)
    return (
        TICKS_AT_UNIX_EPOCH
        + (delta.days * 86_400 + delta.seconds) * 10**7
        + delta.microseconds * 10
    )


def stock_item_changed(tenant, entity: str, before: dict | None, after: dict | None) -> list:
    """Called after each committed item write (changes.records_changed). Returns the deliveries
    made (dropped ones included)."""
    if entity != ENTITY:
        return []
    inserted, deleted = changed_rows(before, after)
    if not inserted and not deleted:
        return []
    ident, now = uuid.uuid4(), timezone.now()
    deliveries = []
    for notification in AcuPushNotification.objects.filter(tenant=tenant, active=True):
        payload = {
            "Inserted": inserted, "Deleted": deleted, "Query": notification.query_name,
            "CompanyId": tenant.name, "Id": str(ident), "TimeStamp": ticks(now),
            "AdditionalInfo": {},
        }  # fmt: skip
        dropped = random.random() < notification.drop_rate  # a fault switch, not a secret
        delivery = AcuPushDelivery.objects.create(
            notification=notification, message_id=ident, payload=payload, dropped=dropped
        )
        deliveries.append(delivery)
        if not dropped:
            _start(delivery.pk)
    return deliveries


def _start(delivery_id: int) -> None:
    thread = threading.Thread(
        target=_deliver, args=(delivery_id,), name="acumatica-push", daemon=True
    )
    with _threads_lock:
        _threads.add(thread)
    thread.start()


def _deliver(delivery_id: int) -> None:
    try:
        delivery = AcuPushDelivery.objects.select_related("notification").get(pk=delivery_id)
        deliver(delivery)
    except Exception:
        logger.exception("sandbox push notification not delivered", extra={"delivery": delivery_id})
    finally:
        db_connection.close()  # the thread ends: a kept-alive connection would be orphaned
        with _threads_lock:
            _threads.discard(threading.current_thread())


def deliver(delivery: AcuPushDelivery) -> AcuPushDelivery:
    """POST the payload until a 2xx, at most max_attempts times; each try is logged."""
    notification = delivery.notification
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if notification.header_name:
        headers[notification.header_name] = notification.header_value
    wait = BACKOFF_SECONDS
    for attempt in range(1, notification.max_attempts + 1):
        if attempt > 1:
            time.sleep(wait)
            wait *= 2
        try:
            answer = requests.post(
                notification.address, json=delivery.payload, headers=headers,
                timeout=TIMEOUT_SECONDS,
            )  # fmt: skip
            status, error = answer.status_code, "" if answer.ok else answer.text[:300]
        except requests.RequestException as exc:
            status, error = None, f"{type(exc).__name__}: {exc}"[:300]
        delivery.attempts, delivery.status_code, delivery.last_error = attempt, status, error
        delivery.delivered = status is not None and 200 <= status < 300
        delivery.save(update_fields=["attempts", "status_code", "last_error", "delivered"])
        if delivery.delivered:
            break
    return delivery


def deliveries_flush(timeout: float = 30) -> None:
    """Wait for the deliveries under way (tests; the demo never needs to)."""
    deadline = time.monotonic() + timeout
    while True:
        with _threads_lock:
            pending = list(_threads)
        if not pending:
            return
        for thread in pending:
            thread.join(max(0.0, deadline - time.monotonic()))
        if time.monotonic() >= deadline:
            raise TimeoutError(f"{len(pending)} push notification deliveries still under way")


@atexit.register
def _flush_at_exit() -> None:
    """The threads are daemons: without this, a command's edit would end before its notification
    went out."""
    try:
        deliveries_flush(timeout=EXIT_WAIT_SECONDS)
    except TimeoutError:
        logger.warning("push notifications still under way at exit were left")
