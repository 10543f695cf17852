"""Store → signed webhook → worker → MYOB invoice, over real HTTP against both sandboxes, with a
real Celery worker process, PostgreSQL and Redis."""

import itertools
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from audit.models import ApiCall
from sandbox.bigcommerce.services import place_test_order
from sandbox.myob.models import new_row_version
from sandbox.myob.services import faults_set, records
from sync.models import JobKind, JobState, SyncJob
from sync.replay import job_replay
from sync.tasks import poll_erp_stream_all
from tenants.models import Connection
from tenants.services import connection_activate
from tests.support.myob_sandbox import invoices, myob_shop, myob_worker_env
from tests.support.worker import WorkerProcess, jobs_settled, redeliver_and_replay, wait_until
from webhooks.models import InboundEvent

pytestmark = pytest.mark.worker
_hashes = itertools.count(1)


@pytest.fixture
def shop(live_server, tenant, myob_key, worker_env, worker_concurrency):
    """A sandbox store joined to a sandbox MYOB company file (which has no STOVE-1 item), active,
    and a worker whose settings point at the sandboxes."""
    store, connection, business = myob_shop(
        live_server, tenant, myob_key, name=f"myobe2e{next(_hashes)}", skip_items=("STOVE-1",)
    )
    worker = WorkerProcess(
        concurrency=worker_concurrency, extra_env={**myob_worker_env(live_server), **worker_env}
    ).start()
    try:
        yield store, connection_activate(connection=connection), business
    finally:
        worker.stop()


def test_an_order_webhook_becomes_one_invoice_through_duplicates_and_a_replay(shop):
    store, connection, business = shop
    ada = store.customers.get(email="ada@example.com")
    order = place_test_order(store, items=[("TENT-2P", 2), ("MUG-STEEL", 3)], customer=ada)
    wait_until(
        jobs_settled(connection, 1, kind="order"), timeout=40, message="the order did not sync"
    )
    job = SyncJob.objects.get(connection=connection, kind="order")
    assert job.state == JobState.SUCCEEDED, job.last_error
    (invoice,) = invoices(business)
    data = invoice.data
    assert job.erp_document_id == str(invoice.uid) and job.erp_document_number == data["Number"]
    assert data["CustomerPurchaseOrderNumber"] == f"BC-{order.pk}"
    assert [(ln["Item"]["Number"], ln["ShipQuantity"], ln["UnitPrice"], ln["TaxCode"]["Code"]) for ln in data["Lines"]] == [
        ("TENT-2P", 2.0, 349.0, "GST"), ("MUG-STEEL", 3.0, 19.5, "GST")]  # fmt: skip
    assert data["Freight"] == 10.0 and data["FreightTaxCode"]["Code"] == "GST"
    # GST at 10 % on 698 + 58.50 + 10 freight, on top (the store's prices exclude tax).
    assert Decimal(str(data["TotalTax"])) == Decimal("76.65") and Decimal(
        str(data["TotalAmount"])
    ) == Decimal("843.15")
    card = records(business, "Contact/Customer").get()
    assert (
        data["Customer"]["UID"] == str(card.uid)
        and card.data["Addresses"][0]["Email"] == "ada@example.com"
    )
    assert "12 Analytical St" in data["ShipToAddress"]

    # BigCommerce redelivers the same events, and a person replays the job.
    job = redeliver_and_replay(store, job)
    assert job.state == JobState.SUCCEEDED, job.last_error
    # Every event the store sent was taken on its signature, not on the shared-secret header.
    proofs = [
        e.headers["x-verified-by"] for e in InboundEvent.objects.filter(connection=connection)
    ]
    assert proofs and set(proofs) == {"signature"}, proofs
    assert len(invoices(business)) == 1
    assert ApiCall.objects.filter(operation="sale.invoice.item.create").count() == 1
    assert ApiCall.objects.filter(sync_job=job, system="myob").exists()


