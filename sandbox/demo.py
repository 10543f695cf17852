"""The demo tenant the run command creates in demo mode: a login and connections pointing at the
sandbox systems served by this same Django, so everything works with no vendor account. Each
ERP's sandbox package declares its connection (sandbox/demo_connection.py)."""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from sandbox.bigcommerce.services import demo_store_credentials, hooks_register
from sandbox.demo_connection import DemoConnection, installed_demo_connections
from tenants.models import Connection, ConnectionStatus, Role, Tenant
from tenants.services import member_add, tenant_create

DEMO_SLUG = "demo"
DEMO_EMAIL = "demo@example.com"

# One connection per ERP that has a connector (tests/test_platform_bootstrap.py checks it), each
# declared by the ERP's sandbox package (sandbox/<kind>/demo.py).
DEMO_CONNECTIONS = installed_demo_connections(settings.INSTALLED_APPS)


@transaction.atomic
def demo_setup() -> tuple[Tenant, str | None]:
    """Create the demo tenant, or leave the one there is. Returns it and the owner's generated
    password when this call created the owner (None otherwise): it is shown once and kept only
    as the password hash."""
    tenant = Tenant.objects.filter(slug=DEMO_SLUG).first() or tenant_create(
        name="Demo Outdoor Co", slug=DEMO_SLUG
    )
    user_model = get_user_model()
    password = None
    if not user_model.objects.filter(username=DEMO_EMAIL).exists():
        password = secrets.token_urlsafe(12)
    member_add(tenant=tenant, email=DEMO_EMAIL, role=Role.OWNER, password=password)
    for kind, demo in DEMO_CONNECTIONS.items():
        _demo_connection(tenant, kind, demo)
    _demo_alerts(tenant)
    return tenant, password


def _demo_alerts(tenant: Tenant) -> None:
    """A Slack channel on the local Slack stand-in, so the demo's alerts and its test button
    arrive somewhere (the posts are listed under /sandbox/slack/)."""
    from alerts.models import AlertChannel

    if not AlertChannel.objects.filter(tenant=tenant).exists():
        AlertChannel.objects.create(
            tenant=tenant,
            name="Slack #orders (sandbox)",
            kind=AlertChannel.Kind.SLACK,
            url=f"{settings.PUBLIC_BASE_URL}/sandbox/slack/services/TDEMO/BORDERS/demo-hook",
        )


def _demo_connection(tenant: Tenant, kind: str, demo: DemoConnection) -> Connection:
    """The kind's demo connection on its own sandbox store: signed in to the sandbox ERP, active
    and with its hooks, so a test order there becomes a document with nothing typed in."""
    store = demo_store_credentials(demo.store_hash)
    connection, _ = Connection.objects.get_or_create(
        tenant=tenant,
        name=demo.name,
        defaults={
            "store_hash": demo.store_hash,
            "bc_api_url": f"{settings.PUBLIC_BASE_URL}/sandbox/bigcommerce",
            "bc_client_id": store.get("client_id", ""),
            "bc_access_token": store.get("access_token", "demo-token"),
            "bc_client_secret": store.get("client_secret", ""),
            "erp_kind": kind,
            "erp_settings": dict(demo.erp_settings),
        },
    )
    demo.sign_in(connection)
    _catalog_push_on(connection)
    if store and connection.status == ConnectionStatus.DRAFT:
        _go_live(connection)
    return connection


def _catalog_push_on(connection: Connection) -> None:
    """Where the ERP lists its items, the demo pushes them to the store too, by hand ('Push
    catalog now' previews first), so a newcomer sees both directions."""
    from catalog.models import CatalogSettings
    from catalog.services import settings_update
    from connectors.erp import supports_stream
    from connectors.registry import connector_class_for

    connector_class = connector_class_for(connection.erp_kind)
    if not (connector_class and supports_stream(connector_class, "items")):
        return
    if not CatalogSettings.objects.filter(connection=connection).exists():
        settings_update(connection, enabled=True)  # once: a person may turn it off


def _go_live(connection: Connection) -> None:
    """Active, with its hooks on the sandbox store: a test order shows up within seconds."""
    from django.utils.module_loading import import_string

    from connectors.registry import erp_kind
    from sync.polling import ORDERS_CURSOR
    from tenants.cursors import write_cursor
    from webhooks.destination import webhook_destination
    from webhooks.subscription import subscribed_scopes
    from webhooks.verification import SECRET_HEADER

    hooks_register(
        connection.store_hash,
        destination=webhook_destination(connection),
        headers={SECRET_HEADER: connection.webhook_secret},
        scopes=subscribed_scopes(connection),
    )
    Connection.objects.filter(pk=connection.pk).update(
        status=ConnectionStatus.ACTIVE, next_poll_at=timezone.now()
    )
    write_cursor(connection.pk, ORDERS_CURSOR, timezone.now())
    # The ERP's own part of an activation (Business Central's change subscriptions, made by a
    # worker once the web app answers their handshake).
    if on_activate := erp_kind(connection.erp_kind).on_activate:
        import_string(on_activate)(connection)
