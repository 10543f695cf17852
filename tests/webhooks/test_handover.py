"""Stored events reach the workers in batches, each event exactly once, and none is left behind:
not when one event of a batch fails, and not when the web process stops before its batch is due."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
from datetime import timedelta

import pytest
import requests
from django.test import override_settings
from django.utils import timezone

from config.celery import app
from tenants.models import Connection, ConnectionStatus
from tests.factories import ConnectionFactory, InboundEventFactory
from tests.support import secret_scan
from tests.support.broker import take_queued
from tests.support.worker import worker_database_url
from tests.webhooks.test_intake import signed_headers, stub
from webhooks import handover as webhook_handover
from webhooks import services, tasks
from webhooks.handover import Handover, handover
from webhooks.models import EventState, InboundEvent
from webhooks.tasks import process_events

pytestmark = [
    pytest.mark.django_db(transaction=True),  # intake commits, as in production
    pytest.mark.embedded,  # on PostgreSQL + Redis and on SQLite + the file broker
]


@pytest.fixture
def active(connection):
    Connection.objects.filter(pk=connection.pk).update(status=ConnectionStatus.ACTIVE)
    connection.refresh_from_db()
    app.control.purge()
    yield connection
    app.control.purge()


def queued_batches() -> list[tuple[str, list]]:
    """(task, event ids) of every message waiting in the webhooks queue, taking them off."""
    return [(task, args[0]) for task, args in take_queued("webhooks")]


def deliver(client, connection, order_id):
    body = json.dumps(stub(connection, order_id=order_id)).encode()
    response = client.post(
        f"/webhooks/bigcommerce/{connection.pk}/",
        data=body,
        content_type="application/json",
        **signed_headers(connection.bc_client_secret, body),
    )
    assert response.status_code == 200, response.content


@pytest.fixture
def slow_handover(monkeypatch):
    """Intake's hand-over with a gathering window longer than the test: the test says when."""
    slow = Handover(webhook_handover._send, gather_seconds=60)
    monkeypatch.setattr(services, "handover", slow)
    yield slow
    slow.flush()


def test_events_stored_together_go_to_the_workers_in_one_message(client, active, slow_handover):
    for order_id in range(1, 21):
        deliver(client, active, order_id)
    assert slow_handover.pending() == 20  # answered 200 without waiting for the broker

    slow_handover.flush()

    batches = queued_batches()
    stored = sorted(InboundEvent.objects.values_list("id", flat=True))
    assert [task for task, _ in batches] == ["webhooks.tasks.process_events"]
    assert sorted(batches[0][1]) == stored
    assert slow_handover.pending() == 0


def test_without_being_asked_the_batch_goes_within_the_gathering_window(client, active):
    assert handover.gather_seconds <= 0.1  # the production setting
    for order_id in range(1, 6):
        deliver(client, active, order_id)
    answered = time.monotonic()
    stored = set(InboundEvent.objects.values_list("id", flat=True))
    sent: list = []
    while set(sent) != stored and time.monotonic() - answered < 5:
        time.sleep(0.02)
        sent += [i for _, batch in queued_batches() for i in batch]
    # Within the window plus the broker's own latency; a batch held for seconds fails here.
    assert set(sent) == stored and time.monotonic() - answered < 1.0
    time.sleep(1.0)  # and nothing comes later: no event is sent twice
    sent += [i for _, batch in queued_batches() for i in batch]
    assert sorted(sent) == sorted(stored)


