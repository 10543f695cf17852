"""A worker that dies or freezes mid-job: the job is taken over within a minute by another worker,
and the frozen one, once it wakes, sends nothing more to the ERP. Real workers, the sandbox MYOB
over HTTP with its latency fault (so a run is reliably under way), the sweeper at its configured
cadence."""

import itertools
import os
import signal
import time

import pytest
from django.utils import timezone

from audit.models import ApiCall
from sandbox.bigcommerce.services import place_test_order
from sandbox.myob.services import faults_set
from sync.dispatch import job_dispatch
from sync.jobs import job_request
from sync.models import JobState, SyncAttempt, SyncJob
from tenants.services import connection_activate
from tests.support.myob_sandbox import invoices, myob_shop, myob_worker_env
from tests.support.sweeper import Sweeper
from tests.support.worker import WorkerProcess, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.embedded]
_names = itertools.count(1)
UNSAFE = ("POST", "PUT", "PATCH", "DELETE")
LATENCY_MS = 1500  # every MYOB call: a run takes several seconds
BACKLOG = 30  # orders after the killed one: about 100 s of work for the other worker


@pytest.fixture
def worker_lease_seconds():
    """The workers' lease: the product's default unless a test asks for a shorter one."""
    return None


@pytest.fixture
def slow_shop(live_server, tenant, myob_key, worker_lease_seconds):
    """An active store → MYOB connection whose company file answers slowly, and worker A
    (started); the test starts worker B when it needs it."""
    store, connection, business = myob_shop(
        live_server, tenant, myob_key, name=f"deadrun{next(_names)}"
    )
    faults_set(business, fault_latency_ms=LATENCY_MS)
    env = myob_worker_env(live_server)
    if worker_lease_seconds:
        env["SYNC_LEASE_SECONDS"] = str(worker_lease_seconds)
    first = WorkerProcess(extra_env=env).start()
    second = WorkerProcess(extra_env=env)
    try:
        yield store, connection_activate(connection=connection), business, first, second
    finally:
        if first.proc and first.proc.poll() is None:
            os.kill(first.proc.pid, signal.SIGCONT)
        first.stop()
        if second.proc:
            second.stop()


def job_mid_run(store, connection) -> SyncJob:
    """Places an order and waits until its job is running and past its first MYOB calls."""
    order = place_test_order(store, items=[("TENT-2P", 1)], customer=store.customers.first())
    wait_until(
        lambda: ApiCall.objects.filter(
            sync_job__connection=connection, sync_job__source_id=str(order.pk), system="myob"
        ).exists(),
        timeout=40,
        interval=0.05,
        message="the order's job never reached MYOB",
    )
    job = SyncJob.objects.get(connection=connection, kind="order", source_id=str(order.pk))
    assert job.state == JobState.RUNNING
    return job


def test_a_run_killed_mid_job_is_finished_by_another_worker_within_a_minute(slow_shop):
    store, connection, business, first, second = slow_shop
    job = job_mid_run(store, connection)
    second.start(purge=False)
    with Sweeper():
        os.kill(first.proc.pid, signal.SIGKILL)
        first.proc.wait(timeout=10)
        killed_at = time.monotonic()
        faults_set(business, fault_latency_ms=0)
        wait_until(
            lambda: SyncJob.objects.get(pk=job.pk).state == JobState.SUCCEEDED,
            timeout=90,
            interval=0.1,
            message="the killed run was never taken over",
        )
        taken_over_in = time.monotonic() - killed_at
    print(f"\nkilled run finished by another worker {taken_over_in:.1f} s after the kill")
    assert taken_over_in < 60
    assert len(invoices(business)) == 1


