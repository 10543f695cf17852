"""'Test connection' for Business Central says which part failed: Entra (tenant, app, secret),
the app's access in Business Central, the environment, or the company; a check that passes after
the secret is fixed revives a connection that needed reconnecting."""

import uuid

import pytest

from connectors.business_central.api import BusinessCentralApi
from connectors.business_central.connector import BusinessCentralConnector
from connectors.errors import ReconnectRequired
from sandbox.business_central.models import BcApp
from tenants.models import Connection, ConnectionStatus
from tests.erp_contract.kits.business_central import bc_connected, bc_use_sandbox
from tests.support.bc_sandbox import bc_sandbox

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def bc(live_server, settings):
    bc_use_sandbox(settings, live_server)
    return bc_sandbox(live_server)


def check(bc, tenant, secrets=None, **settings):
    connection = bc_connected(bc, tenant, **settings)
    if secrets is not None:
        connection.erp_secrets = secrets
        connection.save()
    return BusinessCentralConnector(connection).check()


def test_a_good_connection_names_its_company_and_environment(bc, tenant):
    result = check(bc, tenant)
    assert result.ok, result
    assert "company CRONUS Inc. in environment Production" in result.message


@pytest.mark.parametrize(
    ("case", "said"),
    [
        ("secret", "the client secret is wrong or expired: create a new one"),
        ("client_id", "Application (client) ID is not an app of this Entra tenant"),
        ("tenant_id", "Microsoft Entra ID does not know this tenant"),
        ("bc_access", "Business Central refused it"),
        ("environment", "Business Central has no environment Staging"),
        ("company_unknown", "is not in the Business Central environment Production"),
        ("company_blank", "Connect Business Central to a company"),
        ("nothing", "Connect Business Central first"),
    ],
)
def test_each_failing_part_is_named(bc, tenant, case, said):
    changed = {
        "client_id": {"client_id": str(uuid.uuid4())},
        "tenant_id": {"tenant_id": str(uuid.uuid4())},
        "environment": {"environment": "Staging"},
        "company_unknown": {"company_id": str(uuid.uuid4())},
        "company_blank": {"company_id": ""},
    }.get(case, {})
    secrets = {"secret": {"client_secret": "not-the-secret"}, "nothing": {}}.get(case)
    if case == "bc_access":
        BcApp.objects.filter(pk=bc.app.pk).update(bc_access=False)
    result = check(bc, tenant, secrets, **changed)
    assert not result.ok and said in result.message, result
    if case == "bc_access":
        assert "Microsoft Entra Applications" in result.message + result.hint
    if case == "company_blank":
        assert "CRONUS Inc." in result.message  # the companies it could pick


def test_a_refused_secret_stops_the_connection_and_a_passing_check_revives_it(bc, tenant):
    connection = bc_connected(bc, tenant)
    connection.erp_secrets = {"client_secret": "a-secret-since-deleted"}
    connection.save()
    with pytest.raises(ReconnectRequired, match="client secret is wrong or expired"):
        BusinessCentralApi(connection).list("items")
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.NEEDS_RECONNECT
    connection.erp_secrets = {"client_secret": bc.app.client_secret}  # a new secret pasted in
    connection.save()
    assert BusinessCentralConnector(connection).check().ok
    assert Connection.objects.get(pk=connection.pk).status != ConnectionStatus.NEEDS_RECONNECT
    assert BusinessCentralApi(connection).list("items", select="number")
