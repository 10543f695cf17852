"""Webhook intake and hand-over. Nothing outside is called while BigCommerce waits for its 200."""

import functools
import hashlib
import json
import logging
import math
from datetime import timedelta

from django.db import connection as db_connection
from django.db import transaction
from django.utils import timezone

from audit.redaction import redact_headers
from audit.storable import UNSTORABLE, storable
from catalog.echo import CATALOG_SCOPES, event_note
from sync.dispatch import job_dispatch
from sync.flows import ORDER_SCOPES, flow_for_scope
from sync.jobs import job_request
from sync.models import Lane
from tenants.models import Connection, ConnectionStatus
from webhooks.handover import handover
from webhooks.models import EventState, InboundEvent
from webhooks.subscription import KNOWN_SCOPES
from webhooks.verification import SignatureError, verify

security_log = logging.getLogger("ml_connector.security")


# BigCommerce's webhooks are a few hundred bytes, two levels deep ({..., "data": {"type", "id"}}).
# Anything far beyond that is refused before it is parsed (a 413 or a 400), so no body can
# exhaust memory or Python's recursion limit.
MAX_BODY_BYTES = 64 * 1024
MAX_DEPTH = 32
RESOURCE_TYPE_LENGTH = InboundEvent._meta.get_field("resource_type").max_length
RESOURCE_ID_LENGTH = InboundEvent._meta.get_field("resource_id").max_length


