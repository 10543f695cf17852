"""Our own Redis (the shared rate budgets) stopped while orders are syncing: the jobs wait and
try again, never FAILED and never charged an attempt; Redis back, empty, and every order becomes
exactly one MYOB invoice. A real worker whose REDIS_URL is a Redis of the test's own (the broker
stays the suite's), the sandboxes over HTTP."""

import itertools

import pytest
from django.conf import settings

from sandbox.bigcommerce.services import place_test_order
from sandbox.myob.services import faults_set
from sync.models import JobState, SyncAttempt, SyncJob
from tenants.services import connection_activate
from tests.support.myob_sandbox import invoices, myob_shop, myob_worker_env
from tests.support.redis_server import PrivateRedis
from tests.support.worker import WorkerProcess, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.postgres]
_names = itertools.count(1)
ORDERS = 6
UNREACHABLE = "ml-connector's rate budget store (Redis) is unreachable"


@pytest.fixture
def private_redis():
    server = PrivateRedis().start()
    yield server
    server.close()


@pytest.fixture
def shop_on_private_redis(live_server, tenant, myob_key, private_redis):
    store, connection, business = myob_shop(
        live_server, tenant, myob_key, name=f"redisout{next(_names)}"
    )
    faults_set(business, fault_latency_ms=300)  # runs overlap the outage
    env = {
        **myob_worker_env(live_server),
        "REDIS_URL": private_redis.url,
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
    }
    worker = WorkerProcess(extra_env=env).start()
    try:
        yield store, connection_activate(connection=connection), business
    finally:
        worker.stop()


def no_job_failed(jobs):
    failed = list(jobs.filter(state=JobState.FAILED).values_list("source_id", "last_error"))
    assert not failed, f"jobs failed during our own outage: {failed}"


def test_a_redis_outage_makes_jobs_wait_and_an_empty_redis_lets_every_order_post_once(
    shop_on_private_redis, private_redis
):
    store, connection, business = shop_on_private_redis
    orders = [
        place_test_order(store, items=[("PACK-30L", 1)], customer=store.customers.first())
        for _ in range(ORDERS)
    ]
    jobs = SyncJob.objects.filter(connection=connection, kind="order")
    wait_until(lambda: jobs.count() == ORDERS, timeout=30, message="not every order got a job")
    wait_until(lambda: len(invoices(business)) >= 1, timeout=40, interval=0.05)
    private_redis.stop()

    def waiting_plainly():
        no_job_failed(jobs)
        unfinished = jobs.exclude(state=JobState.SUCCEEDED)
        return (
            unfinished.exists()
            and not unfinished.exclude(state=JobState.PENDING).exists()
            and all(
                UNREACHABLE in error for error in unfinished.values_list("last_error", flat=True)
            )
        )

    wait_until(waiting_plainly, timeout=30, message="the jobs did not wait with a plain message")
    # They keep trying while Redis is down (each try an attempt row), still waiting.
    waiting = jobs.exclude(state=JobState.SUCCEEDED)
    tries = SyncAttempt.objects.filter(job__in=waiting).count()
    wait_until(lambda: SyncAttempt.objects.filter(job__in=waiting).count() > tries + 1, timeout=30)
    no_job_failed(jobs)
    message = waiting.first().last_error
    print(f"\nwhile Redis is down: {message}")
    assert "tries again" in message

    private_redis.start()  # empty: every budget and cached reference is gone
    wait_until(
        lambda: jobs.filter(state=JobState.SUCCEEDED).count() == ORDERS,
        timeout=90,
        message="not every order synced after Redis came back",
    )
    no_job_failed(jobs)
    posted = sorted(i.data["CustomerPurchaseOrderNumber"] for i in invoices(business))
    assert posted == sorted(f"BC-{o.pk}" for o in orders)
    # Waiting for our own infrastructure is not the order's fault: no attempt was charged.
    assert set(jobs.values_list("attempts", flat=True)) == {1}
