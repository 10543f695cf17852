"""Store → signed webhook → worker → Acumatica, over real HTTP against both sandboxes, with a real
Celery worker process: a customer and a sales order; in invoice mode the invoice prepared from
the order and released; a direct AR invoice released; redeliveries and a replay leave one
document; a 422 fails the job naming the field or SKU; a 429 storm and the licence's delay are
waited out with every order landing. The pipeline ones run on the embedded backend too."""

import itertools

import pytest

from audit.models import ApiCall
from sandbox.acumatica.models import AcuRecord
from sandbox.acumatica.services import call_counts, faults_set, licence_set, plain_records
from sandbox.bigcommerce.services import place_test_order
from sync.models import JobState, SyncJob
from tenants.services import connection_activate
from tests.erp_contract.kits.acumatica import WINDOW, acumatica_shop, acumatica_worker_env
from tests.support.worker import WorkerProcess, jobs_settled, redeliver_and_replay, wait_until
from webhooks.models import InboundEvent

pytestmark = pytest.mark.worker
_names = itertools.count(1)


@pytest.fixture
def shop(live_server, tenant, settings, worker_env):
    """make(**erp_settings) → (store, connection, acu): a sandbox store joined to a new sandbox
    Acumatica instance by an API-user connection, active, and a worker pointed at both."""
    settings.ACUMATICA_RATE_WINDOW_SECONDS = WINDOW
    settings.ACUMATICA_ACTION_POLL_SECONDS = 0.2
    settings.PUBLIC_BASE_URL = live_server.url  # where the store's webhooks are sent
    workers = []

    def make(licence=None, **erp_settings):
        store, connection, acu = acumatica_shop(
            live_server, tenant, name=f"acue2e{next(_names)}", licence=licence, **erp_settings
        )
        worker = WorkerProcess(concurrency=4, extra_env={**acumatica_worker_env(), **worker_env})
        workers.append(worker.start())
        return store, connection_activate(connection=connection), acu

    yield make
    for worker in workers:
        worker.stop()


def orders_settled(connection, count: int, timeout: float = 60) -> None:
    """Wait for `count` order jobs to end; a timeout says where each job and event stood."""
    try:
        wait_until(jobs_settled(connection, count, kind="order"), timeout=timeout)
    except AssertionError:
        jobs = SyncJob.objects.filter(connection=connection)
        events = InboundEvent.objects.filter(connection=connection)
        raise AssertionError(
            f"{count} order job(s) did not end in {timeout} s: "
            f"{list(jobs.values_list('kind', 'state', 'attempts', 'next_attempt_at', 'last_error'))}"
            f"; events {list(events.values_list('scope', 'state'))}"
        ) from None


def order_job(connection, count: int = 1) -> SyncJob:
    orders_settled(connection, count)
    return SyncJob.objects.filter(connection=connection, kind="order").latest("created_at")


def signed_webhooks(connection) -> list[str]:
    """How the store's events were taken in: the webhook's own InboundEvent rows (a catch-up
    poll would make a job without one)."""
    return [e.headers["x-verified-by"] for e in InboundEvent.objects.filter(connection=connection)]


def documents(acu, entity: str, order) -> list[dict]:
    return [
        d for d in plain_records(acu.tenant, entity) if d.get("ExternalRef") == f"BC-{order.pk}"
    ]


@pytest.mark.embedded
def test_an_order_becomes_a_customer_and_one_sales_order_through_duplicates_and_a_replay(shop):
    store, connection, acu = shop()
    ada = store.customers.get(email="ada@example.com")
    order = place_test_order(store, items=[("TENT-2P", 2), ("MUG-STEEL", 3)], customer=ada)
    job = order_job(connection)
    assert job.state == JobState.SUCCEEDED, job.last_error
    assert set(signed_webhooks(connection)) == {"signature"}

    (customer,) = plain_records(acu.tenant, "Customer")
    assert customer["MainContact"]["Email"] == "ada@example.com"
    assert customer["CustomerClass"] == "WEB"
    (sales_order,) = plain_records(acu.tenant, "SalesOrder")
    assert sales_order["ExternalRef"] == f"BC-{order.pk}"
    assert sales_order["CustomerID"] == customer["CustomerID"]
    assert sales_order["OrderType"] == "SO" and sales_order["Status"] == "Open"
    assert [(d["InventoryID"], d["OrderQty"], d["UnitPrice"]) for d in sales_order["Details"]] == [
        ("TENT-2P", 2, 349.0), ("MUG-STEEL", 3, 19.5)]  # fmt: skip
    assert job.erp_document_id == sales_order["id"]
    assert job.erp_document_number == f"SO {sales_order['OrderNbr']}"

    # BigCommerce redelivers the same events, and a person replays the job.
    job = redeliver_and_replay(store, job)
    assert job.state == JobState.SUCCEEDED, job.last_error
    assert set(signed_webhooks(connection)) == {"signature"}
    assert len(plain_records(acu.tenant, "SalesOrder")) == 1
    assert len(plain_records(acu.tenant, "Customer")) == 1
    assert ApiCall.objects.filter(connection=connection, operation="salesorder.create").count() == 1


