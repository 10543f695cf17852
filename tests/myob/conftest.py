"""The sandbox MYOB over real HTTP: our platform's API key, a seeded company file, a token."""

import base64
import itertools

import pytest
import requests
from django.test import override_settings

from connectors import ratelimit
from sandbox.myob.models import MyobApiKey
from sandbox.myob.oauth import issue_token
from sandbox.myob.services import api_key_create, business_create

CLIENT_ID = "test-myob-key"
CLIENT_SECRET = "test-myob-secret-xyz"
CF_USER = "Administrator"
CF_PASSWORD = "cf-password-secret-42"
SCOPES = "sme-company-file sme-contacts-customer sme-sales sme-inventory sme-general-ledger"
_names = itertools.count(1)


def cftoken(user=CF_USER, password=CF_PASSWORD) -> str:
    return base64.b64encode(f"{user}:{password}".encode()).decode()


@pytest.fixture
def myob_key(transactional_db, live_server):
    """Our platform's MYOB app, registered at the sandbox; its shared budget starts empty."""
    key = api_key_create(
        CLIENT_ID, CLIENT_SECRET, redirect_uri=f"{live_server.url}/myob/connect/callback/"
    )
    ratelimit.limiter().reset(f"myob:{CLIENT_ID}")
    with override_settings(
        MYOB_CLIENT_ID=CLIENT_ID,
        MYOB_CLIENT_SECRET=CLIENT_SECRET,
        MYOB_OAUTH_URL=f"{live_server.url}/sandbox/myob/oauth2",
        MYOB_API_URL=f"{live_server.url}/sandbox/myob/accountright",
        MYOB_REDIRECT_URI=f"{live_server.url}/myob/connect/callback/",
        PUBLIC_BASE_URL=live_server.url,
    ):
        yield key
    ratelimit.limiter().reset(f"myob:{CLIENT_ID}")


@pytest.fixture
def worker_concurrency():
    """Threads of the worker the end-to-end `shop` starts; a module overrides it."""
    return 2


@pytest.fixture
def business(myob_key):
    return business_create(
        f"Sandbox Outdoor {next(_names)}", username=CF_USER, password=CF_PASSWORD
    )


@pytest.fixture
def token(myob_key, business):
    return issue_token(myob_key, str(business.uid), SCOPES)


@pytest.fixture
def raw_api(live_server, myob_key, business, token):
    """Plain HTTP to the company file, with every header MYOB wants unless told otherwise.
    Tests send faster than 8/s: the key's limit is raised (the rate-limit tests lower it)."""
    MyobApiKey.objects.filter(pk=myob_key.pk).update(per_second_limit=1000)
    base = f"{live_server.url}/sandbox/myob/accountright/{business.uid}"

    def call(method, path, *, headers=None, drop=(), **kwargs):
        sent = {
            "Authorization": f"Bearer {token.access_token}",
            "x-myobapi-key": CLIENT_ID,
            "x-myobapi-version": "v2",
            "x-myobapi-cftoken": cftoken(),
            "Accept": "application/json",
        }
        sent.update(headers or {})
        for name in drop:
            sent.pop(name, None)
        url = path if path.startswith("http") else f"{base}/{path.lstrip('/')}"
        return requests.request(method, url, headers=sent, timeout=10, **kwargs)

    call.base = base
    return call


@pytest.fixture
def myob_connection(tenant, business, token):
    """A connection whose MYOB side is connected to the sandbox company file."""
    from datetime import timedelta

    from django.utils import timezone

    from tenants.models import OAuthToken
    from tests.factories import ConnectionFactory

    connection = ConnectionFactory(
        tenant=tenant, erp_kind="myob",
        erp_settings={"business_id": str(business.uid), "company_file_username": CF_USER},
        erp_secrets={"company_file_password": CF_PASSWORD},
    )  # fmt: skip
    OAuthToken.objects.create(
        connection=connection, system="myob", access_token=token.access_token,
        refresh_token=token.refresh_token, expires_at=token.expires_at,
        obtained_at=timezone.now() - timedelta(minutes=1), scope=SCOPES,
    )  # fmt: skip
    return connection  # its reference-data cache is keyed by its own (new) id


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
    from datetime import timedelta

    from django.utils import timezone

    from sandbox.bigcommerce.services import store_create
    from tenants.models import OAuthToken
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
    OAuthToken.objects.create(
        connection=connection, system="myob", access_token=token.access_token,
        refresh_token=token.refresh_token, expires_at=token.expires_at,
        obtained_at=timezone.now() - timedelta(minutes=1),
    )  # fmt: skip
    return store, connection, business
