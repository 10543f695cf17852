"""The demo tenant the run command creates in demo mode: a login and connections pointing at the
sandbox systems served by this same Django, so everything works with no vendor account."""

import secrets

from django.conf import settings
from django.db import transaction

from tenants.models import Connection, Role, Tenant
from tenants.services import member_add, tenant_create

DEMO_SLUG = "demo"
DEMO_EMAIL = "demo@example.com"
DEMO_STORE_HASH = "demo1"


@transaction.atomic
def demo_setup() -> tuple[Tenant, str]:
    """Create (or refresh) the demo tenant. Returns it and a fresh owner password."""
    tenant = Tenant.objects.filter(slug=DEMO_SLUG).first() or tenant_create(
        name="Demo Outdoor Co", slug=DEMO_SLUG
    )
    password = secrets.token_urlsafe(12)
    member_add(tenant=tenant, email=DEMO_EMAIL, role=Role.OWNER, password=password)
    store = _sandbox_store()
    Connection.objects.get_or_create(
        tenant=tenant,
        name="Demo store → MYOB",
        defaults={
            "store_hash": DEMO_STORE_HASH,
            "bc_api_url": f"{settings.PUBLIC_BASE_URL}/sandbox/bigcommerce",
            "bc_client_id": store.get("client_id", ""),
            "bc_access_token": store.get("access_token", "demo-token"),
            "bc_client_secret": store.get("client_secret", ""),
            "erp_kind": "myob",
        },
    )
    return tenant, password


def _sandbox_store() -> dict:
    """The sandbox BigCommerce store's credentials, creating the store if the sandbox has one."""
    try:
        from sandbox.bigcommerce.services import demo_store_credentials
    except ImportError:
        return {}
    return demo_store_credentials(DEMO_STORE_HASH)
