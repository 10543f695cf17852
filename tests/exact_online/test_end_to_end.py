"""Store → signed webhook → worker → Exact Online invoice, over real HTTP against both sandboxes,
with a real Celery worker process, PostgreSQL and Redis."""

import itertools
from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import ApiCall
from connectors.links import customer_link
from connectors.models import ExternalLink
from sandbox.bigcommerce.models import BcCustomer
from sandbox.bigcommerce.services import place_test_order
from sandbox.exact_online.models import ExactApiRequest, ExactRecord
from sandbox.exact_online.services import call_counts, faults_set, records
from sync.models import BulkRun, JobState, SyncJob
from tenants.models import Connection
from tenants.services import connection_activate
from tests.support.exact_online_sandbox import exact_shop, exact_worker_env, invoices
from tests.support.streams import customers_polled
from tests.support.windows import max_in_any_window
from tests.support.worker import WorkerProcess, jobs_settled, redeliver_and_replay, wait_until
from webhooks.models import InboundEvent

pytestmark = pytest.mark.worker
_hashes = itertools.count(1)
_divisions = itertools.count(700001)
# Exact's "minute", shrunk for the suite on both sides (same code path). Long enough that even a
# busy machine's worker wants more than Exact's 60 calls in one, so the limit is really tested.
WINDOW = 8


@pytest.fixture
def shop(live_server, tenant, exact_app, settings, worker_env):
    """A sandbox store joined to a sandbox Exact division (with Exact's own 60-call limit per
    window), active, and a worker whose settings point at the sandboxes."""
    settings.EXACT_RATE_WINDOW_SECONDS = WINDOW
    store, connection, division = exact_shop(
        live_server, tenant, exact_app, name=f"exacte2e{next(_hashes)}",
        division=next(_divisions), window=WINDOW,
        cost_center="WEB", cost_center_rules="country=GB -> UK",
    )  # fmt: skip
    worker = WorkerProcess(
        concurrency=4, extra_env={**exact_worker_env(live_server, WINDOW), **worker_env}
    ).start()
    try:
        yield store, connection_activate(connection=connection), division
    finally:
        worker.stop()


def busiest_window(connection, division) -> int:
    """The most calls we sent to the division within any WINDOW seconds, from our ApiCall rows,
    refused ones included. A row is written when the answer came: it was sent duration_ms
    earlier. Any WINDOW-second span, so however Exact's windows are aligned, none held more."""
    rows = ApiCall.objects.filter(
        connection=connection, system="exact_online", url__contains=f"/api/v1/{division.code}/"
    ).values_list("created_at", "duration_ms")
    return max_in_any_window([created.timestamp() - ms / 1000 for created, ms in rows], WINDOW)


def test_activation_pulls_every_store_customer_into_exact_accounts_with_progress(shop):
    store, connection, division = shop
    wanted = BcCustomer.objects.filter(store=store).count()
    wait_until(jobs_settled(connection, wanted, kind="customer"), timeout=60)
    jobs = SyncJob.objects.filter(connection=connection, kind="customer")
    assert {j.state for j in jobs} == {JobState.SUCCEEDED}, [j.last_error for j in jobs]
    run = BulkRun.objects.get(connection=connection, params__what="customers")
    assert run.state == BulkRun.State.DONE and (run.total, run.done, run.percent) == (
        wanted,
        wanted,
        100,
    )
    emails = {r.data["Email"] for r in records(division, "crm/Accounts")}
    assert emails == set(BcCustomer.objects.filter(store=store).values_list("email", flat=True))
    assert ExternalLink.objects.filter(connection=connection).count() == wanted
    # A second activation does not pull again.
    connection_activate(connection=Connection.objects.get(pk=connection.pk))
    assert BulkRun.objects.filter(connection=connection, params__what="customers").count() == 1


def test_an_order_webhook_becomes_one_invoice_through_duplicates_and_a_replay(shop):
    store, connection, division = shop
    ada = store.customers.get(email="ada@example.com")
    order = place_test_order(store, items=[("TENT-2P", 2), ("MUG-STEEL", 3)], customer=ada)
    wait_until(
        jobs_settled(connection, 1, kind="order"), timeout=60, message="the order did not sync"
    )
    job = SyncJob.objects.get(connection=connection, kind="order")
    assert job.state == JobState.SUCCEEDED, job.last_error
    (invoice,) = invoices(division)
    assert job.erp_document_id == invoice["InvoiceID"]
    assert job.erp_document_number == str(invoice["InvoiceNumber"])
    assert invoice["YourRef"] == f"BC-{order.pk}" and invoice["Journal"] == "70"
    lines = [(ln["ItemCode"], ln["Quantity"], ln["NetPrice"], ln["VATCode"], ln["CostCenter"])
             for ln in invoice["SalesInvoiceLines"]]  # fmt: skip
    assert lines == [("TENT-2P", 2.0, 349.0, "2", "WEB"), ("MUG-STEEL", 3.0, 19.5, "2", "WEB"),
                     ("SHIPPING", 1.0, 10.0, "2", "WEB")]  # fmt: skip
    account = ExactRecord.objects.get(guid=invoice["OrderedBy"])
    assert account.data["Email"] == "ada@example.com"
    delivery = ExactRecord.objects.get(guid=invoice["DeliverToAddress"])
    assert delivery.data["AddressLine1"] == "12 Analytical St"
    assert job.details["payments"] is not None  # payment status stays on the job

    # BigCommerce redelivers the same events, and a person replays the job.
    job = redeliver_and_replay(store, job)
    assert job.state == JobState.SUCCEEDED, job.last_error
    # Every event the store sent was taken on its signature, not on the shared-secret header.
    proofs = [
        e.headers["x-verified-by"] for e in InboundEvent.objects.filter(connection=connection)
    ]
    assert proofs and set(proofs) == {"signature"}, proofs
    assert len(invoices(division)) == 1
    assert ApiCall.objects.filter(operation="salesinvoice.salesinvoices.create").count() == 1