class Rejected(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def refuse_oversized(length: int) -> None:
    """Checked on the declared length before the body is read, and on the body itself."""
    if length > MAX_BODY_BYTES:
        raise Rejected(
            413,
            f"The body ({length} bytes) is larger than {MAX_BODY_BYTES} bytes, far more than any "
            "BigCommerce webhook, so it was refused.",
        )


def _parse(body: bytes, connection: Connection) -> dict:
    refuse_oversized(len(body))
    try:
        text = body.decode("utf-8")  # what BigCommerce sends; json.loads would also guess UTF-16/32
    except UnicodeDecodeError as exc:
        raise Rejected(
            400, "The body is not UTF-8 text, so it is not a BigCommerce webhook."
        ) from exc
    if _nested_too_deep(text):
        raise Rejected(
            400,
            f"The body is nested deeper than {MAX_DEPTH} levels; BigCommerce's webhooks are two.",
        )
    try:
        payload = json.loads(text, parse_constant=_not_json, parse_float=_finite)
    except ValueError as exc:
        raise Rejected(400, f"The body is not valid JSON ({exc}).") from exc
    if not isinstance(payload, dict) or not isinstance(payload.get("data"), dict):
        raise Rejected(400, "Expected a BigCommerce webhook: {scope, store_id, data, hash, ...}.")
    scope = payload.get("scope")
    if not isinstance(scope, str) or scope not in KNOWN_SCOPES:
        raise Rejected(400, f"Unknown scope {scope!r}.")
    if not isinstance(payload.get("hash"), str) or not payload["hash"]:
        raise Rejected(400, "The webhook has no hash.")
    # PostgreSQL's jsonb holds neither U+0000 nor an unpaired surrogate; JSON can only spell
    # them as escapes.
    if b"\\u" in body and _contains_unstorable(payload):
        raise Rejected(
            400,
            "The webhook contains a NUL character (\\u0000) or an unpaired surrogate "
            "(\\ud800-\\udfff), which cannot be stored.",
        )
    if payload.get("producer") != f"stores/{connection.store_hash}":
        raise Rejected(400, f"Producer {payload.get('producer')!r} is not this connection's store.")
    resource_type, resource_id = _resource(payload)
    if len(resource_type) > RESOURCE_TYPE_LENGTH or len(resource_id) > RESOURCE_ID_LENGTH:
        raise Rejected(400, "data.type or data.id is not a BigCommerce record type or id.")
    return payload


def _nested_too_deep(text: str) -> bool:
    """Counted without parsing (json.loads and _contains_unstorable recurse once per level)."""
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return False  # every real webhook: nothing to scan
    depth, in_string, escaped = 0, False, False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return True
        elif char in "]}":
            depth -= 1
    return False


def _not_json(constant: str):
    raise ValueError(f"{constant} is not a JSON number")


def _finite(text: str) -> float:
    """PostgreSQL's jsonb cannot store an infinite number; json.loads reads 1e999 as one."""
    number = float(text)
    if math.isinf(number):
        raise ValueError(f"the number {text[:40]} is out of range")
    return number


def _contains_unstorable(value) -> bool:
    if isinstance(value, str):
        return UNSTORABLE.search(value) is not None
    if isinstance(value, dict):
        return any(_contains_unstorable(k) or _contains_unstorable(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_contains_unstorable(v) for v in value)
    return False


def _resource(payload: dict) -> tuple[str, str]:
    data = payload["data"]
    if payload["scope"] in ORDER_SCOPES:
        # Transaction events name the order in data.order_id (a string); the rest in data.id.
        return "order", str(data.get("order_id") or data.get("id") or "")
    return str(data.get("type") or ""), str(data.get("id") or "")


def dedupe_key(payload: dict) -> str:
    # BigCommerce sends the same hash on every redelivery of one event. Scope and event time
    # join it so two different events about the same record are never taken for one.
    raw = f"{payload['scope']}|{payload['hash']}|{payload.get('created_at', '')}"
    return hashlib.sha1(raw.encode()).hexdigest()  # noqa: S324 - a key, not a signature


class IntakeConnection:
    """What intake needs of a connection, read with one plain SELECT: building the ORM query and
    model cost more CPU than the rest of intake. Each secret is decrypted only when the delivery's
    proof needs it, by the field's own from_db_value (which raises on a wrong key)."""

    COLUMNS = ("id", "tenant_id", "store_hash", "status", "bc_client_secret", "webhook_secret")

    def __init__(self, pk, tenant_id, store_hash, status, client_secret, webhook_secret):
        self.pk, self.tenant_id, self.store_hash, self.status = pk, tenant_id, store_hash, status
        self._ciphertexts = {"bc_client_secret": client_secret, "webhook_secret": webhook_secret}

    @classmethod
    def get(cls, connection_id) -> "IntakeConnection | None":
        # The key as this database stores it (SQLite keeps UUIDs as 32 hex characters, no dashes).
        key = Connection._meta.pk.get_db_prep_value(connection_id, db_connection)
        with db_connection.cursor() as cursor:
            cursor.execute(_intake_select(), [key])
            row = cursor.fetchone()
        return cls(*row) if row else None

    def _secret(self, name: str) -> str:
        field = Connection._meta.get_field(name)
        return field.from_db_value(self._ciphertexts[name], None, db_connection)

    @functools.cached_property
    def bc_client_secret(self) -> str:
        return self._secret("bc_client_secret")

    @functools.cached_property
    def webhook_secret(self) -> str:
        return self._secret("webhook_secret")


@functools.cache
def _intake_select() -> str:
    meta = Connection._meta
    columns = ", ".join(meta.get_field(n).column for n in IntakeConnection.COLUMNS)
    return f"SELECT {columns} FROM {meta.db_table} WHERE {meta.pk.column} = %s"  # noqa: S608 - names from model meta


def event_receive(*, connection_id, body: bytes, headers, remote_addr: str = "") -> None:
    connection = IntakeConnection.get(connection_id)
    if connection is None:
        raise Rejected(404, "No such connection.")
    try:
        proof = verify(connection, body, headers)
    except SignatureError as exc:
        security_log.warning(
            "webhook refused: bad signature",
            extra={
                "connection": str(connection.pk),
                "remote_addr": remote_addr,
                "reason": str(exc),
            },
        )
        raise Rejected(401, "Signature verification failed.") from exc
    payload = _parse(body, connection)
    resource_type, resource_id = _resource(payload)
    active = connection.status == ConnectionStatus.ACTIVE
    event_id = _store_once(
        connection=connection,
        payload=payload,
        dedupe=dedupe_key(payload),
        resource=(resource_type, resource_id),
        headers={
            **{k.lower(): v for k, v in redact_headers(headers).items()},
            "x-verified-by": proof,
        },
        dispatched=active,
    )
    if event_id is not None and active:
        transaction.on_commit(lambda: handover.add(event_id))  # at once in autocommit


@functools.cache
def _insert_event(names: tuple[str, ...]) -> str:
    """The INSERT for a row with these fields (attnames, which are also intake's column names)."""
    meta = InboundEvent._meta
    columns = ", ".join(meta.get_field(name).column for name in names)
    placeholders = ", ".join(f"%({name})s" for name in names)
    return (
        f"INSERT INTO {meta.db_table} ({columns}) VALUES ({placeholders}) "  # noqa: S608 - names from model meta
        "ON CONFLICT (connection_id, dedupe_key) DO NOTHING RETURNING id"
    )


def _store_once(*, connection, payload, dedupe, resource, headers, dispatched) -> int | None:
    """One statement, committed on its own: the event is durable before we answer, and a
    redelivery (same key) inserts nothing. Returns the new row's id, or None for a redelivery.
    Raw SQL because this is the hot path: the ORM would need a savepoint and a second query."""
    now = timezone.now()
    state = EventState.DISPATCHED if dispatched else EventState.RECEIVED
    values = {
        "connection_id": connection.pk, "tenant_id": connection.tenant_id, "source": "bigcommerce",
        "scope": payload["scope"], "dedupe_key": dedupe, "resource_type": resource[0],
        "resource_id": resource[1], "payload": json.dumps(payload),
        "headers": json.dumps(storable(headers)),  # kept for the record: a NUL becomes U+FFFD
        "state": state, "last_error": "", "note": "", "received_at": now,
        "dispatched_at": now if dispatched else None,
    }  # fmt: skip
    with db_connection.cursor() as cursor:
        cursor.execute(_insert_event(tuple(values)), values)
        row = cursor.fetchone()
    return row[0] if row else None


def _dispatch(event: InboundEvent) -> None:
    from webhooks.tasks import process_event

    InboundEvent.objects.filter(pk=event.pk).update(
        state=EventState.DISPATCHED, dispatched_at=timezone.now()
    )
    transaction.on_commit(lambda: process_event.delay(event.pk))


def event_process(event_id: int) -> str | None:
    """Turn an event into a sync job. Idempotent: a second delivery of the task does nothing."""
    event = InboundEvent.objects.select_related("connection").filter(pk=event_id).first()
    if event is None or event.state not in (EventState.RECEIVED, EventState.DISPATCHED):
        return None
    if event.connection.status != ConnectionStatus.ACTIVE:
        # Paused: keep it; activation dispatches it again.
        InboundEvent.objects.filter(pk=event.pk).update(state=EventState.RECEIVED)
        return EventState.RECEIVED
    if event.scope in CATALOG_SCOPES:
        return _catalog_event_note(event)
    flow = flow_for_scope(event.scope)
    kind = flow.kind if flow else None
    with transaction.atomic():
        claimed = InboundEvent.objects.filter(
            pk=event.pk, state__in=[EventState.RECEIVED, EventState.DISPATCHED]
        ).update(
            state=EventState.PROCESSED if kind and event.resource_id else EventState.IGNORED,
            processed_at=timezone.now(),
        )
        if not claimed or kind is None or not event.resource_id:
            return EventState.IGNORED if claimed else None
        job, needs_run = job_request(
            connection=event.connection,
            kind=kind,
            source_id=event.resource_id,
            lane=Lane.LIVE,
            trigger="webhook",
        )
        if needs_run:
            job_dispatch(job.pk, trigger="webhook")
    return EventState.PROCESSED


def _catalog_event_note(event: InboundEvent) -> str | None:
    """A catalog change asks for no job: our own write's echo, or an edit made in the store that
    stays until the ERP changes the field (catalog/echo.py). The event says which."""
    claimed = InboundEvent.objects.filter(
        pk=event.pk, state__in=[EventState.RECEIVED, EventState.DISPATCHED]
    ).update(state=EventState.IGNORED, processed_at=timezone.now(), note=event_note(event)[:300])
    return EventState.IGNORED if claimed else None


def events_dispatch_pending(*, connection: Connection) -> int:
    """After activation: hand over everything that arrived while the connection was paused."""
    events = list(InboundEvent.objects.filter(connection=connection, state=EventState.RECEIVED))
    with transaction.atomic():
        for event in events:
            _dispatch(event)
    return len(events)


def event_redispatch(*, event: InboundEvent) -> None:
    """A person asked for this event to be handled again (e.g. after fixing a mapping)."""
    InboundEvent.objects.filter(pk=event.pk).update(state=EventState.RECEIVED, last_error="")
    with transaction.atomic():
        _dispatch(event)


# An event still waiting this long after it was stored or last handed over has no message on
# the broker (the broker was down, its web process stopped, the broker restarted empty). With the
# sweep every 10 s (config/schedule.py) such an event waits at most about 20 s after the broker
# is back; the web process's own hand-over sends it sooner when it is still running.
STUCK_AFTER = timedelta(seconds=10)


def stuck_event_ids(limit: int = 1000) -> list[int]:
    """Events whose hand-over is lost, to be sent again. Each is stamped as handed over now, so
    the next sweep leaves it alone unless it is still waiting STUCK_AFTER later. Sending one twice
    is harmless: event_process claims an event once."""
    now = timezone.now()
    cutoff = now - STUCK_AFTER
    active = InboundEvent.objects.filter(connection__status=ConnectionStatus.ACTIVE)
    never_sent = active.filter(state=EventState.RECEIVED, received_at__lt=cutoff)
    lost = active.filter(state=EventState.DISPATCHED, dispatched_at__lt=cutoff)
    ids = list((never_sent | lost).order_by("received_at").values_list("id", flat=True)[:limit])
    InboundEvent.objects.filter(
        pk__in=ids, state__in=[EventState.RECEIVED, EventState.DISPATCHED]
    ).update(state=EventState.DISPATCHED, dispatched_at=now)
    return ids
