"""The sandbox store's webhook sender survives the app's broker restarting empty, as
BigCommerce's own sender (which does not share our broker) would: orders placed while the broker
is down, and orders whose delivery messages were queued and then lost with it, still reach the
app as signed webhooks, each once. The broker is a private redis-server; the web process (intake
and the sandbox store), the worker, beat and the shopper placing orders are real processes."""

import subprocess
import sys
import threading
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from config.schedule import PERIODIC_TASKS, periodic_tasks
from connectors.registry import erp_periodic_tasks
from sandbox.bigcommerce.delivery import attempt, overdue_delivery_ids
from sandbox.bigcommerce.models import BcDelivery, BcOrder
from sandbox.bigcommerce.services import store_create
from sandbox.bigcommerce.tasks import send_due_deliveries
from sync.models import JobState, SyncJob
from tenants.services import connection_activate
from tests.factories import ConnectionFactory
from tests.support.fake_erp import KIND, ledger
from tests.support.outage import BeatProcess, WebProcess, broker_env, process_env, queued
from tests.support.redis_server import PrivateRedis
from tests.support.worker import ROOT, WorkerProcess, jobs_settled, wait_until
from webhooks.models import EventState, InboundEvent

SWEEP = "sandbox.bigcommerce.tasks.send_due_deliveries"


@pytest.fixture
def broker():
    redis = PrivateRedis().start()
    yield redis
    redis.close()


def place_orders(store, broker, count: int) -> None:
    """A shopper at the sandbox store, in a process of its own on the private broker."""
    subprocess.run(
        [sys.executable, "manage.py", "sandbox_orders", "--store", store.store_hash,
         "--count", str(count)],
        cwd=ROOT, env=process_env(broker_env(broker)), capture_output=True, timeout=120,
    )  # fmt: skip


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_orders_placed_during_a_broker_outage_reach_the_app_as_webhooks(
    broker, tenant, settings, tmp_path
):
    web = WebProcess(tmp_path, broker_env(broker)).start()
    beat = worker = None
    try:
        settings.PUBLIC_BASE_URL = web.url  # where the store's hooks send
        store = store_create(f"sbxout{time.monotonic_ns() % 10**8}", quota=100_000)
        connection = ConnectionFactory(
            tenant=tenant, store_hash=store.store_hash, erp_kind=KIND,
            bc_api_url=f"{web.url}/sandbox/bigcommerce",
            bc_access_token=store.access_token, bc_client_secret=store.client_secret,
        )  # fmt: skip
        erp = ledger(connection.pk)
        erp.clear()
        connection = connection_activate(connection=connection)
        beat = BeatProcess(tmp_path, [SWEEP], broker_env(broker)).start()

        place_orders(store, broker, 3)  # no worker yet: their deliveries wait on the broker ...
        assert queued(broker, "default") >= 3  # and perhaps a sweep from beat
        broker.stop()  # ... and are lost with it
        place_orders(store, broker, 3)  # placed while the broker is down
        orders = list(BcOrder.objects.filter(store=store))
        assert len(orders) == 6, "an order could not be placed while the broker was down"
        worker = WorkerProcess(extra_env=broker_env(broker))
        booting = threading.Thread(target=worker.start)
        booting.start()
        broker.start()
        back = time.monotonic()

        events = InboundEvent.objects.filter(connection=connection)
        wait_until(
            lambda: events.filter(state=EventState.PROCESSED).count() >= len(orders),
            timeout=60,
            message=f"{events.count()} of {len(orders)} orders' webhooks arrived",
        )
        print(
            f"\nwebhooks of every order processed {time.monotonic() - back:.1f} s after the return"
        )
        booting.join()
        deliveries = BcDelivery.objects.filter(hook__store=store)
        assert {d.state for d in deliveries} == {"delivered"}
        assert all(len(d.attempts) == 1 for d in deliveries)  # each sent once
        assert sorted(events.values_list("resource_id", flat=True)) == sorted(
            str(o.pk) for o in orders
        )
        wait_until(jobs_settled(connection, len(orders)), timeout=60, message="not all synced")
        jobs = SyncJob.objects.filter(connection=connection)
        assert {job.state for job in jobs} == {JobState.SUCCEEDED}
        assert erp.orders() == {str(o.pk): 1 for o in orders}
    finally:
        for process in (worker, beat, web):
            if process is not None:
                process.stop()


@pytest.fixture
def hooked_store(db):
    from sandbox.bigcommerce.models import BcHook

    store = store_create(f"sbxdue{time.monotonic_ns() % 10**8}")
    hook = BcHook.objects.create(
        store=store, scope="store/order/*", destination="http://127.0.0.1:9/", is_active=True
    )
    return store, hook


def _delivery(hook, **fields) -> BcDelivery:
    return BcDelivery.objects.create(
        hook=hook, message_id=f"msg_{time.monotonic_ns()}", body="{}", **fields
    )


@pytest.mark.embedded
def test_the_sweep_sends_only_deliveries_overdue_on_bigcommerces_schedule(hooked_store, settings):
    _, hook = hooked_store
    now = timezone.now()
    lost = _delivery(hook, next_attempt_at=now - timedelta(seconds=11))
    fresh = _delivery(hook, next_attempt_at=now)  # its message is on its way
    retry_later = _delivery(hook, next_attempt_at=now + timedelta(seconds=170))
    _delivery(hook, state="delivered", next_attempt_at=now - timedelta(hours=1))
    _delivery(hook, state="abandoned", next_attempt_at=now - timedelta(hours=1))
    assert overdue_delivery_ids() == [lost.pk]
    assert {fresh.pk, retry_later.pk}.isdisjoint(overdue_delivery_ids())

    # A failed attempt waits BigCommerce's first retry delay before it is due again.
    settings.SANDBOX_BC_DELIVERY_TIMEOUT = 1
    assert attempt(lost.pk) == 60  # nothing listens on port 9
    lost.refresh_from_db()
    assert len(lost.attempts) == 1
    assert timedelta(seconds=59) < lost.next_attempt_at - timezone.now() <= timedelta(seconds=60)
    assert attempt(lost.pk) is None  # not due: a late message does not send it again
    assert len(BcDelivery.objects.get(pk=lost.pk).attempts) == 1
    assert send_due_deliveries.run() == 0


@pytest.mark.django_db
def test_the_sandbox_sweep_is_in_beat_only_where_the_sandbox_is_served(settings):
    ours = PERIODIC_TASKS + erp_periodic_tasks()
    settings.SANDBOX_ENABLED = True
    # The sandbox store's sweep, and each sandbox system's own (Business Central's sender).
    assert [p.task for p in periodic_tasks() if p not in ours] == [
        SWEEP,
        "sandbox.business_central.tasks.send_notifications",
    ]
    settings.SANDBOX_ENABLED = False
    assert periodic_tasks() == ours