def test_an_account_edited_in_exact_reaches_the_store_once_and_nothing_ping_pongs(shop):
    store, connection, division = shop
    grace = store.customers.get(email="grace@example.com")
    wait_until(jobs_settled(connection, store.customers.count(), kind="customer"), timeout=60)
    link = customer_link(connection, str(grace.pk))
    account = ExactRecord.objects.get(guid=link.erp_id)
    job = SyncJob.objects.get(connection=connection, kind="customer", source_id=str(grace.pk))
    runs = job.attempt_log.count()
    puts = ExactApiRequest.objects.filter(division=division.code, method="PUT")
    puts_before = puts.count()
    # Nothing changed in Exact since our own writes: the poll sends nothing to the store.
    assert customers_polled(connection) == 0
    # A phone change (unlike an address change) makes the store send customer/updated back.
    account.data = {
        **account.data,
        "City": "Hobart",
        "Phone": "+61 3 6200 0000",
        "Modified": timezone.now().replace(tzinfo=None).isoformat(),
    }
    account.save()
    assert customers_polled(connection) == 1
    grace.refresh_from_db()
    assert (grace.addresses[0]["city"], grace.phone) == ("Hobart", "+61 3 6200 0000")
    # The echo: the store's webhook syncs the customer to Exact again, which already has it all.
    wait_until(
        lambda: InboundEvent.objects.filter(
            connection=connection, scope="store/customer/updated", resource_id=str(grace.pk)
        ).exists(),
        timeout=30,
        message="the store sent no customer/updated webhook after the push",
    )
    wait_until(
        lambda: (
            SyncJob.objects.get(pk=job.pk).attempt_log.filter(finished_at__isnull=False).count()
            > runs
        ),
        timeout=30,
        message="the customer/updated webhook did not sync the customer again",
    )
    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED, job.last_error
    assert puts.count() == puts_before  # nothing written back to Exact: no ping-pong
    assert customers_polled(connection) == 0


def test_a_stream_of_orders_stays_inside_exacts_limit_with_no_429(shop):
    store, connection, division = shop
    shopper = store.customers.first()
    count = 30  # about 120 calls: two or more of Exact's windows at its limit
    for _ in range(count):
        place_test_order(store, items=[("MUG-STEEL", 1)], customer=shopper)
    wait_until(
        jobs_settled(connection, count, kind="order"), timeout=240, message="not every order synced"
    )
    states = set(
        SyncJob.objects.filter(connection=connection, kind="order").values_list("state", flat=True)
    )
    assert states == {JobState.SUCCEEDED}
    # Never more than Exact's 60 calls in any window, counted from our own audit of what we sent
    # (the sandbox's count cannot show it: it refuses the 61st with a 429 and leaves it out).
    sent = busiest_window(connection, division)
    assert sent <= 60, f"{sent} calls sent to the division within {WINDOW} s"
    # And the stream did press against the limit (our budget is 55), or the test showed nothing.
    assert sent >= 50, f"the busiest {WINDOW} s held only {sent} calls: the limit was never near"
    assert not ApiCall.objects.filter(connection=connection, status_code=429).exists()
    assert call_counts(division)["429"] == 0
    assert len(invoices(division)) == count


def test_a_used_up_daily_quota_parks_jobs_until_the_reset_visibly(shop):
    store, connection, division = shop
    wait_until(jobs_settled(connection, store.customers.count(), kind="customer"), timeout=60)
    used = ExactApiRequest.objects.filter(division=division.code).exclude(status_code=429).count()
    faults_set(division, daily_limit=used + 1)  # one call left today
    place_test_order(store, items=[("MUG-STEEL", 1)], customer=store.customers.first())
    job = lambda: SyncJob.objects.filter(connection=connection, kind="order").first()  # noqa: E731
    wait_until(lambda: job() is not None and job().next_attempt_at is not None, timeout=40)
    parked = job()
    assert parked.state == JobState.PENDING and parked.next_attempt_at > timezone.now() + timedelta(
        minutes=1
    )
    assert "Exact" in parked.last_error or "rate" in parked.last_error.lower()
    assert invoices(division) == []
