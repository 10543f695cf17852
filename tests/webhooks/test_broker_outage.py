"""Signed webhooks accepted while the broker is down are processed within seconds of its return,
each exactly once: by the web process's own hand-over while it runs, by the sweeper when it does
not. The broker is a private redis-server the test stops and restarts empty; the web process is
gunicorn, the worker and beat real processes, and the store the sandbox over HTTP."""

import json
import threading
import time

import pytest
import requests

from sandbox.bigcommerce.services import place_test_order, store_create
from sync.models import JobState, SyncJob
from tenants.models import ConnectionStatus
from tests.factories import ConnectionFactory
from tests.support.fake_erp import KIND, ledger
from tests.support.outage import BeatProcess, WebProcess, broker_env, queued
from tests.support.redis_server import PrivateRedis
from tests.support.worker import WorkerProcess, jobs_settled, wait_until
from tests.webhooks.test_intake import signed_headers, stub
from webhooks.models import EventState, InboundEvent

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]

BOUND = 30  # seconds after the broker is back: the sweeper runs every 10 s
ORDERS = 8


@pytest.fixture
def broker():
    redis = PrivateRedis().start()
    yield redis
    redis.close()


@pytest.fixture
def shop(live_server, tenant):
    """A sandbox store with orders, joined to the fake ERP; its own hooks are not registered, so
    the only webhooks are the ones the test sends."""
    store = store_create(f"outage{time.monotonic_ns()}", quota=100_000)
    connection = ConnectionFactory(
        tenant=tenant, store_hash=store.store_hash, erp_kind=KIND, status=ConnectionStatus.ACTIVE,
        bc_api_url=f"{live_server.url}/sandbox/bigcommerce",
        bc_access_token=store.access_token, bc_client_secret=store.client_secret,
    )  # fmt: skip
    erp = ledger(connection.pk)
    erp.clear()
    orders = [place_test_order(store, items=[("MUG-STEEL", 1)]) for _ in range(ORDERS)]
    yield connection, orders, erp
    erp.clear()


@pytest.fixture
def processes(broker, tmp_path):
    """Started by each test in its own order; all stopped at the end."""
    started = []

    def start(process):
        started.append(process)
        return process.start()

    yield start
    for process in reversed(started):
        process.stop()


def send_webhook(web: WebProcess, connection, order_id: int) -> None:
    """As BigCommerce sends it: signed, over HTTP, to the web process."""
    body = json.dumps(stub(connection, order_id=order_id)).encode()
    headers = {
        k.removeprefix("HTTP_").replace("_", "-"): v
        for k, v in signed_headers(connection.bc_client_secret, body).items()
    }
    response = requests.post(
        f"{web.url}/webhooks/bigcommerce/{connection.pk}/",
        data=body,
        headers={**headers, "Content-Type": "application/json"},
        timeout=10,
    )
    assert response.status_code == 200, response.text


def assert_each_order_synced_once_through_its_webhook(connection, orders, erp):
    events = InboundEvent.objects.filter(connection=connection)
    assert sorted(events.values_list("resource_id", flat=True)) == sorted(str(o.pk) for o in orders)
    assert set(events.values_list("state", flat=True)) == {EventState.PROCESSED}
    wait_until(jobs_settled(connection, len(orders)), timeout=60, message="not every order synced")
    jobs = SyncJob.objects.filter(connection=connection)
    assert sorted(jobs.values_list("source_id", flat=True)) == sorted(str(o.pk) for o in orders)
    assert {(job.state, job.attempts) for job in jobs} == {(JobState.SUCCEEDED, 1)}
    assert erp.orders() == {str(o.pk): 1 for o in orders}  # each order once, nothing else


def wait_processed(connection, count: int, since: float) -> float:
    processed = InboundEvent.objects.filter(connection=connection, state=EventState.PROCESSED)
    wait_until(
        lambda: processed.count() >= count,
        timeout=BOUND + 15,
        interval=0.1,
        message=f"only {processed.count()} of {count} events processed",
    )
    return time.monotonic() - since


def test_while_the_web_process_runs_its_held_events_go_within_seconds_of_the_brokers_return(
    broker, shop, processes, tmp_path
):
    """No beat: only the hand-over can send them. The outage is long enough (21 s) that a worker
    on Celery's default reconnect steps (2, 4, 6, 8, 10 s ...) would try again only at 30 s."""
    connection, orders, erp = shop
    web = processes(WebProcess(tmp_path, broker_env(broker)))
    processes(WorkerProcess(extra_env=broker_env(broker)))

    broker.stop()
    down = time.monotonic()
    for order in orders:
        send_webhook(web, connection, order.pk)  # answered 200 while the broker is down
    events = InboundEvent.objects.filter(connection=connection)
    assert events.filter(state=EventState.DISPATCHED).count() == ORDERS
    time.sleep(max(0.0, 21 - (time.monotonic() - down)))  # the outage itself, not a proof
    broker.start()
    waited = wait_processed(connection, ORDERS, since=time.monotonic())

    print(f"\nheld events processed {waited:.1f} s after the broker returned (outage 21 s)")
    assert waited < 6, f"{waited:.1f} s: the hand-over or the worker waited too long to retry"
    assert_each_order_synced_once_through_its_webhook(connection, orders, erp)


def test_events_whose_hand_over_was_lost_are_swept_within_30_s_of_the_brokers_return(
    broker, shop, processes, tmp_path
):
    """Some events were queued and the broker restarted empty; the rest were held by a web
    process that was then killed. Only the sweeper, on beat's real schedule, can send them."""
    connection, orders, erp = shop
    sent_before, held = orders[: ORDERS // 2], orders[ORDERS // 2 :]
    web = processes(WebProcess(tmp_path, broker_env(broker)))
    processes(BeatProcess(tmp_path, ["webhooks.tasks.sweep_stuck_events"], broker_env(broker)))

    for order in sent_before:  # no worker yet: the messages wait on the broker ...
        send_webhook(web, connection, order.pk)
    wait_until(lambda: queued(broker, "webhooks") >= 1, timeout=10, message="nothing was queued")
    broker.stop()  # ... and are lost with it
    for order in held:
        send_webhook(web, connection, order.pk)
    web.kill()  # and with it the ids it held
    worker = WorkerProcess(extra_env=broker_env(broker))
    booting = threading.Thread(target=processes, args=(worker,))
    booting.start()  # a worker waiting for the broker, as after a machine restart
    broker.start()
    waited = wait_processed(connection, ORDERS, since=time.monotonic())
    booting.join()

    print(f"\nlost events processed {waited:.1f} s after the broker returned")
    assert waited < BOUND
    assert_each_order_synced_once_through_its_webhook(connection, orders, erp)
