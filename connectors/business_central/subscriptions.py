"""Our webhook subscriptions in Business Central: the connection's company's `items` and
`customers`, created on activation, renewed well before their three-day expiry, recreated when
BC deleted one (it does after failed deliveries, or a 4xx from us).

One pass (`subscriptions_ensure`) lists the environment's subscriptions (at most 200 there),
keeps for each entity the one pointing at our receiver with our clientState, deletes strays (a
duplicate left by a create whose answer was lost, another clientState, a company no longer
chosen), creates what is missing (BC runs the validation handshake against our receiver before
it answers 201) and renews by PATCH with the subscription's ETag what expires within a day
(the handshake again; a stale ETag is read again once). The pass is the find-before-create: a
create is never repeated in place, the next pass finds what a lost answer created.

What the pass found goes on the receiver (the admin's health line); a failure also goes on the
connection's last error, in words for the person who can fix it. The poll on
lastModifiedDateTime catches every change meanwhile.
"""

import logging
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from audit.redaction import register_secrets
from connectors.answers import reading
from connectors.business_central.api import ETAG, SHAPE, BusinessCentralApi
from connectors.business_central.client import LABEL, is_entity_changed
from connectors.business_central.models import NotificationReceiver, Subscription
from connectors.business_central.notifications import (
    ENTITIES,
    KIND,
    notification_url,
    receiver_for,
)
from connectors.errors import ConnectorError, PermanentError
from connectors.odata import ODataClient
from tenants.models import Connection, ConnectionStatus

logger = logging.getLogger(__name__)

RENEW_WITHIN = timedelta(days=1)  # renewed when less than this is left of the three days
ERROR_PREFIX = "Business Central change notifications: "
SUBSCRIPTIONS = "subscriptions"


def _server_time(response) -> datetime | None:
    try:
        moment = parsedate_to_datetime(response.headers.get("Date", ""))
    except (TypeError, ValueError, IndexError):
        return None
    return moment if moment.tzinfo else None


def resource_of(company_id: str, entity: str) -> str:
    return f"/api/v2.0/companies({company_id})/{entity}"


def _same_resource(a: str, b: str) -> bool:
    return a.strip().lstrip("/").lower() == b.strip().lstrip("/").lower()


class SubscriptionPass:
    def __init__(self, connection, receiver: NotificationReceiver, now: datetime):
        self.connection, self.receiver, self.now = connection, receiver, now
        self.bc_now = now  # Business Central's time, from its answer
        self.api = BusinessCentralApi(connection)
        self.url = notification_url(connection)
        self.actions: list[str] = []

    # --- the API --------------------------------------------------------------------------
    def listed(self) -> list[dict]:
        """The environment's subscriptions (at most 200: one page). Their expiry is counted
        from Business Central's own time (the answer's Date header), so a skewed clock here
        never lets one lapse."""
        response = self.api.root.get(SUBSCRIPTIONS, operation="subscriptions.list")
        rows = ODataClient(self.api.root, SHAPE).rows(response)
        self.bc_now = _server_time(response) or self.now
        return rows

    def create(self, resource: str) -> dict:
        body = {"notificationUrl": self.url, "resource": resource,
                "clientState": self.receiver.client_state}  # fmt: skip
        response = self.api.root.post(SUBSCRIPTIONS, operation="subscriptions.create", json=body)
        return self.api.record(response, "POST subscriptions")

    def renew(self, found: dict) -> dict | None:
        """PATCH with its ETag; None when BC no longer has it. A stale ETag is read again once."""
        for tries in (1, 2):
            try:
                response = self.api.root.patch(
                    self._key(found), operation="subscriptions.renew",
                    json={"notificationUrl": self.url, "clientState": self.receiver.client_state},
                    headers={"If-Match": found.get(ETAG) or "*"},
                )  # fmt: skip
                return self.api.record(response, "PATCH subscriptions")
            except PermanentError as exc:
                if exc.status == 404:
                    return None
                if not is_entity_changed(exc) or tries == 2:
                    raise
            found = self.get(found)
            if found is None:
                return None
        return None

    def get(self, found: dict) -> dict | None:
        try:
            response = self.api.root.get(self._key(found), operation="subscriptions.get")
        except PermanentError as exc:
            if exc.status == 404:
                return None
            raise
        return self.api.record(response, "GET subscriptions")

    def delete(self, found: dict) -> None:
        try:
            self.api.root.delete(
                self._key(found), operation="subscriptions.delete",
                headers={"If-Match": found.get(ETAG) or "*"},
            )  # fmt: skip
        except PermanentError as exc:
            if exc.status != 404:
                raise

    @staticmethod
    def _key(found: dict) -> str:
        return f"{SUBSCRIPTIONS}('{found['subscriptionId']}')"

    # --- the pass -------------------------------------------------------------------------
    def run(self, company_id: str) -> None:
        wanted = {entity: resource_of(company_id, entity) for entity in ENTITIES}
        ours = [
            s for s in self.listed() if isinstance(s, dict) and s.get("notificationUrl") == self.url
        ]
        kept: dict[str, dict] = {}
        for found in ours:
            with reading(LABEL, "GET subscriptions"):
                resource, state = str(found["resource"]), found.get("clientState")
                str(found["subscriptionId"])
            entity = next((e for e, r in wanted.items() if _same_resource(r, resource)), None)
            if entity is None or entity in kept or state != self.receiver.client_state:
                self.delete(found)
                self.actions.append(
                    f"deleted a stray subscription ({resource.rsplit('/', 1)[-1][:40]})"
                )
                continue
            kept[entity] = found
        for entity, resource in wanted.items():
            found = kept.get(entity)
            if found is not None and self._expires(found) - self.bc_now < RENEW_WITHIN:
                renewed = self.renew(found)
                self.actions.append(f"renewed {entity}" if renewed else f"{entity} was gone")
                found = renewed
            if found is None:
                found = self.create(resource)
                self.actions.append(f"created {entity}")
            self._record(entity, resource, found)
        Subscription.objects.filter(connection=self.connection).exclude(
            entity__in=list(wanted)
        ).delete()

    def _expires(self, found: dict) -> datetime:
        with reading(LABEL, "the subscription's expirationDateTime"):
            moment = parse_datetime(str(found["expirationDateTime"]))
            if moment is None:
                raise ValueError(f"{found['expirationDateTime']!r:.40} is not a date-time")
        return moment

    def _record(self, entity: str, resource: str, found: dict) -> None:
        expires = self._expires(found)
        with reading(LABEL, "the subscription"):
            subscription_id = str(found["subscriptionId"])
        row = Subscription.objects.filter(connection=self.connection, entity=entity).first()
        fields = {"subscription_id": subscription_id, "resource": resource,
                  "etag": str(found.get(ETAG) or "")[:300], "expires_at": expires}  # fmt: skip
        if row is None or row.subscription_id != subscription_id:
            fields |= {"created_at": self.now, "renewed_at": None}
        elif row.expires_at != expires:
            fields["renewed_at"] = self.now
        Subscription.objects.update_or_create(
            connection=self.connection, entity=entity, defaults=fields
        )