@pytest.mark.embedded
def test_invoice_mode_releases_the_invoice_prepared_from_the_order_once(shop):
    store, connection, acu = shop(document="order_invoice")
    order = place_test_order(store, items=[("PACK-30L", 1)], customer=store.customers.first())
    job = order_job(connection)
    assert job.state == JobState.SUCCEEDED, job.last_error
    assert set(signed_webhooks(connection)) == {"signature"}
    (sales_order,) = documents(acu, "SalesOrder", order)
    (invoice,) = documents(acu, "SalesInvoice", order)
    # Prepared from the order (its lines name it), then released: Open, nothing owed on hold.
    assert {(d["OrderType"], d["OrderNbr"]) for d in invoice["Details"]} == {
        ("SO", sales_order["OrderNbr"])
    }
    assert invoice["Type"] == "Invoice" and invoice["Status"] == "Open"
    assert invoice["Hold"] is False and invoice["CustomerID"] == sales_order["CustomerID"]
    assert invoice["ReferenceNbr"] in job.erp_document_number

    job = redeliver_and_replay(store, job)
    assert job.state == JobState.SUCCEEDED, job.last_error
    assert len(plain_records(acu.tenant, "SalesInvoice")) == 1
    assert len(plain_records(acu.tenant, "SalesOrder")) == 1
    prepared = ApiCall.objects.filter(connection=connection, url__contains="PrepareSalesInvoice")
    released = ApiCall.objects.filter(connection=connection, url__contains="ReleaseSalesInvoice")
    assert prepared.filter(method="POST").count() == 1
    assert released.filter(method="POST").count() == 1


def test_direct_invoice_mode_lands_a_released_ar_invoice(shop):
    store, connection, acu = shop(document="invoice")
    order = place_test_order(store, items=[("MUG-STEEL", 2)], customer=store.customers.first())
    job = order_job(connection)
    assert job.state == JobState.SUCCEEDED, job.last_error
    assert set(signed_webhooks(connection)) == {"signature"}
    (invoice,) = documents(acu, "SalesInvoice", order)
    assert invoice["Type"] == "Invoice" and invoice["Status"] == "Open"
    assert [(d["InventoryID"], d["Qty"]) for d in invoice["Details"]] == [("MUG-STEEL", 2)]
    assert job.erp_document_id == invoice["id"]
    assert plain_records(acu.tenant, "SalesOrder") == []


def test_a_refused_field_or_a_sku_without_an_item_fails_the_job_naming_it(shop):
    store, connection, acu = shop(customer_class="NOSUCH")
    place_test_order(store, items=[("MUG-STEEL", 1)], customer=store.customers.first())
    job = order_job(connection)
    assert job.state == JobState.FAILED
    assert "CustomerClass" in job.last_error and "NOSUCH" in job.last_error, job.last_error
    assert plain_records(acu.tenant, "Customer") == []

    # The class fixed, an order with a SKU that has no item in Acumatica.
    AcuRecord.objects.filter(tenant=acu.tenant, entity="StockItem", keys="STOVE-1").delete()
    connection.erp_settings = {**connection.erp_settings, "customer_class": "WEB"}
    connection.save()
    place_test_order(store, items=[("STOVE-1", 1), ("MUG-STEEL", 1)],
                     customer=store.customers.first())  # fmt: skip
    job = order_job(connection, count=2)
    assert job.state == JobState.FAILED
    assert "SKU STOVE-1" in job.last_error and "Stock Items" in job.last_error, job.last_error
    assert plain_records(acu.tenant, "SalesOrder") == []


def test_a_429_storm_and_the_licences_delay_are_waited_out_and_every_order_lands(shop):
    store, connection, acu = shop()
    shopper = store.customers.first()
    # The licence: 8 requests a window, delayed beyond half of them; and a storm of 429s.
    licence_set(acu.instance, requests_per_minute=8)
    faults_set(acu.tenant, fault_rate_limited=6)
    count = 5
    placed = [place_test_order(store, items=[("MUG-STEEL", 1)], customer=shopper)
              for _ in range(count)]  # fmt: skip
    orders_settled(connection, count, timeout=180)
    jobs = SyncJob.objects.filter(connection=connection, kind="order")
    assert {j.state for j in jobs} == {JobState.SUCCEEDED}, [j.last_error for j in jobs]
    assert {d["ExternalRef"] for d in plain_records(acu.tenant, "SalesOrder")} == {
        f"BC-{o.pk}" for o in placed
    }
    assert len(plain_records(acu.tenant, "SalesOrder")) == count
    counts = call_counts(acu.tenant)
    assert counts["429"] == 6, counts  # the storm was met, and backed off
    assert counts["max_delay_ms"] > 0, counts  # and the licence's delay was reached
