"""The sandbox Exact Online as our platform's app sees it: the app registered at the sandbox,
divisions with a signed-in connection, and what a worker process needs to reach them. Shared by
the Exact Online tests and the ERP contract suite's Exact Online kit."""

from contextlib import contextmanager

from django.test import override_settings

from connectors import ratelimit
from sandbox.exact_online.oauth import issue_token
from sandbox.exact_online.services import app_create, division_create, records

CLIENT_ID = "test-exact-app"
CLIENT_SECRET = "test-exact-secret-xyz"


@contextmanager
def exact_app(live_server):
    """Our platform's Exact app, registered at the sandbox, with the settings pointing at it."""
    app = app_create(
        CLIENT_ID, CLIENT_SECRET, redirect_uri=f"{live_server.url}/exact/connect/callback/"
    )
    with override_settings(
        EXACT_CLIENT_ID=CLIENT_ID,
        EXACT_CLIENT_SECRET=CLIENT_SECRET,
        EXACT_BASE_URL=f"{live_server.url}/sandbox/exact_online",
        EXACT_REDIRECT_URI=f"{live_server.url}/exact/connect/callback/",
        PUBLIC_BASE_URL=live_server.url,
    ):
        yield app


def exact_worker_env(live_server, window: int) -> dict:
    """What a worker process needs to reach the sandbox Exact Online as our platform's app, with
    Exact's rate "minute" shrunk to `window` seconds (the division's must match)."""
    return {
        "EXACT_CLIENT_ID": CLIENT_ID, "EXACT_CLIENT_SECRET": CLIENT_SECRET,
        "EXACT_BASE_URL": f"{live_server.url}/sandbox/exact_online",
        "EXACT_RATE_WINDOW_SECONDS": str(window),
    }  # fmt: skip


def exact_shop(live_server, tenant, app, *, name: str, division: int, window: int, **erp_settings):
    """(store, connection, division): a sandbox store joined to a new sandbox Exact division
    (Exact's own 60 calls per `window` seconds) by a connection with a token; not yet activated."""
    from sandbox.bigcommerce.services import store_create
    from tenants.models import OAuthToken
    from tests.factories import ConnectionFactory

    division = division_create(division, minutely_limit=60, window_seconds=window)
    token = issue_token(app, division)
    store = store_create(name, quota=1_000_000)
    connection = ConnectionFactory(
        tenant=tenant, store_hash=store.store_hash, erp_kind="exact_online",
        bc_api_url=f"{live_server.url}/sandbox/bigcommerce",
        bc_access_token=store.access_token, bc_client_secret=store.client_secret,
        erp_settings={"country": "nl", "division": division.code, **erp_settings},
    )  # fmt: skip
    OAuthToken.objects.create(
        connection=connection, system="exact_online", access_token=token.access_token,
        refresh_token=token.refresh_token, expires_at=token.expires_at, obtained_at=token.issued_at,
    )  # fmt: skip
    ratelimit.limiter().reset(f"exact:{division.code}")
    return store, connection, division


def invoices(division) -> list[dict]:
    return [record.data for record in records(division, "salesinvoice/SalesInvoices")]
