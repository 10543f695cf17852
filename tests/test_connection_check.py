"""'Test connection' makes a real read of the store and says the result in plain words."""

import pytest
from django.urls import reverse

from audit.models import ApiCall
from sandbox.bigcommerce.services import store_create
from tests.factories import ConnectionFactory
from tests.support.unavailable_erp import unavailable_kind  # noqa: F401 - a fixture


@pytest.fixture
def sandbox_connection(live_server, tenant, unavailable_kind):  # noqa: F811 - the fixture
    store = store_create("check1")
    return ConnectionFactory(
        tenant=tenant, store_hash="check1", bc_api_url=f"{live_server.url}/sandbox/bigcommerce",
        bc_access_token=store.access_token, erp_kind=unavailable_kind,
    )  # fmt: skip


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.mark.django_db(transaction=True)
def test_both_sides_are_reported(client, owner, sandbox_connection):
    client.force_login(owner)
    url = reverse("admin:tenants_connection_test", args=[sandbox_connection.pk])
    shown = messages_of(client.post(url, follow=True))
    assert "BigCommerce: Connected to the store 'Sandbox Outdoor Store'." in shown
    assert any(m.startswith("SYSPRO: ") and "not installed" in m for m in shown)
    call = ApiCall.objects.get(operation="store.get")
    assert call.correlation_id == "admin:test-connection" and call.status_code == 200


@pytest.mark.django_db(transaction=True)
def test_a_wrong_token_says_what_to_fix(client, owner, sandbox_connection):
    sandbox_connection.bc_access_token = "bc-token-secret-wrong"
    sandbox_connection.save()
    client.force_login(owner)
    url = reverse("admin:tenants_connection_test", args=[sandbox_connection.pk])
    shown = " ".join(messages_of(client.post(url, follow=True)))
    assert "BigCommerce answered 401" in shown and "access token" in shown
    assert "bc-token-secret-wrong" not in shown
