"""What the Orders view reads from a job, filled by the real pipeline (the sandbox store over
HTTP, a real worker, the in-test ERP) on PostgreSQL + Redis and on SQLite + the file broker: the
order's date, customer, total and SKUs, the store's lines beside the document sent, and an
attempt history that a replay adds to without erasing why the order failed before."""

from decimal import Decimal

import pytest

from sandbox.bigcommerce.services import place_test_order
from sync.models import JobKind, JobState, SyncJob
from sync.replay import job_replay
from tests.pipeline.test_end_to_end import shop  # noqa: F401 - the fixture
from tests.support.worker import jobs_settled, wait_until

pytestmark = pytest.mark.embedded


def test_a_synced_order_carries_its_summary_its_lines_and_its_document(shop):  # noqa: F811
    store, connection, erp = shop
    order = place_test_order(store, items=[("TENT-2P", 2), ("MUG-STEEL", 3)])
    wait_until(jobs_settled(connection, 1), timeout=30, message="the order did not sync")
    job = SyncJob.objects.get(connection=connection, kind=JobKind.ORDER)
    assert job.state == JobState.SUCCEEDED, job.last_error
    order.refresh_from_db()
    assert job.placed_at is not None
    assert job.customer_email == order.billing_address["email"]
    assert job.customer_name == (
        f"{order.billing_address['first_name']} {order.billing_address['last_name']}"
    )
    document = erp.document_for(order.pk)
    assert job.order_total == Decimal(document["total_inc_tax"]).quantize(Decimal("0.01"))
    assert job.currency == store.currency
    assert job.skus == "TENT-2P MUG-STEEL"
    store_side = job.details["store_lines"]
    assert [(ln["sku"], ln["quantity"], ln["unit_price"]) for ln in store_side["lines"]] == [
        ("TENT-2P", "2", "349.00"),
        ("MUG-STEEL", "3", "19.50"),
    ]
    assert store_side["total"] == str(job.order_total)
    sent = job.details["document"]
    assert sent["kind"] == "Sales invoice"
    assert [ln["sku"] for ln in sent["lines"]] == ["TENT-2P", "MUG-STEEL"]
    assert sent["total"] == store_side["total"]


def test_a_replay_adds_to_the_history_and_keeps_the_first_failure(shop):  # noqa: F811
    store, connection, erp = shop
    erp.refuse_sku("JACKET-S")
    place_test_order(store, items=[("JACKET-S", 1)])
    wait_until(jobs_settled(connection, 1, kind=JobKind.ORDER), timeout=30)
    job = SyncJob.objects.get(connection=connection, kind=JobKind.ORDER)
    assert job.state == JobState.FAILED
    assert job.skus == "JACKET-S"  # filled before the ERP refused it: searchable by SKU
    erp.accept_sku("JACKET-S")
    assert job_replay(job=job)
    wait_until(lambda: SyncJob.objects.get(pk=job.pk).state == JobState.SUCCEEDED, timeout=30)
    history = list(job.attempt_log.order_by("number").values_list("number", "outcome", "error"))
    assert [(n, outcome) for n, outcome, _ in history] == [
        (1, JobState.FAILED),
        (2, JobState.SUCCEEDED),
    ]
    assert "SKU JACKET-S has no item" in history[0][2]
    # A second replay goes on numbering: 3, never a second 1.
    assert job_replay(job=SyncJob.objects.get(pk=job.pk))
    wait_until(lambda: job.attempt_log.count() == 3, timeout=30)
    wait_until(lambda: SyncJob.objects.get(pk=job.pk).state == JobState.SUCCEEDED, timeout=30)
    assert sorted(job.attempt_log.values_list("number", flat=True)) == [1, 2, 3]
