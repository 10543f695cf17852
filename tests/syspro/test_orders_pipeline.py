"""Orders from the sandbox store to the sandbox SYSPRO through the whole pipeline (the store's
webhooks, a real worker, real HTTP): a new shopper's order lands as an invoiced billing order
whose order and invoice numbers are the job's, with the ship-to SYSPRO had to cut said on the
job; the shopper's next order finds the customer and adds no other."""

import itertools

import pytest

from config.celery import app
from sandbox.bigcommerce.services import customer_create
from sandbox.syspro.services import call_counts, customers, invoices
from sync.models import JobState
from tenants.services import connection_activate
from tests.erp_contract.kits.syspro import SysproKit, the_orders
from tests.erp_contract.shop import Shop, job_ended
from tests.support.worker import WorkerProcess

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
_names = itertools.count(1)
STREET = "Unit 4, The Very Long Industrial Estate Name, 1234 Harbour Road"


@pytest.fixture
def shop(request, tenant, live_server, settings):
    settings.PUBLIC_BASE_URL = live_server.url  # the store's hooks point at us
    kit = SysproKit(request)
    store, connection = kit.connect(tenant, f"sysproe2e{next(_names)}")
    worker = WorkerProcess(extra_env=kit.worker_env(live_server)).start()
    yield Shop(store, connection_activate(connection=connection), kit)
    worker.stop()
    app.control.purge()


def test_an_order_lands_invoiced_with_its_numbers_and_cuts_on_the_job_and_a_return_adds_no_customer(
    shop,
):
    from sandbox.bigcommerce.services import place_test_order

    address = {
        "first_name": "Grace", "last_name": "Hopper", "company": "", "address1": STREET,
        "address2": "", "city": "Hobart", "state_or_province": "TAS", "postal_code": "7000",
        "country": "Australia", "country_code": "AU", "phone": "0400 000 001",
    }  # fmt: skip
    shopper = customer_create(shop.store, email="grace@example.com", first_name="Grace",
                              last_name="Hopper", addresses=[address])  # fmt: skip
    company = shop.kit.company
    order = place_test_order(shop.store, items=[("TENT-2P", 1), ("MUG-STEEL", 2)], customer=shopper)
    job = job_ended(shop, order)
    assert job.state == JobState.SUCCEEDED, job.last_error
    (sales_order,) = the_orders(company, order.pk)
    (invoice,) = invoices(company)
    assert sales_order["OrderStatus"] == "9"
    assert job.erp_document_id == sales_order["SalesOrder"]
    assert (
        job.erp_document_number
        == f"order {sales_order['SalesOrder']}, invoice {invoice['Invoice']}"
    )
    assert any(f"sent as '{STREET[:40]}' (ShipAddress1)" in w for w in job.warnings), job.warnings
    code = f"BC{shopper.pk}"
    assert sales_order["Customer"] == code == job.erp_customer_id
    assert [row["Customer"] for row in customers(company)] == [code]

    again = place_test_order(shop.store, items=[("PACK-30L", 1)], customer=shopper)
    second = job_ended(shop, again)
    assert second.state == JobState.SUCCEEDED, second.last_error
    assert the_orders(company, again.pk)[0]["Customer"] == code
    assert [row["Customer"] for row in customers(company)] == [code]
    assert call_counts(company)["ARSSCS"] == 1  # added once, found the second time
