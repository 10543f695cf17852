"""The store's money in Acumatica, end to end: store → signed webhook → real worker → the sandbox
Acumatica over real HTTP, on PostgreSQL and Redis. A transaction becomes one released Payment
applied to the order's document, a refund one released customer Refund applied to the payment
it gives back, and redeliveries, a replay and a lost answer never post twice."""

import itertools
from decimal import Decimal

import pytest

from audit.models import ApiCall
from sandbox.acumatica.services import faults_set, plain_records
from sandbox.bigcommerce.delivery import emit
from sandbox.bigcommerce.models import BcOrder, BcRefund, BcTransaction
from sandbox.bigcommerce.services import place_test_order
from sandbox.bigcommerce.shapes import order_totals
from sync.models import JobState, SyncJob
from tenants.services import connection_activate
from tests.erp_contract.kits.acumatica import acumatica_shop, acumatica_worker_env
from tests.support.unconfirmed_writes import FAULTS, READ_TIMEOUT
from tests.support.worker import WorkerProcess, jobs_settled, redeliver_and_replay, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.embedded]
_names = itertools.count(1)
METHOD, ACCOUNT = "CREDITCARD", "10250"


@pytest.fixture
def worker_env():
    # A sandbox that hangs times the worker's client out quickly; a retry comes soon.
    return {"HTTP_READ_TIMEOUT": str(READ_TIMEOUT), "SYNC_RETRY_BASE_SECONDS": "2"}


@pytest.fixture
def shop(request, live_server, tenant, settings, worker_env):
    """A sandbox store joined to a sandbox Acumatica (payments with METHOD and ACCOUNT), active,
    and a worker pointed at both. `request.param`: the connection's document setting."""
    settings.PUBLIC_BASE_URL = live_server.url
    settings.ACUMATICA_RATE_WINDOW_SECONDS = 4
    settings.ACUMATICA_ACTION_POLL_SECONDS = 0.2
    store, connection, acu = acumatica_shop(
        live_server, tenant, name=f"acupay{next(_names)}",
        document=getattr(request, "param", "sales_order"),
        payment_method=METHOD, cash_account=ACCOUNT,
    )  # fmt: skip
    worker = WorkerProcess(
        concurrency=2, extra_env={**acumatica_worker_env(), **worker_env}
    ).start()
    try:
        yield store, connection_activate(connection=connection), acu
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


def transaction_add(order, *, event="capture", amount, status="ok") -> BcTransaction:
    """A transaction on the order, and the store's transaction/created webhook (the order itself
    is not changed: its answer is the same as before)."""
    made = BcTransaction.objects.create(order=order, event=event, amount=amount, status=status)
    emit(order.store, "store/order/transaction/created",
         {"type": "transaction", "id": made.pk, "order_id": order.pk})  # fmt: skip
    return made


def refund_add(order, amount, status_id=14) -> BcRefund:
    """A refund, the order's new status (default Partially Refunded) and the refund webhook."""
    made = BcRefund.objects.create(order=order, reason="damaged", total_amount=amount)
    BcOrder.objects.filter(pk=order.pk).update(status_id=status_id)
    BcOrder.objects.get(pk=order.pk).save(update_fields=["date_modified"])
    emit(order.store, "store/order/refund/created",
         {"type": "order", "id": order.pk, "refund": {"refund_id": made.pk}})  # fmt: skip
    return made


def payments(acu, kind="Payment") -> list[dict]:
    return [p for p in plain_records(acu.tenant, "Payment") if p.get("Type") == kind]


def creates(connection) -> int:
    return ApiCall.objects.filter(connection=connection, operation="payment.create").count()