def test_one_failing_event_does_not_hold_up_the_rest_of_its_batch(client, active, caplog):
    for order_id in (1, 2):
        deliver(client, active, order_id)
    handover.flush()
    queued_batches()  # taken off the queue: this test runs the batch itself
    good, bad = InboundEvent.objects.order_by("id")
    # The other event belongs to a connection whose credentials no key in force can read.
    with override_settings(SECRET_KEY="a-key-rotated-away-without-reencrypting-0123456789"):
        broken = ConnectionFactory(tenant=active.tenant, status=ConnectionStatus.ACTIVE)
    InboundEvent.objects.filter(pk=bad.pk).update(connection=broken)

    process_events([bad.pk, good.pk])

    assert InboundEvent.objects.get(pk=good.pk).state == EventState.PROCESSED
    assert InboundEvent.objects.get(pk=bad.pk).state == EventState.DISPATCHED  # swept again later
    assert any("the sweeper retries it" in r.getMessage() for r in caplog.records)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_web_process_stopping_sends_the_batch_it_holds(active, settings, tmp_path):
    """gunicorn with the production settings (config/gunicorn.py) and a gathering window far
    longer than the test: only the graceful stop can have sent the event."""
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": worker_database_url(),
        "SECRET_KEY": settings.SECRET_KEY,
        "SALT_KEY": ",".join(settings.SALT_KEY),
        "WEBHOOK_HANDOVER_SECONDS": "600",
    }
    log = (tmp_path / "gunicorn.log").open("w")
    secret_scan.watch_log(tmp_path / "gunicorn.log")  # its access log, read at the session's end
    server = subprocess.Popen(
        [
            sys.executable, "-m", "gunicorn", "-c", "python:config.gunicorn", "config.wsgi",
            "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "1",
        ],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        body = json.dumps(stub(active, order_id=7)).encode()
        headers = {
            k.removeprefix("HTTP_").replace("_", "-"): v
            for k, v in signed_headers(active.bc_client_secret, body).items()
        }
        url = f"http://127.0.0.1:{port}/webhooks/bigcommerce/{active.pk}/"
        deadline = time.monotonic() + 30
        while True:
            try:
                response = requests.post(url, data=body, headers=headers, timeout=5)
                break
            except requests.ConnectionError:  # still booting
                assert time.monotonic() < deadline, (tmp_path / "gunicorn.log").read_text()
                time.sleep(0.2)
        assert response.status_code == 200, response.text
        event = InboundEvent.objects.get()
        assert queued_batches() == []  # held for the gathering window

        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    finally:
        if server.poll() is None:
            server.kill()
        log.close()

    assert queued_batches() == [("webhooks.tasks.process_events", [event.pk])]


def test_the_sweeper_sends_stuck_events_in_batches_each_once(active, monkeypatch):
    monkeypatch.setattr(tasks, "SWEEP_BATCH", 2)
    stuck = [InboundEventFactory(connection=active) for _ in range(5)]
    InboundEvent.objects.update(received_at=timezone.now() - timedelta(minutes=10))

    assert tasks.sweep_stuck_events() == 5

    batches = queued_batches()
    assert [len(batch) for _, batch in batches] == [2, 2, 1]
    assert {task for task, _ in batches} == {"webhooks.tasks.process_events"}
    assert sorted(i for _, batch in batches for i in batch) == sorted(e.pk for e in stuck)


def test_an_event_swept_while_its_first_message_still_waits_is_processed_once(
    client, active, slow_handover
):
    """The sweeper cannot tell a lost message from a slow one: it sends again, and the event is
    claimed by whichever message comes first; the other does nothing."""
    from sync.models import JobState, SyncJob

    deliver(client, active, order_id=5)  # held by the web process: not on the broker yet
    event = InboundEvent.objects.get()
    InboundEvent.objects.update(dispatched_at=timezone.now() - services.STUCK_AFTER)
    assert tasks.sweep_stuck_events() == 1
    assert tasks.sweep_stuck_events() == 0  # handed over again just now: not swept twice
    slow_handover.flush()  # and the first hand-over goes too
    batches = queued_batches()
    assert sorted(i for _, batch in batches for i in batch) == [event.pk, event.pk]

    process_events(batches[0][1])
    job = SyncJob.objects.get(connection=active)
    SyncJob.objects.filter(pk=job.pk).update(state=JobState.SUCCEEDED)  # it ran
    process_events(batches[1][1])

    assert SyncJob.objects.get(connection=active).state == JobState.SUCCEEDED  # not run again
    assert InboundEvent.objects.get().state == EventState.PROCESSED


def test_while_the_broker_is_down_the_hand_over_holds_the_newest_ids_up_to_its_cap():
    """Beyond the cap the oldest are left to the sweeper (they are stored already); the rest go
    in order once the broker answers."""
    broker = {"url": f"redis://127.0.0.1:{_free_port()}/0"}  # nothing listens there

    def send(batch):
        with app.connection_for_write(url=broker["url"]) as conn:
            process_events.apply_async((batch,), connection=conn, retry=False)

    held = Handover(send, gather_seconds=60, max_held=5)
    for event_id in range(1, 9):
        held.add(event_id)
    assert held.flush() is False
    assert held.pending() == 5
    app.control.purge()

    broker["url"] = app.conf.broker_url  # the broker is back
    assert held.flush() is True
    assert queued_batches() == [("webhooks.tasks.process_events", [4, 5, 6, 7, 8])]
