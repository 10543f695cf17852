"""The store's refunds in Business Central, end to end: store → signed webhook → real worker → the
sandbox Business Central over real HTTP. A refund becomes one sales credit memo, posted, against
the order's posted invoice; the shopper's payments stay in the job; a redelivery and a replay
never credit twice; a draft left by an earlier run is posted, not made again (unless its total is
not the refund's); in sales-order mode a refund waits for the order's invoice."""

import itertools
from decimal import Decimal

import pytest

from audit.models import ApiCall
from connectors.business_central.api import BusinessCentralApi
from connectors.business_central.payments import refund_net
from sandbox.bigcommerce.delivery import emit
from sandbox.bigcommerce.models import BcOrder, BcRefund
from sandbox.bigcommerce.services import place_test_order
from sandbox.business_central.services import records
from sync.models import JobState, SyncJob
from sync.replay import job_replay
from tenants.services import connection_activate
from tests.erp_contract.kits.business_central import bc_shop, bc_urls, bc_use_sandbox
from tests.support.worker import WorkerProcess, jobs_settled, redeliver_and_replay, wait_until

pytestmark = pytest.mark.worker
D = Decimal
REFUND_ACCOUNT = "40100"  # Sales, Retail in the sandbox's chart of accounts
_names = itertools.count(1)


@pytest.fixture
def shop(request, live_server, tenant, settings):
    """A sandbox store joined to a sandbox Business Central company (refunds on REFUND_ACCOUNT),
    active, and a worker pointed at both. `request.param`: the connection's document setting."""
    settings.PUBLIC_BASE_URL = live_server.url
    bc_use_sandbox(settings, live_server)
    store, connection, bc = bc_shop(
        live_server, tenant, name=f"bcrefund{next(_names)}",
        document=getattr(request, "param", "sales_invoice"), refund_account=REFUND_ACCOUNT,
    )  # fmt: skip
    worker = WorkerProcess(
        concurrency=2, extra_env={**bc_urls(live_server), "SYNC_RETRY_BASE_SECONDS": "2"}
    ).start()
    try:
        yield store, connection_activate(connection=connection), bc
    finally:
        worker.stop()


def synced(connection, order, runs: int = 1) -> SyncJob:
    """The order's job once it has ended `runs` runs."""
    wait_until(jobs_settled(connection, 1, kind="order"), timeout=60, message="no order job ended")
    job = SyncJob.objects.get(connection=connection, kind="order", source_id=str(order.pk))
    wait_until(
        lambda: job.attempt_log.filter(finished_at__isnull=False).count() >= runs
        and SyncJob.objects.get(pk=job.pk).state in (JobState.SUCCEEDED, JobState.FAILED),
        timeout=60, message=f"the order's job did not end {runs} runs",
    )  # fmt: skip
    return SyncJob.objects.get(pk=job.pk)


def runs(job) -> int:
    return job.attempt_log.filter(finished_at__isnull=False).count()


def refund_add(order, amount, status_id=14, *, announce=True) -> BcRefund:
    """A refund, the order's new status (default Partially Refunded) and the refund webhook."""
    made = BcRefund.objects.create(order=order, reason="damaged", total_amount=amount)
    BcOrder.objects.filter(pk=order.pk).update(status_id=status_id)
    BcOrder.objects.get(pk=order.pk).save(update_fields=["date_modified"])
    if announce:
        refund_announce(order, made)
    return made


def refund_announce(order, refund: BcRefund) -> None:
    emit(order.store, "store/order/refund/created",
         {"type": "order", "id": order.pk, "refund": {"refund_id": refund.pk}})  # fmt: skip


def credit_memos(bc) -> list[dict]:
    return records(bc.company, "salesCreditMemos")


def creates(connection) -> int:
    return ApiCall.objects.filter(
        connection=connection, operation="salescreditmemos.create"
    ).count()


def draft_made(connection, order, refund_id: str, amount: str, invoice: dict) -> dict:
    """A draft credit memo under the refund's reference, as a run that stopped between the
    create and the post leaves it: its line `amount` less the invoice's share of tax."""
    return BusinessCentralApi(connection).create("salesCreditMemos", {
        "customerId": invoice["customerId"], "invoiceId": invoice["id"],
        "externalDocumentNumber": f"BC-{order.pk}-R{refund_id}",
        "salesCreditMemoLines": [{"lineType": "Account", "lineObjectNumber": REFUND_ACCOUNT,
                                  "quantity": 1, "unitPrice": refund_net(D(amount), invoice)}],
    })  # fmt: skip