def test_a_transaction_a_later_capture_and_a_refund_each_post_once_released_and_applied(shop):
    store, connection, acu = shop
    ada = store.customers.get(email="ada@example.com")
    order = place_test_order(store, items=[("TENT-2P", 1)], customer=ada)
    job = synced(connection, order)
    assert job.state == JobState.SUCCEEDED, job.last_error
    (sales_order,) = plain_records(acu.tenant, "SalesOrder")
    (purchase,) = BcTransaction.objects.filter(order=order)
    (paid,) = payments(acu)
    total = order_totals(order)["total_inc_tax"]
    assert paid["Status"] in ("Open", "Closed"), paid  # released
    assert Decimal(str(paid["PaymentAmount"])) == Decimal(total).quantize(Decimal("0.01"))
    assert (paid["CustomerID"], paid["PaymentMethod"], paid["CashAccount"]) == (
        sales_order["CustomerID"], METHOD, ACCOUNT,
    )  # fmt: skip
    assert paid["PaymentRef"] == str(purchase.pk)
    assert paid["ExternalRef"] == f"BC-{order.pk}-T{purchase.pk}"
    assert [(a["OrderType"], a["OrderNbr"]) for a in paid["OrdersToApply"]] == [
        ("SO", sales_order["OrderNbr"])
    ]
    (posted,) = job.details["erp_payments"]
    assert (posted["source_id"], posted["erp_number"], posted["released"]) == (
        str(purchase.pk), f"Payment {paid['ReferenceNbr']}", True,
    )  # fmt: skip

    # A capture on the same order, which is otherwise unchanged: posted too.
    capture = transaction_add(order, amount="5.00")
    job = synced(connection, order, runs=runs(job) + 1)
    assert job.state == JobState.SUCCEEDED, job.last_error
    later = [p for p in payments(acu) if p["PaymentRef"] == str(capture.pk)]
    assert len(later) == 1 and later[0]["Status"] in ("Open", "Closed"), later
    assert Decimal(str(later[0]["PaymentAmount"])) == Decimal("5.00")

    # A refund: a customer Refund applied to the payment it gives back, released. The order is
    # cancelled too, no longer a status to sync: the refund is posted all the same.
    refund = refund_add(order, "20.00", status_id=5)
    job = synced(connection, order, runs=runs(job) + 1)
    assert job.state == JobState.SUCCEEDED, job.last_error
    assert any("'Cancelled'" in warning for warning in job.warnings), job.warnings
    (back,) = payments(acu, "Refund")
    assert back["Status"] == "Closed" and back["ExternalRef"] == f"BC-{order.pk}-R{refund.pk}"
    assert Decimal(str(back["PaymentAmount"])) == Decimal("20.00")
    assert [(a["DocType"], a["ReferenceNbr"], Decimal(str(a["AmountPaid"])))
            for a in back["DocumentsToApply"]] == [("Payment", paid["ReferenceNbr"], Decimal("20.00"))]  # fmt: skip
    assert [r["kind"] for r in job.details["erp_payments"]] == [
        "transaction",
        "transaction",
        "refund",
    ]

    # BigCommerce redelivers every event twice and a person replays: still one of each.
    made = creates(connection)
    job = redeliver_and_replay(store, job)
    assert job.state == JobState.SUCCEEDED, job.last_error
    assert len(payments(acu)) == 2 and len(payments(acu, "Refund")) == 1
    assert creates(connection) == made == 3


@pytest.mark.parametrize("shop", ["invoice", "order_invoice"], indirect=True)
def test_in_invoice_mode_the_payment_is_applied_to_the_invoice_whose_balance_drops_to_zero(shop):
    store, connection, acu = shop
    order = place_test_order(store, items=[("TENT-2P", 1), ("MUG-STEEL", 2)], customer="guest")
    job = synced(connection, order)
    assert job.state == JobState.SUCCEEDED, job.last_error
    (invoice,) = plain_records(acu.tenant, "SalesInvoice")
    (paid,) = payments(acu)
    assert [(a["DocType"], a["ReferenceNbr"]) for a in paid["DocumentsToApply"]] == [
        ("Invoice", invoice["ReferenceNbr"])
    ]
    # Released; what the invoice did not take stays on the payment (Open) for a person to apply.
    assert paid["Status"] in ("Open", "Closed") and paid.get("OrdersToApply") in (None, [])
    applied = Decimal(str(paid["DocumentsToApply"][0]["AmountPaid"]))
    assert applied == Decimal(str(invoice["Amount"])) > 0
    assert (invoice["Status"], Decimal(str(invoice["Balance"]))) == ("Closed", Decimal("0"))


def test_a_payment_whose_answer_never_came_is_found_not_posted_twice(shop):
    store, connection, acu = shop
    faults_set(acu.tenant, fault_create_resource="Payment", **FAULTS["hang"])
    order = place_test_order(store, items=[("TENT-2P", 1)], customer="guest")
    job = synced(connection, order)
    wait_until(
        lambda: SyncJob.objects.get(pk=job.pk).state == JobState.SUCCEEDED,
        timeout=90, message="the job did not finish after the unanswered payment",
    )  # fmt: skip
    (paid,) = payments(acu)
    assert paid["Status"] in ("Open", "Closed")
    assert creates(connection) == 1
    lookups = ApiCall.objects.filter(
        connection=connection, method="GET", url__contains="ExternalRef", url__icontains="payment"
    )
    assert paid["ReferenceNbr"] in lookups.order_by("created_at", "id").last().response_body


def test_an_acumatica_refusal_fails_the_job_naming_the_transaction_and_the_field(shop):
    store, connection, acu = shop
    connection.erp_settings = {**connection.erp_settings, "cash_account": "99999"}
    connection.save(update_fields=["erp_settings"])
    order = place_test_order(store, items=[("TENT-2P", 1)], customer="guest")
    job = synced(connection, order)
    (purchase,) = BcTransaction.objects.filter(order=order)
    (sales_order,) = plain_records(acu.tenant, "SalesOrder")
    assert job.state == JobState.FAILED
    assert f"Transaction {purchase.pk}" in job.last_error, job.last_error
    assert sales_order["OrderNbr"] in job.last_error and "CashAccount" in job.last_error
    assert job.erp_document_id == sales_order["id"]  # the document stays
    assert payments(acu) == []


def test_without_a_payment_method_and_cash_account_the_order_syncs_and_says_so(shop):
    store, connection, acu = shop
    connection.erp_settings = {**connection.erp_settings, "cash_account": ""}
    connection.save(update_fields=["erp_settings"])
    order = place_test_order(store, items=[("TENT-2P", 1)], customer="guest")
    job = synced(connection, order)
    assert job.state == JobState.SUCCEEDED, job.last_error
    assert len(plain_records(acu.tenant, "SalesOrder")) == 1 and payments(acu) == []
    assert any("payments were not posted to Acumatica" in w for w in job.warnings), job.warnings
    assert "erp_payments" not in job.details and job.details["payments"]