def test_a_run_killed_during_a_backlog_is_taken_over_before_the_backlog_drains(slow_shop):
    """A free run slot takes the dead run as soon as its lease lapses, ahead of the orders that
    came after it (they would take the other worker over a minute and a half)."""
    store, connection, business, first, second = slow_shop
    job = job_mid_run(store, connection)
    for _ in range(BACKLOG):  # as a catch-up poll finds them: a job each, queued at once
        order = place_test_order(store, items=[("MUG-STEEL", 1)], customer=store.customers.first())
        job_request(connection=connection, kind="order", source_id=str(order.pk), trigger="poll")
        job_dispatch(
            SyncJob.objects.get(connection=connection, source_id=str(order.pk)).pk, trigger="poll"
        )
    jobs = SyncJob.objects.filter(connection=connection, kind="order")
    second.start(purge=False)
    with Sweeper():
        os.kill(first.proc.pid, signal.SIGKILL)
        first.proc.wait(timeout=10)
        killed_at = time.monotonic()
        wait_until(
            lambda: SyncJob.objects.get(pk=job.pk).state == JobState.SUCCEEDED,
            timeout=120,
            interval=0.1,
            message="the killed run was never taken over",
        )
        taken_over_in = time.monotonic() - killed_at
        still_waiting = jobs.exclude(state=JobState.SUCCEEDED).count()
    print(
        f"\nkilled run finished {taken_over_in:.1f} s after the kill, {still_waiting} jobs behind"
    )
    assert taken_over_in < 60 and still_waiting > 0
    reference = f"BC-{job.source_id}"
    assert [i.data["CustomerPurchaseOrderNumber"] for i in invoices(business)].count(reference) == 1


@pytest.mark.skipif(
    os.environ.get("TEST_BACKEND") == "embedded",
    reason="SQLite: a worker stopped while it holds the database file's lock stalls every "
    "writer, so no other worker can take over until it wakes; the fence is the same code on "
    "both backends and is proven on PostgreSQL",
)
def test_a_frozen_worker_past_its_lease_sends_nothing_after_it_wakes(slow_shop):
    store, connection, business, first, second = slow_shop
    job = job_mid_run(store, connection)
    # Freeze A after its invoice search found nothing: its next write would be the invoice.
    wait_until(
        lambda: ApiCall.objects.filter(sync_job=job, operation="sale.invoice.list").exists(),
        timeout=40,
        interval=0.05,
    )
    os.kill(first.proc.pid, signal.SIGSTOP)
    faults_set(business, fault_latency_ms=0)
    second.start(purge=False)
    with Sweeper():
        wait_until(
            lambda: SyncJob.objects.get(pk=job.pk).state == JobState.SUCCEEDED,
            timeout=90,
            interval=0.1,
            message="the frozen run was never taken over",
        )
    document = SyncJob.objects.get(pk=job.pk).erp_document_id
    resumed_at = timezone.now()
    os.kill(first.proc.pid, signal.SIGCONT)
    # A's run ends (its attempt is closed) without another write.
    wait_until(
        lambda: not SyncAttempt.objects.filter(job=job, finished_at__isnull=True).exists(),
        timeout=60,
        message="the resumed worker never ended its run",
    )
    assert SyncAttempt.objects.filter(job=job).count() == 2
    assert "lease lost, not sending" in first.output(), "the resumed run never reached a write"
    late_writes = ApiCall.objects.filter(created_at__gte=resumed_at, method__in=UNSAFE)
    assert list(late_writes.values_list("method", "operation")) == []
    assert len(invoices(business)) == 1
    job.refresh_from_db()
    assert (job.state, job.erp_document_id) == (JobState.SUCCEEDED, document)


@pytest.mark.parametrize("worker_lease_seconds", [3])
def test_a_run_longer_than_its_lease_keeps_it_and_is_never_taken_over(slow_shop):
    """The heartbeat renews the lease while the run lives: with a 3-second lease, a run of
    several leases is never handed to the other worker by the sweeper."""
    store, connection, business, _, second = slow_shop
    second.start(purge=False)
    with Sweeper():
        job = job_mid_run(store, connection)
        wait_until(
            lambda: SyncJob.objects.get(pk=job.pk).state == JobState.SUCCEEDED,
            timeout=90,
            message="the run did not finish",
        )
    job.refresh_from_db()
    ran_for = (job.finished_at - job.started_at).total_seconds()
    print(f"\none run of {ran_for:.1f} s under a 3 s lease")
    assert ran_for > 3 * 3, "the run was too short to need its lease renewed"
    assert SyncAttempt.objects.filter(job=job).count() == 1 and job.attempts == 1
    assert len(invoices(business)) == 1
