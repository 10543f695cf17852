"""When a job runs: a wait for our own rate budget is not an attempt, a job never starts before it
is due, and one job has at most one run message on its way (the sweeper replaces only lost ones, by count).
"""

import time
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from connectors import ratelimit
from sync.dispatch import job_dispatch, waiting_run_messages
from sync.jobs import MAX_ATTEMPTS, job_request, job_run
from sync.models import JobState, Lane, SyncAttempt, SyncJob
from sync.tasks import dispatch_due_jobs, sync_job
from tests.pipeline.test_jobs import order_job, shop  # noqa: F401 - the fixture
from tests.support.broker import take_queued
from tests.support.sweeper import Sweeper
from tests.support.worker import WorkerProcess

pytestmark = pytest.mark.embedded  # on PostgreSQL and on SQLite


@pytest.fixture
def shop_budget(shop):  # noqa: F811
    """The shop, with our rate budget for its store starting free and left free (store names
    repeat from one test run to the next; the budget lives in Redis)."""
    store = shop[0]
    free_store_budget(store)
    yield shop
    free_store_budget(store)


def spend_store_budget(store, seconds: float) -> None:
    """Our budget for the store is spent for `seconds` (as after BigCommerce said 0 left)."""
    ratelimit.limiter().block_until(f"bigcommerce:{store.store_hash}", time.time() + seconds)


def free_store_budget(store) -> None:
    ratelimit.limiter().reset(f"bigcommerce:{store.store_hash}")


def queued_runs_of(job) -> int:
    return sum(
        1 for task, args in take_queued("sync") if task.endswith("sync_job") and args == [job.pk]
    )


def move_back(job, seconds: float, *fields) -> None:
    """Time passes for the job: its schedule moves `seconds` into the past."""
    job.refresh_from_db()
    changes = {name: getattr(job, name) - timedelta(seconds=seconds) for name in fields}
    SyncJob.objects.filter(pk=job.pk).update(**changes)


def test_a_budget_wait_is_not_an_attempt_and_never_exhausts_the_job(shop_budget):
    store, connection, erp = shop_budget
    job = order_job(store, connection)
    spend_store_budget(store, 3600)
    for _ in range(MAX_ATTEMPTS + 4):
        before = timezone.now()
        job_run(job.pk, trigger="retry")
        job.refresh_from_db()
        assert (job.state, job.attempts) == (JobState.PENDING, 0), job.last_error
        # The exact wait the budget named (a small jitter only), not an exponential step.
        wait = (job.next_attempt_at - before).total_seconds()
        assert 3590 <= wait <= 3605, wait
        assert job.last_error.startswith("Waiting for the store's API budget (BigCommerce allows")
        assert f"starts at {job.next_attempt_at:%H:%M:%S} UTC" in job.last_error
        assert job_run(job.pk, trigger="early message") is None  # not due yet: nothing starts
        move_back(job, 3600, "next_attempt_at")
    free_store_budget(store)
    assert job_run(job.pk, trigger="retry").state == JobState.SUCCEEDED
    job.refresh_from_db()
    assert job.attempts == 1 and erp.creates() == 1
    assert SyncAttempt.objects.filter(job=job).count() == MAX_ATTEMPTS + 5


def test_one_run_message_per_job_and_the_sweeper_replaces_only_lost_ones(shop_budget):
    store, connection, _ = shop_budget
    take_queued("sync")
    job = order_job(store, connection)
    with transaction.atomic():
        job_dispatch(job.pk, trigger="webhook")  # noted: its message is on its way
    assert queued_runs_of(job) == 1  # taken: the test runs the task itself
    spend_store_budget(store, 30)
    sync_job(job.pk, trigger="webhook")  # its re-queue goes to the broker
    assert waiting_run_messages() == 1  # the countdown message for the budget's time

    # The wait is over and the message waits, long overdue (as behind a long backlog): the
    # sweeper adds nothing, however often it passes.
    move_back(job, 60, "next_attempt_at")
    move_back(job, 31 + 60, "queued_for")
    for _ in range(3):
        dispatch_due_jobs()
    assert queued_runs_of(job) == 1  # taken off the broker here: lost, as in a restart
    for _ in range(3):
        dispatch_due_jobs()
    assert queued_runs_of(job) == 1  # replaced, once
    SyncJob.objects.filter(pk=job.pk).update(state=JobState.SUCCEEDED)

    # A backlog, each job with its message waiting: sweeping never swells the queue ...
    backlog = [order_job(store, connection) for _ in range(4)]
    for queued in backlog:
        with transaction.atomic():
            job_dispatch(queued.pk, trigger="webhook")
    for _ in range(3):
        dispatch_due_jobs()
    assert waiting_run_messages() == 4
    # ... nor when messages outnumber the due jobs (one ran on another's message).
    SyncJob.objects.filter(pk=backlog[0].pk).update(state=JobState.SUCCEEDED)
    for _ in range(3):
        dispatch_due_jobs()
    assert waiting_run_messages() == 4
    # The broker restarts empty: the next pass sends one message for each due job.
    take_queued("sync")
    for _ in range(3):
        dispatch_due_jobs()
    sent = sorted(args[0] for task, args in take_queued("sync") if task.endswith("sync_job"))
    assert sent == sorted(queued.pk for queued in backlog[1:])

    # A webhook and its redelivery ask for a run of a new order twice: one message.
    order = order_job(store, connection)
    with transaction.atomic():
        for _ in range(2):
            queued, needs_run = job_request(
                connection=connection, kind="order", source_id=order.source_id, trigger="webhook"
            )
            if needs_run:
                job_dispatch(queued.pk, trigger="webhook")
    assert queued_runs_of(order) == 1


