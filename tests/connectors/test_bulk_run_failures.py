"""A backfill or customer pull that meets a vendor fault never stays "running" for ever: a passing
fault puts it back in the queue with the reason and the time of its next try, a refusal (or too
many tries) stops it with the reason on its page. The store is a scripted server over real HTTP."""

import pytest

from sync.models import BulkRun
from sync.polling import (
    BULK_RUN_ATTEMPTS,
    backfill_run,
    bulk_run_step,
    customers_pull_run,
    customers_pull_start,
)
from tests.support.scripted_server import Answer

PROXY_PAGE = Answer(200, b"<html>upstream hiccup</html>", {"Content-Type": "text/html"})
REFUSED = Answer(403, {"status": 403, "title": "You don't have a required scope to access the endpoint"})  # fmt: skip


def backfill(connection) -> BulkRun:
    return BulkRun.objects.create(
        tenant_id=connection.tenant_id, connection=connection, kind=BulkRun.Kind.BACKFILL,
        params={"days": 30}, state=BulkRun.State.QUEUED,
    )  # fmt: skip


@pytest.mark.django_db
def test_a_passing_fault_puts_the_run_back_in_the_queue_saying_when(
    store_connection, vendor_server
):
    vendor_server.answer(PROXY_PAGE)  # a proxy's page where JSON was expected: usually passes
    run = backfill(store_connection)

    wait = bulk_run_step(run.pk, backfill_run)

    run.refresh_from_db()
    assert wait is not None and wait >= 60
    assert run.state == BulkRun.State.QUEUED and run.params["tries"] == 1
    assert run.message.startswith("Waiting: BigCommerce") and "Trying again at" in run.message


@pytest.mark.django_db
def test_a_refusal_stops_the_run_with_the_reason(store_connection, vendor_server):
    vendor_server.answer(REFUSED)
    run = backfill(store_connection)

    assert bulk_run_step(run.pk, backfill_run) is None

    run.refresh_from_db()
    assert run.state == BulkRun.State.FAILED and run.finished_at is not None
    assert "required scope" in run.message and "activate it again" in run.message


@pytest.mark.django_db
def test_a_fault_that_does_not_pass_stops_the_run_after_its_last_try(
    store_connection, vendor_server
):
    vendor_server.answer(PROXY_PAGE)
    run = backfill(store_connection)
    waits = [bulk_run_step(run.pk, backfill_run) for _ in range(BULK_RUN_ATTEMPTS)]
    assert all(waits[:-1]) and waits[-1] is None
    run.refresh_from_db()
    assert run.state == BulkRun.State.FAILED
    assert run.message.startswith(f"Stopped after {BULK_RUN_ATTEMPTS} tries:")


@pytest.mark.django_db
def test_a_customer_pull_that_stopped_runs_again_on_the_next_activation(
    store_connection, vendor_server
):
    vendor_server.answer(REFUSED)
    run = customers_pull_start(connection=store_connection)
    bulk_run_step(run.pk, customers_pull_run)
    assert BulkRun.objects.get(pk=run.pk).state == BulkRun.State.FAILED
    again = customers_pull_start(connection=store_connection)
    assert again is not None and again.pk != run.pk
    assert customers_pull_start(connection=store_connection) is None  # while that one stands
