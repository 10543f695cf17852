"""The store's budget per order: what a sync reads from BigCommerce and what it sends to the ERP,
counted in the audit log, end to end (signed webhook → real worker → the fake ERP's call log),
on PostgreSQL + Redis and on SQLite + the file broker."""

from decimal import Decimal

import pytest

from audit.models import ApiCall
from sandbox.bigcommerce.delivery import emit
from sandbox.bigcommerce.models import BcOrder, BcRefund
from sandbox.bigcommerce.services import (
    _v2_address,
    place_test_order,
    set_order_status,
    touch_order_quietly,
)
from sync.models import JobKind, JobState, SyncJob
from sync.replay import job_replay
from tests.pipeline.test_end_to_end import shop  # noqa: F401 - the store, connection and fake ERP
from tests.support.worker import jobs_settled, wait_until
from webhooks.models import EventState, InboundEvent

pytestmark = pytest.mark.embedded


def store_calls(job) -> list[str]:
    return list(
        ApiCall.objects.filter(sync_job=job, system="bigcommerce")
        .order_by("pk")
        .values_list("operation", flat=True)
    )


def synced_order(store, connection, erp, **order_fields):
    """A registered shopper's order, placed in the store and synced through its signed webhook."""
    shopper = store.customers.get(email="ada@example.com")
    order = place_test_order(store, customer=shopper, **order_fields)
    wait_until(jobs_settled(connection, 1), timeout=30, message="the order did not sync")
    job = SyncJob.objects.get(connection=connection, kind=JobKind.ORDER)
    assert job.state == JobState.SUCCEEDED, job.last_error
    event = InboundEvent.objects.get(connection=connection)
    assert event.state == EventState.PROCESSED and event.headers["x-verified-by"] == "signature"
    assert erp.orders() == {str(order.pk): 1}
    return order, job


def run_again_on_webhook(connection, job, order, scope="store/order/updated"):
    """BigCommerce sends `scope` for the order; wait for the job's next run to end."""
    runs = job.attempt_log.count()
    events = InboundEvent.objects.filter(connection=connection).count()
    emit(order.store, scope, {"type": "order", "id": order.pk})
    wait_until(
        lambda: (
            InboundEvent.objects.filter(connection=connection, state=EventState.PROCESSED).count()
            > events
        ),
        timeout=30,
        message="the webhook was not processed",
    )
    wait_until(
        lambda: job.attempt_log.filter(finished_at__isnull=False).count() > runs,
        timeout=30,
        message="the job did not run again",
    )
    return SyncJob.objects.get(pk=job.pk)


def test_a_new_order_from_a_registered_customer_costs_at_most_three_store_reads(shop):  # noqa: F811
    store, connection, erp = shop
    _, job = synced_order(store, connection, erp, items=[("TENT-2P", 2), ("MUG-STEEL", 3)])
    reads = store_calls(job)
    assert len(reads) <= 3, reads
    assert erp.calls() == ["upsert_customer", "find_sales_document", "create_sales_document"]
    assert job.details["payments"][0]["event"] == "purchase"


def test_an_unchanged_update_costs_one_store_read_and_no_erp_call(shop):  # noqa: F811
    store, connection, erp = shop
    order, job = synced_order(store, connection, erp, items=[("PACK-30L", 1)])
    reads, erp_calls = len(store_calls(job)), len(erp.calls())
    job = run_again_on_webhook(connection, job, order)
    assert job.state == JobState.SUCCEEDED, job.last_error
    assert store_calls(job)[reads:] == ["order.get"]
    assert erp.calls()[erp_calls:] == []
    assert erp.orders() == {str(order.pk): 1}


