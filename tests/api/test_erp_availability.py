"""Over the API, as in the admin: an ERP without a connector is saved as a draft, and activating it
is refused with a 409 that says why, changing nothing."""

import pytest

from connectors.registry import ERP_KINDS
from sync.models import BulkRun
from tenants.models import Connection, ConnectionStatus
from tests.api.test_connections import CONNECTIONS, NEW
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
def test_an_unavailable_erp_is_saved_as_a_draft_and_activation_is_refused(owner_api):
    assert not ERP_KINDS[SYSPRO["erp_kind"]].available
    created = owner_api.post(CONNECTIONS, SYSPRO, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["status"] == ConnectionStatus.DRAFT
    url = f"{CONNECTIONS}{created.json()['id']}/activate/"

    refused = owner_api.post(url, {"backfill_days": 3}, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert refused.status_code == 409
    error = refused.json()["error"]
    assert error["code"] == "erp_unavailable"
    assert (
        error["message"].startswith("SYSPRO is not available yet") and "draft" in error["message"]
    )
    connection = Connection.objects.get()
    assert connection.status == ConnectionStatus.DRAFT and connection.webhook_health == {}
    assert not BulkRun.objects.exists()
    # Nothing was promised under the key: asking again is refused again, not replayed as done.
    again = owner_api.post(url, {"backfill_days": 3}, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert again.status_code == 409 and again.json()["error"]["code"] == "erp_unavailable"
