"""Over the API, as in the admin: a connection to an ERP whose connector is not installed is not
saved (400, saying why), and one that exists already (installed before, removed since) is not
activated (409 that says why), changing nothing."""

import pytest

from connectors.registry import ERP_KINDS
from sync.models import BulkRun
from tenants.models import Connection, ConnectionStatus
from tests.api.test_connections import CONNECTIONS, NEW
from tests.factories import ConnectionFactory
from tests.support.unavailable_erp import unavailable_kind  # noqa: F401 - a fixture

# SYSPRO without its connector (tests/support/unavailable_erp.py).
SYSPRO = {
    **NEW, "erp_kind": "syspro",
    "erp_config": {"server_url": "https://syspro.example.com:40001/SYSPROWCFService/Rest",
                   "operator": "MLC", "operator_password": "op-secret", "company_id": "EDU1",
                   "warehouse": "WH01"},
}  # fmt: skip


@pytest.mark.django_db
@pytest.mark.usefixtures("unavailable_kind")
def test_an_unavailable_erp_is_not_saved_and_not_activated(owner_api, tenant):
    assert not ERP_KINDS[SYSPRO["erp_kind"]].available
    created = owner_api.post(CONNECTIONS, SYSPRO, format="json")
    assert created.status_code == 400, created.content
    assert "SYSPRO is not available on this installation" in created.content.decode()
    assert not Connection.objects.exists()

    connection = ConnectionFactory(tenant=tenant, erp_kind="syspro")
    url = f"{CONNECTIONS}{connection.pk}/activate/"
    refused = owner_api.post(url, {"backfill_days": 3}, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert refused.status_code == 409
    error = refused.json()["error"]
    assert error["code"] == "erp_unavailable"
    assert error["message"].startswith("SYSPRO is not available on this installation")
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.DRAFT and connection.webhook_health == {}
    assert not BulkRun.objects.exists()
    # Nothing was promised under the key: asking again is refused again, not replayed as done.
    again = owner_api.post(url, {"backfill_days": 3}, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert again.status_code == 409 and again.json()["error"]["code"] == "erp_unavailable"
