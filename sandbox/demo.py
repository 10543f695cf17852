"""The demo tenant the run command creates in demo mode: a login and connections pointing at the
sandbox systems served by this same Django, so everything works with no vendor account."""

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from sandbox.bigcommerce.services import demo_store_credentials, hooks_register
from sandbox.exact_online import services as exact_online
from sandbox.myob import services as myob
from tenants.models import Connection, ConnectionStatus, Role, Tenant
from tenants.services import member_add, tenant_create

DEMO_SLUG = "demo"
DEMO_EMAIL = "demo@example.com"


@dataclass(frozen=True)
class DemoConnection:
    name: str
    store_hash: str  # its own sandbox store, so each ERP's orders are told apart
    erp_settings: dict


# One connection per ERP that has a connector (tests/test_platform_bootstrap.py checks the two
# lists stay in step), each signed in to its sandbox by the function named in SIGN_INS.
DEMO_CONNECTIONS = {
    "myob": DemoConnection("Demo store → MYOB", "demo1", {}),
    "exact_online": DemoConnection("Demo store → Exact Online", "demo2", {"country": "nl"}),
}


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
    return tenant, password


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
    SIGN_INS[kind](connection)
    if store and connection.status == ConnectionStatus.DRAFT:
        _go_live(connection)
    return connection


def _connect_sandbox_myob(connection: Connection) -> None:
    """Signed in to the sandbox MYOB's demo company file, as 'Connect MYOB' would leave it, so the
    demo's orders become invoices with nothing typed in."""
    from connectors.myob.setup import connection_connect, is_connected, redirect_uri

    # Registered on every start: 'Connect MYOB' again signs in at this address (PORT may change).
    business = myob.demo_company_file(
        settings.MYOB_CLIENT_ID, settings.MYOB_CLIENT_SECRET, redirect_uri()
    )
    if is_connected(connection):
        return
    connection_connect(
        connection,
        tokens=myob.demo_tokens(settings.MYOB_CLIENT_ID, business),
        business_id=str(business.uid),
        business_name=business.name,
    )


def _connect_sandbox_exact_online(connection: Connection) -> None:
    """Signed in to the sandbox Exact Online's demo division, as 'Connect Exact Online' would leave
    it; its mapping defaults (journal 70, VAT codes 2 and 0, item SHIPPING) are that division's."""
    from connectors.exact_online.setup import connection_connect, is_connected, redirect_uri

    # Registered on every start: 'Connect Exact Online' signs in at this address (PORT may change).
    division = exact_online.demo_division(
        settings.EXACT_CLIENT_ID, settings.EXACT_CLIENT_SECRET, redirect_uri()
    )
    if is_connected(connection):
        return
    connection_connect(
        connection,
        tokens=exact_online.demo_tokens(settings.EXACT_CLIENT_ID, division),
        division=division.code,
    )


SIGN_INS = {"myob": _connect_sandbox_myob, "exact_online": _connect_sandbox_exact_online}


def _go_live(connection: Connection) -> None:
    """Active, with its hooks on the sandbox store: a test order shows up within seconds."""
    from connectors.bigcommerce.hooks import webhook_destination
    from sync.polling import ORDERS_CURSOR, write_cursor
    from webhooks.services import SUBSCRIBED_SCOPES
    from webhooks.verification import SECRET_HEADER

    hooks_register(
        connection.store_hash,
        destination=webhook_destination(connection),
        headers={SECRET_HEADER: connection.webhook_secret},
        scopes=SUBSCRIBED_SCOPES,
    )
    Connection.objects.filter(pk=connection.pk).update(
        status=ConnectionStatus.ACTIVE, next_poll_at=timezone.now()
    )
    write_cursor(connection.pk, ORDERS_CURSOR, timezone.now())
