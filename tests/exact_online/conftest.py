"""The sandbox Exact Online over real HTTP: our platform's app, a seeded division, a token."""

import itertools

import pytest
import requests

from sandbox.exact_online.oauth import issue_token
from sandbox.exact_online.services import division_create
from tests.support import exact_online_sandbox

_codes = itertools.count(500001)


@pytest.fixture
def exact_app(transactional_db, live_server):
    """Our platform's Exact app, registered at the sandbox."""
    with exact_online_sandbox.exact_app(live_server) as app:
        yield app


@pytest.fixture
def division(exact_app):
    # Tests send faster than 60/min: the limit is raised (the rate-limit tests lower it).
    return division_create(next(_codes), minutely_limit=10_000)


@pytest.fixture
def token(exact_app, division):
    return issue_token(exact_app, division)


@pytest.fixture
def raw_api(live_server, division, token):
    """Plain HTTP to the division, with the headers Exact wants unless told otherwise."""
    base = f"{live_server.url}/sandbox/exact_online/api/v1/{division.code}"

    def call(method, path, *, headers=None, **kwargs):
        sent = {"Authorization": f"Bearer {token.access_token}", "Accept": "application/json"}
        sent.update(headers or {})
        url = path if path.startswith("http") else f"{base}/{path.lstrip('/')}"
        return requests.request(method, url, headers=sent, timeout=10, **kwargs)

    call.base = base
    return call


@pytest.fixture
def exact_connection(tenant, division, token):
    """A connection whose Exact side is signed in to the sandbox division."""

    from connectors import ratelimit
    from tenants.models import OAuthToken
    from tests.factories import ConnectionFactory

    connection = ConnectionFactory(
        tenant=tenant, erp_kind="exact_online", erp_secrets={},
        erp_settings={"country": "nl", "division": division.code},
    )  # fmt: skip
    OAuthToken.objects.create(
        connection=connection, system="exact_online", access_token=token.access_token,
        refresh_token=token.refresh_token, expires_at=token.expires_at,
        obtained_at=token.issued_at,
    )  # fmt: skip
    ratelimit.limiter().reset(f"exact:{division.code}")
    return connection