def test_rate_limit_answers_are_backed_off_and_every_order_lands(shop):
    store, connection, business = shop
    faults_set(business, fault_rate_limited=1)
    orders = [
        place_test_order(store, items=[("PACK-30L", 1)], customer=store.customers.first())
        for _ in range(4)
    ]
    wait_until(
        jobs_settled(connection, 4, kind="order"), timeout=60, message="not every order synced"
    )
    assert set(
        SyncJob.objects.filter(connection=connection, kind="order").values_list("state", flat=True)
    ) == {JobState.SUCCEEDED}
    assert {i.data["CustomerPurchaseOrderNumber"] for i in invoices(business)} == {
        f"BC-{o.pk}" for o in orders
    }
    assert ApiCall.objects.filter(system="myob", status_code=403).count() == 1


def test_a_missing_sku_fails_with_a_clear_message_then_a_fixed_mapping_and_replay_post_it(shop):
    store, connection, business = shop
    order = place_test_order(
        store, items=[("STOVE-1", 1), ("MUG-STEEL", 1)], customer=store.customers.first()
    )
    wait_until(jobs_settled(connection, 1, kind="order"), timeout=40)
    job = SyncJob.objects.get(connection=connection, kind="order")
    assert job.state == JobState.FAILED
    assert (
        "SKU STOVE-1" in job.last_error
        and "Income account for SKUs without a MYOB item" in job.last_error
    )
    assert invoices(business) == []
    connection = Connection.objects.get(pk=connection.pk)
    connection.erp_settings = {**connection.erp_settings, "unmapped_sku_account": "4-1100"}
    connection.save()
    assert job_replay(job=job)
    wait_until(lambda: SyncJob.objects.get(pk=job.pk).state == JobState.SUCCEEDED, timeout=30)
    (invoice,) = invoices(business)
    assert (
        invoice.resource == "Sale/Invoice/Service"
        and invoice.data["CustomerPurchaseOrderNumber"] == f"BC-{order.pk}"
    )
    assert [ln["Account"]["DisplayID"] for ln in invoice.data["Lines"]] == ["4-1100", "4-1000"]


def test_a_card_edited_in_myob_becomes_a_job_that_a_person_replays_from_the_admin(
    shop, client, owner
):
    store, connection, business = shop
    ada = store.customers.get(email="ada@example.com")
    place_test_order(store, items=[("TENT-2P", 1)], customer=ada)
    wait_until(jobs_settled(connection, 1, kind="order"), timeout=40, message="no order synced")
    card = records(business, "Contact/Customer").get()
    card.data = {**card.data, "LastName": "King"}  # a person saves the card in MYOB
    card.row_version, card.last_modified = new_row_version(), timezone.now()
    card.save()

    # The beat's task for the customers stream, through the broker to the worker.
    poll_erp_stream_all.delay("customers")
    to_store = SyncJob.objects.filter(connection=connection, kind=JobKind.CUSTOMER_TO_STORE)
    wait_until(
        lambda: to_store.filter(state=JobState.SUCCEEDED).exists(),
        timeout=40,
        message="the card edited in MYOB did not become a job that ran",
    )
    job = to_store.get()
    assert (job.source_id, job.erp_document_id) == (str(card.uid), str(card.uid))
    ada.refresh_from_db()
    assert ada.last_name == "King"
    written = ApiCall.objects.filter(sync_job=job, operation="customer.update")
    assert written.count() == 1

    # A person replays it from the job's page: it runs again, reading the card afresh.
    client.force_login(owner)
    replayed = client.post(reverse("admin:sync_syncjob_replay", args=[job.pk]))
    assert [str(message) for message in get_messages(replayed.wsgi_request)] == [
        f"{job} is queued again and will be fetched fresh from MYOB Business (AccountRight)."
    ]
    wait_until(
        lambda: job.attempt_log.filter(finished_at__isnull=False).count() == 2,
        timeout=30,
        message="the replay did not run",
    )
    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED, job.last_error
    reads = ApiCall.objects.filter(sync_job=job, operation="contact.customer.get")
    assert reads.count() == 2
    assert written.count() == 1  # the store already has the card's data: nothing to write
