"""Health lights per connection: webhooks, sign-in, ERP reachability and catalog push.

Green, amber or red (grey: nothing to judge yet), each with one plain sentence. The connections
come with what the lights need in a fixed number of queries, however many connections there are
(the last ERP call and the last catalog push are subqueries, the tokens one prefetch).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from audit.models import ApiCall, System
from catalog.models import CatalogPush, PushState
from tenants.models import ConnectionStatus

ERP_WINDOW = timedelta(hours=1)  # an ERP call older than this says nothing about today
# The connection's credentials, left unread: the lights need none of them.
SECRETS = ("bc_access_token", "bc_client_secret", "webhook_secret", "erp_secrets")
MAX_CONNECTIONS = 50  # the dashboard lists this many; the Connections page has them all


@dataclass(frozen=True)
class Light:
    topic: str
    colour: str  # green, amber, red, grey
    sentence: str


def connections_with_health(connections, now: datetime):
    """`connections` with the last ERP call of the last hour and the last catalog push attached."""
    erp_calls = ApiCall.objects.filter(
        connection=OuterRef("pk"), created_at__gte=now - ERP_WINDOW
    ).exclude(system=System.BIGCOMMERCE)
    erp_calls = erp_calls.order_by("-created_at", "-id")
    pushes = CatalogPush.objects.filter(connection=OuterRef("pk"), dry_run=False).order_by(
        "-created_at", "-id"
    )
    return (
        connections.select_related("tenant", "catalog_settings")
        .defer(*SECRETS)  # never decrypted for a page that shows none of them
        .prefetch_related("tokens")
        .annotate(
            erp_status=Subquery(erp_calls.values("status_code")[:1]),
            erp_error=Subquery(erp_calls.values("error_class")[:1]),
            erp_at=Subquery(erp_calls.values("created_at")[:1]),
            push_state=Subquery(pushes.values("state")[:1]),
            push_error=Subquery(pushes.values("error")[:1]),
            push_at=Subquery(pushes.values("created_at")[:1]),
        )
        .order_by("tenant__name", "name")[:MAX_CONNECTIONS]
    )


def _when(moment: datetime | None) -> str:
    return timezone.localtime(moment).strftime("%H:%M") if moment else ""


def webhook_light(connection) -> Light:
    if connection.status == ConnectionStatus.DRAFT:
        return Light("Store webhooks", "grey", "Not set up yet: activate the connection.")
    health = connection.webhook_health or {}
    if not health:
        return Light("Store webhooks", "amber", "Not checked yet; the hourly check will look.")
    if health.get("error"):
        return Light("Store webhooks", "red", f"Could not be registered: {health['error']}")
    hooks = health.get("hooks", [])
    active = sum(1 for hook in hooks if hook.get("is_active"))
    if not hooks or active < len(hooks):
        return Light(
            "Store webhooks",
            "red",
            f"{active} of {len(hooks)} are switched on: the store may have stopped sending "
            "orders. Orders still arrive by the regular catch-up; activate the connection again.",
        )
    return Light("Store webhooks", "green", f"All {len(hooks)} are switched on.")


def sign_in_light(connection, now: datetime) -> Light:
    if connection.status == ConnectionStatus.NEEDS_RECONNECT:
        return Light(
            "ERP sign-in", "red", "The ERP no longer accepts our sign-in: reconnect the ERP."
        )
    tokens = list(connection.tokens.all())
    lapsed = [t for t in tokens if t.expires_at and t.expires_at <= now and not t.refresh_token]
    if lapsed:
        return Light("ERP sign-in", "amber", "The sign-in has expired: reconnect the ERP.")
    if not tokens:
        return Light("ERP sign-in", "green", "Uses the saved user name and password.")
    return Light("ERP sign-in", "green", "Signed in; renewed automatically.")


def erp_light(connection) -> Light:
    status, error, at = connection.erp_status, connection.erp_error, connection.erp_at
    if at is None:
        return Light("ERP reachable", "grey", "No calls to the ERP in the last hour.")
    if error or status is None:
        return Light("ERP reachable", "red", f"The ERP could not be reached at {_when(at)}.")
    if status >= 500:
        return Light("ERP reachable", "red", f"The ERP answered with an error at {_when(at)}.")
    if status in (401, 403):
        return Light("ERP reachable", "red", f"The ERP refused our sign-in at {_when(at)}.")
    if status == 429:
        return Light("ERP reachable", "amber", f"The ERP asked us to slow down at {_when(at)}.")
    return Light("ERP reachable", "green", f"The ERP answered at {_when(at)}.")


def catalog_light(connection) -> Light:
    settings = getattr(connection, "catalog_settings", None)
    if settings is None or not settings.enabled:
        return Light("Catalog push", "grey", "Off: prices and stock are not sent to the store.")
    state, at = connection.push_state, connection.push_at
    if state is None:
        return Light("Catalog push", "grey", "On; no push has run yet.")
    if state == PushState.HELD:
        return Light(
            "Catalog push",
            "red",
            "Stopped by its safety check: many prices would change a lot. Confirm or cancel it.",
        )
    if state == PushState.FAILED:
        return Light(
            "Catalog push",
            "red",
            f"The last push failed: {connection.push_error or 'see the catalog push page'}",
        )
    if state == PushState.PREVIEW:
        return Light("Catalog push", "amber", "A preview is waiting for someone to confirm it.")
    if state in (PushState.PLANNING, PushState.WRITING):
        return Light("Catalog push", "green", "A push is running now.")
    if state == PushState.CANCELLED:
        return Light("Catalog push", "amber", f"The last push was cancelled ({_when(at)}).")
    return Light("Catalog push", "green", f"The last push finished (started {_when(at)}).")


def lights(connection, now: datetime) -> list[Light]:
    return [
        webhook_light(connection),
        sign_in_light(connection, now),
        erp_light(connection),
        catalog_light(connection),
    ]
