"""Run messages lost with the broker are replaced at the sweeper's next pass, even while new orders
keep runs starting: the sweeper tops the sync queue up to the number of due jobs. The broker is a
private redis-server the test restarts empty; the web process, worker and beat are real processes
on it, and the store the sandbox over HTTP."""

import time

import pytest
from django.db.models import Min
from django.utils import timezone

from sandbox.bigcommerce.services import place_test_order, store_create
from sync.models import SyncAttempt, SyncJob
from tenants.models import ConnectionStatus
from tests.factories import ConnectionFactory
from tests.support.fake_erp import KIND, ledger
from tests.support.outage import BeatProcess, WebProcess, broker_env, queued
from tests.support.worker import WorkerProcess, jobs_settled, wait_until
from tests.webhooks.test_broker_outage import broker, processes, send_webhook  # noqa: F401

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres, pytest.mark.worker]

BOUND = 30  # seconds from the broker's return (or a later order's arrival) to the job's first run
BEFORE = 10  # orders whose run messages wait on the broker when it restarts
AFTER = 16  # orders arriving after it returns, runs starting all the while
ARRIVAL_EVERY = 1.25  # seconds: below the worker's pace, so no backlog of their own


@pytest.fixture
def shop(live_server, tenant):
    """A slow sandbox store (each read 400 ms, so a backlog forms) joined to the fake ERP; its own
    hooks are not registered, so the only webhooks are the ones the test sends."""
    store = store_create(f"lost{time.monotonic_ns() % 10**12}", quota=100_000, fault_latency_ms=400)
    connection = ConnectionFactory(
        tenant=tenant, store_hash=store.store_hash, erp_kind=KIND, status=ConnectionStatus.ACTIVE,
        bc_api_url=f"{live_server.url}/sandbox/bigcommerce",
        bc_access_token=store.access_token, bc_client_secret=store.client_secret,
    )  # fmt: skip
    erp = ledger(connection.pk)
    erp.clear()
    orders = [place_test_order(store, items=[("MUG-STEEL", 1)]) for _ in range(BEFORE + AFTER)]
    yield connection, orders, erp
    erp.clear()


def test_run_messages_lost_with_the_broker_are_replaced_while_orders_keep_coming(
    broker,  # noqa: F811
    shop,
    processes,  # noqa: F811
    tmp_path,
):
    connection, orders, erp = shop
    env = broker_env(broker)
    web = processes(WebProcess(tmp_path, env))
    processes(WorkerProcess(extra_env=env))
    sweeps = ["sync.tasks.dispatch_due_jobs", "webhooks.tasks.sweep_stuck_events"]
    processes(BeatProcess(tmp_path, sweeps, env))
    jobs = SyncJob.objects.filter(connection=connection)

    for order in orders[:BEFORE]:
        send_webhook(web, connection, order.pk)
    wait_until(lambda: jobs.count() == BEFORE, timeout=30, message="not every order got a job")
    waiting = queued(broker, "sync")
    assert waiting >= 3, f"only {waiting} run messages on the broker: no backlog to lose"
    broker.stop()  # with the backlog's run messages
    time.sleep(2)  # the outage itself, not a proof
    broker.start()  # empty
    back = timezone.now()
    for order in orders[BEFORE:]:  # new orders keep coming: runs keep starting
        send_webhook(web, connection, order.pk)
        time.sleep(ARRIVAL_EVERY)  # the arrivals' pace, not a proof
    wait_until(
        jobs_settled(connection, len(orders)), timeout=150, interval=0.5,
        message=f"{jobs.count()} jobs, not every order synced",
    )  # fmt: skip

    first_runs = dict(
        SyncAttempt.objects.filter(job__in=jobs)
        .values_list("job_id")
        .annotate(first=Min("started_at"))
    )
    waits = sorted(
        ((first_runs[job.pk] - max(back, job.created_at)).total_seconds(), job.pk) for job in jobs
    )
    print(
        f"\n{waiting} run messages lost; first run after the broker's return (or the order's "
        f"arrival): p50 {waits[len(waits) // 2][0]:.1f} s, max {waits[-1][0]:.1f} s; "
        f"the five longest {[round(w, 1) for w, _ in waits[-5:]]}"
    )
    assert waits[-1][0] < BOUND, f"job {waits[-1][1]} waited {waits[-1][0]:.1f} s for its first run"
    assert erp.orders() == {str(o.pk): 1 for o in orders}  # each order once, nothing else