def test_within_a_tenant_a_live_order_runs_before_an_older_backfill_one(shop_budget):
    store, connection, erp = shop_budget
    backfill = order_job(store, connection)
    SyncJob.objects.filter(pk=backfill.pk).update(lane=Lane.BACKFILL)
    live = order_job(store, connection)
    first = job_run(backfill.pk, trigger="poll", fair=True)  # the backfill's own message
    second = job_run(live.pk, trigger="webhook", fair=True)
    assert (first.job_id, second.job_id) == (live.pk, backfill.pk)
    assert erp.creates() == 2


def test_a_run_message_reaches_a_dead_run_behind_a_backlog(shop_budget):
    """A run message runs the fairest job, so the one the sweeper sends for a dead run (its
    lease lapsed) may run another: the dead run must be among the choices, or a backlog of due
    jobs would keep it waiting until the backlog is gone."""
    store, connection, erp = shop_budget
    dead = order_job(store, connection)
    now = timezone.now()
    SyncJob.objects.filter(pk=dead.pk).update(
        state=JobState.RUNNING, attempts=1, lease_owner="a worker that died",
        started_at=now - timedelta(minutes=1), lease_expires_at=now - timedelta(seconds=1),
    )  # fmt: skip
    backlog = [order_job(store, connection) for _ in range(3)]
    result = job_run(backlog[-1].pk, trigger="webhook", fair=True)
    assert (result.job_id, result.state) == (dead.pk, JobState.SUCCEEDED)
    assert erp.creates() == 1


@pytest.mark.worker
def test_a_job_waiting_on_the_budget_runs_once_per_due_time_with_the_sweeper_running(shop_budget):
    store, connection, erp = shop_budget
    job = order_job(store, connection)
    worker = WorkerProcess().start()
    try:
        waits = []  # the due time each budget wait announced
        spend_store_budget(store, 6)
        with transaction.atomic():
            job_dispatch(job.pk, trigger="webhook")
        deadline = time.time() + 60
        with Sweeper():  # at its real cadence, and below at every look besides
            while time.time() < deadline:
                dispatch_due_jobs()
                job.refresh_from_db()
                if job.state == JobState.SUCCEEDED:
                    break
                if (
                    job.state == JobState.PENDING
                    and job.next_attempt_at
                    and (not waits or job.next_attempt_at != waits[-1])
                ):
                    waits.append(job.next_attempt_at)
                    if len(waits) == 1:  # the budget is taken again just as this wait ends
                        spend_store_budget(store, job.next_attempt_at.timestamp() - time.time() + 6)
                time.sleep(0.1)
    finally:
        worker.stop()
    assert job.state == JobState.SUCCEEDED, job.last_error
    runs = list(SyncAttempt.objects.filter(job=job).order_by("started_at", "id"))
    print("budget waits due at", [f"{w:%H:%M:%S.%f}" for w in waits])
    print("runs started at", [f"{r.started_at:%H:%M:%S.%f}" for r in runs])
    assert len(waits) == 2 and len(runs) == 3, (waits, [r.started_at for r in runs])
    for due, run in zip(waits, runs[1:], strict=True):
        assert run.started_at >= due - timedelta(seconds=0.5), (due, run.started_at)
    assert job.attempts == 1 and erp.creates() == 1


def test_waiting_for_another_jobs_turn_at_the_same_customer_is_not_an_attempt(
    shop_budget, monkeypatch
):
    """The shopper's find-or-create claim is held by another job (say a worker that froze with
    it): this job waits its turn, and however often that happens it never exhausts the job."""
    from sync import claims
    from sync.models import FindOrCreateClaim

    store, connection, erp = shop_budget
    job = order_job(store, connection)
    monkeypatch.setattr(claims, "WAIT_AT_MOST", 0.2)  # the claim's patience, not its behaviour
    order = store.orders.get(pk=job.source_id)
    shopper = {order.billing_address["email"].lower()}
    if order.customer:
        shopper |= {order.customer.email.lower(), f"bc:{order.customer.pk}"}
    for identity in shopper:  # whichever the pipeline goes by, it is held
        FindOrCreateClaim.objects.create(
            key=f"{connection.pk}:{identity}",
            holder="another-job",
            expires_at=timezone.now() + timedelta(hours=1),
        )
    for _ in range(MAX_ATTEMPTS + 2):
        job_run(job.pk, trigger="retry")
        job.refresh_from_db()
        assert (job.state, job.attempts) == (JobState.PENDING, 0), job.last_error
        assert "waits its turn, so the customer is not created twice" in job.last_error
        assert f"starts at {job.next_attempt_at:%H:%M:%S} UTC" in job.last_error
        move_back(job, 60, "next_attempt_at")
    FindOrCreateClaim.objects.all().delete()
    assert job_run(job.pk, trigger="retry").state == JobState.SUCCEEDED
    job.refresh_from_db()
    assert job.attempts == 1 and erp.creates() == 1
