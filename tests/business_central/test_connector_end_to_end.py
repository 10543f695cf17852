"""Orders from the sandbox store to the sandbox Business Central through the whole pipeline (the
store's webhooks, a real worker, real HTTP): a posted invoice whose posted number is the job's;
a sales order in order mode; Business Central's tax differing from the store's is a warning on a
job that succeeds."""

import itertools

import pytest

from config.celery import app
from sandbox.business_central.services import customer_set, records
from sync.models import JobState
from tenants.services import connection_activate
from tests.erp_contract.kits.business_central import BusinessCentralKit
from tests.erp_contract.shop import Shop, order_synced
from tests.support.worker import WorkerProcess

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
_names = itertools.count(1)


@pytest.fixture
def shop(request, tenant, live_server, settings):
    settings.PUBLIC_BASE_URL = live_server.url  # the store's hooks point at us
    kit = BusinessCentralKit(request)
    store, connection = kit.connect(tenant, f"bce2e{next(_names)}")
    worker = WorkerProcess(extra_env=kit.worker_env(live_server)).start()
    yield Shop(store, connection_activate(connection=connection), kit)
    worker.stop()
    app.control.purge()


def test_an_order_lands_as_one_posted_invoice_named_on_its_job(shop):
    _, job = order_synced(shop, [("TENT-2P", 1), ("MUG-STEEL", 2)])
    assert job.state == JobState.SUCCEEDED, job.last_error
    (invoice,) = records(shop.kit.bc.company, "salesInvoices")
    assert invoice["status"] == "Open"
    assert (job.erp_document_id, job.erp_document_number) == (invoice["id"], invoice["number"])
    assert job.warnings == []  # Business Central's GST equals the store's


def test_a_tax_that_differs_from_the_stores_is_a_warning_not_a_failure(shop):
    bc = shop.kit.bc
    customer_set(bc.company, bc.customer_template, taxAreaId=bc.tax_areas["NOTAX"])
    _, job = order_synced(shop, [("PACK-30L", 1)])
    assert job.state == JobState.SUCCEEDED, job.last_error
    (warning,) = job.warnings
    assert f"invoice {job.erp_document_number}" in warning and "tax area" in warning, warning
