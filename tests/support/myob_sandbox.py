"""The sandbox MYOB as our platform's app sees it: the API key registered at the sandbox, company
files with a signed-in connection, and what a worker process needs to reach them. Shared by the
MYOB tests and the ERP contract suite's MYOB kit."""

import base64
from contextlib import contextmanager
from datetime import timedelta

from django.test import override_settings
from django.utils import timezone

from connectors import ratelimit
from sandbox.myob.oauth import issue_token
from sandbox.myob.services import api_key_create, business_create, records

CLIENT_ID = "test-myob-key"
CLIENT_SECRET = "test-myob-secret-xyz"
CF_USER = "Administrator"
CF_PASSWORD = "cf-password-secret-42"
SCOPES = "sme-company-file sme-contacts-customer sme-sales sme-inventory sme-general-ledger"


def cftoken(user=CF_USER, password=CF_PASSWORD) -> str:
    return base64.b64encode(f"{user}:{password}".encode()).decode()


@contextmanager
def myob_app(live_server):
    """Our platform's MYOB app, registered at the sandbox, with the settings pointing at it; its
    shared budget starts empty."""
    key = api_key_create(
        CLIENT_ID, CLIENT_SECRET, redirect_uri=f"{live_server.url}/myob/connect/callback/"
    )
    ratelimit.limiter().reset(f"myob:{CLIENT_ID}")
    try:
        with override_settings(
            MYOB_CLIENT_ID=CLIENT_ID,
            MYOB_CLIENT_SECRET=CLIENT_SECRET,
            MYOB_OAUTH_URL=f"{live_server.url}/sandbox/myob/oauth2",
            MYOB_API_URL=f"{live_server.url}/sandbox/myob/accountright",
            MYOB_REDIRECT_URI=f"{live_server.url}/myob/connect/callback/",
            PUBLIC_BASE_URL=live_server.url,
        ):
            yield key
    finally:
        ratelimit.limiter().reset(f"myob:{CLIENT_ID}")


def myob_worker_env(live_server) -> dict:
    """What a worker process needs to reach the sandbox MYOB as our platform's app."""
    return {
        "MYOB_CLIENT_ID": CLIENT_ID, "MYOB_CLIENT_SECRET": CLIENT_SECRET,
        "MYOB_OAUTH_URL": f"{live_server.url}/sandbox/myob/oauth2",
        "MYOB_API_URL": f"{live_server.url}/sandbox/myob/accountright",
    }  # fmt: skip


def myob_shop(live_server, tenant, myob_key, *, name: str, skip_items=()):
    """(store, connection, business): a sandbox store joined to a new sandbox MYOB company file
    by a connection with a token; not yet activated."""
    from sandbox.bigcommerce.services import store_create
    from tests.factories import ConnectionFactory

    business = business_create(
        f"{name} Outdoor", username=CF_USER, password=CF_PASSWORD, skip_items=skip_items
    )
    token = issue_token(myob_key, str(business.uid), SCOPES)
    store = store_create(name, quota=100_000)
    connection = ConnectionFactory(
        tenant=tenant, store_hash=store.store_hash, erp_kind="myob",
        bc_api_url=f"{live_server.url}/sandbox/bigcommerce",
        bc_access_token=store.access_token, bc_client_secret=store.client_secret,
        erp_settings={"business_id": str(business.uid), "company_file_username": CF_USER},
        erp_secrets={"company_file_password": CF_PASSWORD},
    )  # fmt: skip
    signed_in(connection, token)
    return store, connection, business


def company_file_connection(tenant, business, token, **fields):
    """A connection whose MYOB side is signed in to the sandbox company file (no store yet)."""
    from tests.factories import ConnectionFactory

    connection = ConnectionFactory(
        tenant=tenant, erp_kind="myob",
        erp_settings={"business_id": str(business.uid), "company_file_username": CF_USER},
        erp_secrets={"company_file_password": CF_PASSWORD},
    )  # fmt: skip
    signed_in(connection, token, **fields)
    return connection


def signed_in(connection, token, **fields):
    """Store a sandbox-issued MYOB token on the connection, as 'Connect MYOB' would leave it."""
    from tenants.models import OAuthToken

    return OAuthToken.objects.create(
        connection=connection, system="myob", access_token=token.access_token,
        refresh_token=token.refresh_token, expires_at=token.expires_at,
        obtained_at=timezone.now() - timedelta(minutes=1), **fields,
    )  # fmt: skip


def invoices(business):
    """Every invoice in the company file, item and service ones."""
    return list(records(business, "Sale/Invoice/Item")) + list(
        records(business, "Sale/Invoice/Service")
    )