def test_a_changed_order_of_the_same_buyer_reads_no_customer_and_upserts_none(shop):  # noqa: F811
    store, connection, erp = shop
    order, job = synced_order(store, connection, erp, items=[("PACK-30L", 1)])
    reads, erp_calls, customer_ref = len(store_calls(job)), len(erp.calls()), job.erp_customer_id
    runs = job.attempt_log.count()
    set_order_status(order, 9)  # Awaiting Shipment: statusUpdated and updated both arrive
    wait_until(
        lambda: (
            erp.document_for(order.pk)["status_id"] == 9
            and SyncJob.objects.get(pk=job.pk).state == JobState.SUCCEEDED
            and job.attempt_log.filter(finished_at__isnull=False).count() > runs
        ),
        timeout=30,
        message="the change did not reach the ERP",
    )
    job = SyncJob.objects.get(pk=job.pk)
    assert "customer.get" not in store_calls(job)[reads:]
    assert "upsert_customer" not in erp.calls()[erp_calls:]
    assert job.erp_customer_id == customer_ref


def test_a_change_in_the_same_second_as_the_last_sync_still_reaches_the_erp(shop):  # noqa: F811
    """BigCommerce's date_modified counts whole seconds: a change made in the second the order
    was synced shows the same date_modified, and must not pass for an unchanged order."""
    store, connection, erp = shop
    order, job = synced_order(store, connection, erp, items=[("PACK-30L", 1)])
    BcOrder.objects.filter(pk=order.pk).update(status_id=9)  # date_modified stays as it was
    assert BcOrder.objects.get(pk=order.pk).date_modified == order.date_modified
    job = run_again_on_webhook(connection, job, order)
    assert job.state == JobState.SUCCEEDED, job.last_error
    assert erp.document_for(order.pk)["status_id"] == 9


def test_a_changed_buyer_is_read_again_and_upserted(shop):  # noqa: F811
    store, connection, erp = shop
    order, job = synced_order(store, connection, erp, items=[("PACK-30L", 1)])
    reads, erp_calls = len(store_calls(job)), len(erp.calls())
    grace = store.customers.get(email="grace@example.com")
    BcOrder.objects.filter(pk=order.pk).update(
        customer=grace, billing_address=_v2_address(grace.addresses[0], grace.email)
    )
    touch_order_quietly(BcOrder.objects.get(pk=order.pk))
    job = run_again_on_webhook(connection, job, order)
    assert job.state == JobState.SUCCEEDED, job.last_error
    assert "customer.get" in store_calls(job)[reads:]
    assert erp.calls()[erp_calls:][0] == "upsert_customer"
    assert job.erp_customer_id == erp.customers()["grace@example.com"]


def test_refunds_are_read_when_the_order_has_some(shop):  # noqa: F811
    store, connection, erp = shop
    order, job = synced_order(store, connection, erp, items=[("PACK-30L", 1)])
    assert "order.refunds" not in store_calls(job)
    BcRefund.objects.create(order=order, reason="damaged", total_amount="20.0000")
    touch_order_quietly(BcOrder.objects.get(pk=order.pk))
    job = run_again_on_webhook(connection, job, order)
    assert job.state == JobState.SUCCEEDED, job.last_error
    assert "order.refunds" in store_calls(job)
    refunds = [p for p in job.details["payments"] if p["kind"] == "refund"]
    assert [Decimal(r["amount"]) for r in refunds] == [Decimal("20")]


def test_a_replay_of_an_unchanged_order_runs_in_full(shop):  # noqa: F811
    """A person who replays a synced order wants it sent again (say the document or the card
    was deleted in the ERP): the look-ups decide, not the shortcuts for unchanged orders."""
    store, connection, erp = shop
    order, job = synced_order(store, connection, erp, items=[("PACK-30L", 1)])
    erp_calls, runs = len(erp.calls()), job.attempt_log.count()
    assert job_replay(job=job)
    wait_until(
        lambda: job.attempt_log.filter(finished_at__isnull=False).count() > runs,
        timeout=30,
        message="the replay did not run",
    )
    assert SyncJob.objects.get(pk=job.pk).state == JobState.SUCCEEDED
    assert erp.calls()[erp_calls:] == [
        "upsert_customer", "find_sales_document", "update_sales_document",
    ]  # fmt: skip
    assert erp.orders() == {str(order.pk): 1}
