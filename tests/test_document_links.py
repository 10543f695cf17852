"""The Orders view's document links point where the sandbox ERPs serve their document pages
(their own path builders), and nowhere for an ERP the connection does not reach that way."""

import pytest

from sandbox.business_central.pages import document_path as bc_document_path
from sandbox.syspro.pages import document_path as syspro_document_path
from sync.document_links import document_link
from tests.factories import ConnectionFactory, SyncJobFactory

pytestmark = pytest.mark.embedded

BASE = "http://127.0.0.1:8000"


@pytest.mark.django_db
def test_syspro_and_business_central_link_to_their_sandbox_pages(tenant, settings):
    syspro = ConnectionFactory(
        tenant=tenant, erp_kind="syspro",
        erp_settings={"server_url": f"{BASE}/sandbox/syspro/SYSPROWCFService/Rest", "company_id": "EDU1"},
    )  # fmt: skip
    job = SyncJobFactory(
        connection=syspro, erp_document_id="000123", erp_document_number="order 000123"
    )
    assert document_link(job) == BASE + syspro_document_path("EDU1", "order", "000123")

    settings.BC_API_URL = f"{BASE}/sandbox/bc"
    company, record = "6f1c1d9e-0000-4000-8000-000000000001", "6f1c1d9e-0000-4000-8000-000000000002"
    bc = ConnectionFactory(
        tenant=tenant, erp_kind="business_central",
        erp_settings={"company_id": company, "document": "sales_order"},
    )  # fmt: skip
    order = SyncJobFactory(connection=bc, erp_document_id=record, erp_document_number="SO-1001")
    assert document_link(order) == BASE + bc_document_path(company, "salesOrders", record)
    invoiced = SyncJobFactory(
        connection=bc, erp_document_id=record, erp_document_number="SO-1, invoice 7"
    )
    assert document_link(invoiced) == BASE + bc_document_path(company, "salesInvoices", record)


@pytest.mark.django_db
def test_no_link_without_a_document_or_outside_a_sandbox(tenant, settings):
    settings.BC_API_URL = "https://api.businesscentral.dynamics.com"
    bc = ConnectionFactory(
        tenant=tenant, erp_kind="business_central", erp_settings={"company_id": "x"}
    )
    assert document_link(SyncJobFactory(connection=bc, erp_document_id="abc")) is None
    syspro = ConnectionFactory(
        tenant=tenant, erp_kind="syspro", erp_settings={"company_id": "EDU1"}
    )
    assert document_link(SyncJobFactory(connection=syspro)) is None  # nothing in the ERP yet
