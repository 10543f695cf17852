"""API fixtures: a token per role and tenant, and every kind of row in the owner's tenant."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from tenants.api_tokens import api_token_create
from tenants.models import ApiToken, OAuthToken
from tests.factories import ApiCallFactory, BulkRunFactory, InboundEventFactory, SyncJobFactory


def token_client(value: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {value}")
    return client


@pytest.fixture(autouse=True)
def no_private_destinations(settings):
    """Outside calls (Test connection, activation) to loopback are refused at once by the SSRF
    guard: no test waits on a network, and none reaches a vendor."""
    settings.DEMO_MODE = False


@pytest.fixture
def owner_token(tenant, owner) -> str:
    return api_token_create(tenant=tenant, name="ci", role=ApiToken.Access.ADMIN, created_by=owner)[
        1
    ]


@pytest.fixture
def viewer_token(tenant, member) -> str:
    return api_token_create(tenant=tenant, name="dash", role=ApiToken.Access.VIEWER)[1]


@pytest.fixture
def outsider_token(other_tenant, outsider) -> str:
    return api_token_create(
        tenant=other_tenant, name="theirs", role=ApiToken.Access.ADMIN, created_by=outsider
    )[1]


@pytest.fixture
def owner_api(owner_token) -> APIClient:
    return token_client(owner_token)


@pytest.fixture
def viewer_api(viewer_token) -> APIClient:
    return token_client(viewer_token)


@pytest.fixture
def outsider_api(outsider_token) -> APIClient:
    return token_client(outsider_token)


@pytest.fixture
def connection(connection):
    """The shared fixture, pointed at an address the SSRF guard refuses, with an OAuth token."""
    connection.bc_api_url = "https://127.0.0.1:9"
    connection.save(update_fields=["bc_api_url"])
    OAuthToken.objects.create(
        connection=connection, system="myob", access_token="sbx-at-api-fixture",
        refresh_token="sbx-rt-api-fixture", expires_at=timezone.now() + timedelta(minutes=20),
    )  # fmt: skip
    return connection


@pytest.fixture
def rows(connection):
    """One of everything the API lists, in the owner's tenant."""
    job = SyncJobFactory(connection=connection, state="failed", last_error="SKU X is unknown")
    return {
        "connection": connection,
        "job": job,
        "event": InboundEventFactory(connection=connection),
        "call": ApiCallFactory(connection=connection, sync_job=job),
        "run": BulkRunFactory(connection=connection),
    }


def secret_values(*connections, tokens=()) -> list[str]:
    """Every credential the fixtures hold: none may appear in any API response."""
    from tenants.selectors import secret_values_of

    return [v for c in connections for v in secret_values_of(c)] + list(tokens)