def test_a_refund_becomes_one_posted_credit_memo_against_the_orders_invoice(shop):
    store, connection, bc = shop
    order = place_test_order(store, items=[("TENT-2P", 1)], customer="guest")
    job = synced(connection, order)
    assert job.state == JobState.SUCCEEDED, job.last_error
    (invoice,) = records(bc.company, "salesInvoices")
    assert invoice["status"] not in ("Draft", "In Review")
    # The shopper's payment is in the job, not posted in Business Central.
    assert job.details["payments"] and "erp_payments" not in job.details
    assert credit_memos(bc) == []

    refund = refund_add(order, "20.00")
    job = synced(connection, order, runs=runs(job) + 1)
    assert job.state == JobState.SUCCEEDED, job.last_error
    (memo,) = credit_memos(bc)
    assert memo["status"] not in ("Draft", "In Review"), memo  # posted
    assert (memo["invoiceId"], memo["customerId"]) == (invoice["id"], invoice["customerId"])
    assert memo["externalDocumentNumber"] == f"BC-{order.pk}-R{refund.pk}"
    # Split as the invoice was (10 % tax): 18.18 on the refund account, 1.82 of tax given back.
    assert D(str(memo["totalAmountIncludingTax"])) == D("20.00")
    assert D(str(memo["totalTaxAmount"])) == D("1.82")
    (line,) = memo["salesCreditMemoLines"]
    assert (line["lineType"], line["lineObjectNumber"]) == ("Account", REFUND_ACCOUNT)
    assert D(str(line["unitPrice"])) == D("18.18")
    (posted,) = job.details["erp_payments"]  # the refund only
    assert (posted["kind"], posted["source_id"], posted["erp_id"], posted["released"]) == (
        "refund", str(refund.pk), memo["id"], True,
    )  # fmt: skip

    # BigCommerce redelivers every event twice and a person replays: still one credit memo.
    job = redeliver_and_replay(store, job)
    assert job.state == JobState.SUCCEEDED, job.last_error
    assert len(credit_memos(bc)) == 1 and creates(connection) == 1


def test_a_draft_left_by_an_earlier_run_is_posted_not_made_again(shop):
    store, connection, bc = shop
    order = place_test_order(store, items=[("TENT-2P", 1)], customer="guest")
    job = synced(connection, order)
    (invoice,) = records(bc.company, "salesInvoices")
    refund = refund_add(order, "15.00", announce=False)
    draft = draft_made(connection, order, str(refund.pk), "15.00", invoice)
    assert draft["status"] == "Draft"
    refund_announce(order, refund)
    job = synced(connection, order, runs=runs(job) + 1)
    assert job.state == JobState.SUCCEEDED, job.last_error
    (memo,) = credit_memos(bc)
    assert memo["id"] == draft["id"] and memo["status"] not in ("Draft", "In Review")
    assert creates(connection) == 1  # the draft's own create, none by the run


def test_a_draft_whose_total_is_not_the_refunds_is_not_posted(shop):
    store, connection, bc = shop
    order = place_test_order(store, items=[("TENT-2P", 1)], customer="guest")
    job = synced(connection, order)
    (invoice,) = records(bc.company, "salesInvoices")
    refund = refund_add(order, "15.00", announce=False)
    draft_made(connection, order, str(refund.pk), "18.00", invoice)
    refund_announce(order, refund)
    job = synced(connection, order, runs=runs(job) + 1)
    assert job.state == JobState.FAILED
    assert f"Refund {refund.pk}" in job.last_error, job.last_error
    assert "totals 18.00, not the refund's 15.00" in job.last_error, job.last_error
    (memo,) = credit_memos(bc)
    assert memo["status"] == "Draft"


@pytest.mark.parametrize("shop", ["sales_order"], indirect=True)
def test_in_sales_order_mode_a_refund_waits_for_the_orders_invoice(shop):
    store, connection, bc = shop
    order = place_test_order(store, items=[("TENT-2P", 1)], customer="guest")
    job = synced(connection, order)
    assert job.state == JobState.SUCCEEDED, job.last_error
    (sales_order,) = records(bc.company, "salesOrders")
    refund = refund_add(order, "20.00")
    job = synced(connection, order, runs=runs(job) + 1)
    assert job.state == JobState.SUCCEEDED, job.last_error
    assert any(sales_order["number"] in w and "no posted invoice" in w for w in job.warnings)
    assert credit_memos(bc) == []
    # People in Business Central ship and invoice the order; a replay credits the refund.
    BusinessCentralApi(connection).action("salesOrders", sales_order["id"], "shipAndInvoice")
    (invoice,) = records(bc.company, "salesInvoices")
    job_replay(job=job)
    job = synced(connection, order, runs=runs(job) + 1)
    assert job.state == JobState.SUCCEEDED, job.last_error
    (memo,) = credit_memos(bc)
    assert memo["invoiceId"] == invoice["id"] and memo["status"] not in ("Draft", "In Review")
    assert memo["externalDocumentNumber"] == f"BC-{order.pk}-R{refund.pk}"
    # The invoiced order, deleted by Business Central, is found by its invoice: not made again.
    assert records(bc.company, "salesOrders") == []
    assert job.erp_document_id == invoice["id"]


def test_without_a_refund_account_the_order_syncs_and_says_so(shop):
    store, connection, bc = shop
    connection.erp_settings = {**connection.erp_settings, "refund_account": ""}
    connection.save(update_fields=["erp_settings"])
    order = place_test_order(store, items=[("TENT-2P", 1)], customer="guest")
    job = synced(connection, order)
    refund_add(order, "20.00")
    job = synced(connection, order, runs=runs(job) + 1)
    assert job.state == JobState.SUCCEEDED, job.last_error
    assert any("no refund account" in w for w in job.warnings), job.warnings
    assert credit_memos(bc) == []