def subscriptions_ensure(connection) -> dict:
    """One pass over the connection's subscriptions (see the module). Returns its health line:
    {"checked_at", "actions", "error"}; never raises for what Business Central answered."""
    receiver = receiver_for(connection)
    register_secrets([receiver.client_state])
    now = timezone.now()
    company_id = (connection.erp_settings or {}).get("company_id")
    work = None
    try:
        if not company_id:
            raise PermanentError("no company is chosen yet: pick one with 'Company'.")
        work = SubscriptionPass(connection, receiver, now)
        work.run(str(company_id))
        error = ""
    except ConnectorError as exc:
        error = _in_words(exc, notification_url(connection))
    actions = work.actions if work is not None else []
    NotificationReceiver.objects.filter(pk=receiver.pk).update(checked_at=now, error=error)
    _connection_error(connection, error)
    return {"checked_at": now.isoformat(), "actions": actions, "error": error}


def _in_words(exc: ConnectorError, url: str) -> str:
    if exc.status == 400 and "notification" in exc.message.lower():
        return (
            f"{ERROR_PREFIX}Business Central could not complete the handshake with "
            f"ml-connector's address {url} ({exc.message[:300]}). That address must be "
            "reachable from the internet (PUBLIC_BASE_URL). Until it is, changes in Business "
            "Central reach the store through the regular poll only."
        )
    return (
        f"{ERROR_PREFIX}{exc.message[:500]} Changes in Business Central reach the store "
        "through the regular poll until this is fixed; the subscriptions are tried again "
        "every 15 minutes."
    )


def _connection_error(connection, error: str) -> None:
    """A failure shows on the connection; a success clears only a failure of ours."""
    rows = Connection.objects.filter(pk=connection.pk)
    if error:
        rows.update(last_error=error, last_error_at=timezone.now(), updated_at=timezone.now())
    else:
        rows.filter(last_error__startswith=ERROR_PREFIX).update(
            last_error="", last_error_at=None, updated_at=timezone.now()
        )


def subscriptions_activate(connection) -> None:
    """The ERP's part of a connection's activation (connectors.spec.ErpSpec.on_activate): a
    worker subscribes, after commit. Not in the activating request: Business Central's handshake
    calls back into this web app while that request waits, which would hold two more of its
    threads (and at start-up, the web app may not be serving yet: the task tries again)."""
    from connectors.business_central.tasks import renew_subscriptions

    connection_id = str(connection.pk)

    def hand_over():
        try:
            renew_subscriptions.delay(connection_id)
        except Exception:  # the broker is down: the periodic pass subscribes within 15 minutes
            logger.warning("business central subscriptions not handed over",
                           extra={"connection": connection_id})  # fmt: skip

    transaction.on_commit(hand_over)


def connections_to_renew() -> list:
    active = Connection.objects.filter(erp_kind=KIND, status=ConnectionStatus.ACTIVE)
    return list(active.values_list("pk", flat=True))


def subscription_health(connection) -> str:
    """One line for the admin: the subscriptions, their expiry, the last renewal and the last
    notification, or what went wrong."""
    receiver = NotificationReceiver.objects.filter(connection=connection).first()
    if receiver is None or receiver.checked_at is None:
        return "Not subscribed yet: activate the connection."
    if receiver.error:
        return receiver.error
    rows = list(Subscription.objects.filter(connection=connection).order_by("entity"))
    parts = [f"{row.entity} until {row.expires_at:%Y-%m-%d %H:%M} UTC" for row in rows]
    renewed = max((row.renewed_at or row.created_at for row in rows), default=None)
    last = receiver.last_notification_at
    return (
        f"Subscribed: {', '.join(parts) or 'none'}; last renewed {_when(renewed, 'never')}; "
        f"last notification {_when(last, 'none yet')}."
    )


def _when(moment, otherwise: str) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC" if moment else otherwise
