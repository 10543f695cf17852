"""Webhook intake never waits behind ERP work: the workers run as Procfile.dev starts them, one
tenant's burst keeps every sync thread busy on a slow MYOB, and another tenant's signed webhook
still becomes a queued job within a couple of seconds. Real workers, both sandboxes over real
HTTP, on PostgreSQL and Redis and on SQLite and the file broker."""

import time

import pytest

from sandbox.bigcommerce.delivery import attempt
from sandbox.bigcommerce.models import BcDelivery
from sandbox.bigcommerce.services import place_test_order
from sandbox.myob.models import MyobBusiness
from sandbox.myob.services import faults_set
from sync.models import JobState, SyncJob
from tenants.services import connection_activate
from tests.myob.test_fairness import hand_over, tenant_on_myob
from tests.support.myob_sandbox import myob_shop, myob_worker_env
from tests.support.worker import WorkerProcess, procfile_worker_queues, wait_until
from webhooks.models import EventState, InboundEvent

pytestmark = [pytest.mark.worker, pytest.mark.embedded]
BACKLOG = 12
MYOB_LATENCY_MS = 2500  # each of the big tenant's MYOB calls: a sync job holds its thread ~10 s
INTAKE_WITHIN = 3.0  # seconds from the store's 200 to the job being queued


def test_a_webhook_is_taken_in_within_seconds_while_every_sync_thread_waits_on_myob(
    live_server, myob_key, tenant
):
    store, connection, _ = myob_shop(live_server, tenant, myob_key, name="intake")
    big_store, big = tenant_on_myob(live_server, myob_key)
    faults_set(
        MyobBusiness.objects.get(uid=big.erp_settings["business_id"]),
        fault_latency_ms=MYOB_LATENCY_MS,
    )
    env = myob_worker_env(live_server)
    layout = procfile_worker_queues()
    assert any("webhooks" in queues for queues in layout), layout
    workers = []
    try:
        for queues in layout:  # the first start purges the queues, the others join it
            workers.append(WorkerProcess(queues=queues, extra_env=env).start(purge=not workers))
        connection = connection_activate(connection=connection)
        backlog = hand_over(big_store, big, BACKLOG)
        running = SyncJob.objects.filter(pk__in=backlog, state=JobState.RUNNING)
        wait_until(
            lambda: running.count() >= 2,
            timeout=30,
            message="the big tenant's jobs did not occupy the sync threads",
        )

        order = place_test_order(store, items=[("TENT-2P", 1)], customer=store.customers.first())
        deliveries = BcDelivery.objects.filter(hook__store=store)
        for delivery in list(deliveries):  # sent now: the store's own sender is a worker task
            attempt(delivery.pk)
        answered = time.monotonic()
        answers = [d.attempts[-1]["status"] if d.attempts else None for d in deliveries.all()]
        assert answers and all(200 <= (status or 0) < 300 for status in answers), answers

        event = InboundEvent.objects.filter(connection=connection, resource_id=str(order.pk))
        job = SyncJob.objects.filter(connection=connection, kind="order", source_id=str(order.pk))
        wait_until(
            lambda: event.filter(state=EventState.PROCESSED).exists() and job.exists(),
            timeout=60,
            interval=0.05,
            message="the small tenant's webhook was never turned into a job",
        )
        took = time.monotonic() - answered
        busy = SyncJob.objects.filter(pk__in=backlog).exclude(
            state__in=[JobState.SUCCEEDED, JobState.FAILED]
        )
        print(
            f"webhook -> job queued in {took:.2f} s; {busy.count()} of the {BACKLOG} backlog "
            f"jobs still unfinished"
        )
        assert took <= INTAKE_WITHIN, f"the event waited {took:.1f} s behind the sync jobs"
        assert busy.exists(), "the backlog had drained: the test proved nothing"
    finally:
        for worker in workers:
            worker.stop()
