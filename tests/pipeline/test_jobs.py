"""Job bookkeeping: one job per record, no job run twice, reruns, sweepers, replay rules."""

import itertools
import re
import threading
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.db import connections
from django.urls import reverse
from django.utils import timezone

from connectors.http import ApiClient, VendorRules
from sandbox.bigcommerce.services import place_test_order, store_create
from sync.jobs import _finish, job_claim, job_request, job_run
from sync.lease import Lease, LeaseLost, holding, lease_expiry
from sync.models import BulkRun, JobKind, JobState, Lane, SyncAttempt, SyncJob
from sync.replay import job_replay
from sync.scheduling import needing_a_slot
from tenants.models import ConnectionStatus
from tests.factories import ConnectionFactory, InboundEventFactory, SyncJobFactory
from tests.support.fake_erp import KIND, ledger
from tests.support.scripted_server import ScriptedServer
from webhooks.models import EventState
from webhooks.services import stuck_event_ids

pytestmark = pytest.mark.embedded  # on PostgreSQL and on SQLite

_hashes = itertools.count(1)


@pytest.mark.django_db
def test_every_trigger_lands_on_one_job_per_record(active):
    first, run_first = job_request(
        connection=active, kind="order", source_id="7", trigger="webhook"
    )
    again, run_again = job_request(connection=active, kind="order", source_id="7", trigger="poll")
    assert first.pk == again.pk and SyncJob.objects.count() == 1
    assert run_first is True
    assert run_again is True  # still pending: dispatching twice is harmless, the claim decides


@pytest.mark.django_db
def test_a_change_while_running_asks_for_one_more_run(active):
    job = SyncJobFactory(connection=active, state=JobState.RUNNING, started_at=timezone.now())
    _, dispatch_now = job_request(
        connection=active, kind="order", source_id=job.source_id, trigger="webhook"
    )
    job.refresh_from_db()
    assert dispatch_now is False and job.rerun_requested and job.state == JobState.RUNNING


@pytest.mark.django_db
def test_a_live_request_upgrades_a_backfill_job(active):
    job = SyncJobFactory(connection=active, state=JobState.SUCCEEDED, lane=Lane.BACKFILL)
    job_request(
        connection=active, kind="order", source_id=job.source_id, lane=Lane.LIVE, trigger="webhook"
    )
    job.refresh_from_db()
    assert job.lane == Lane.LIVE and job.state == JobState.PENDING


@pytest.fixture
def shop(transactional_db, live_server, tenant):
    """An active connection from a sandbox store (over HTTP) to the in-test ERP; no hooks, so
    nothing runs unless a test runs it."""
    store = store_create(f"claims{next(_hashes)}", quota=100_000)
    connection = ConnectionFactory(
        tenant=tenant, store_hash=store.store_hash, erp_kind=KIND,
        status=ConnectionStatus.ACTIVE, bc_api_url=f"{live_server.url}/sandbox/bigcommerce",
        bc_access_token=store.access_token, bc_client_secret=store.client_secret,
    )  # fmt: skip
    erp = ledger(connection.pk)
    erp.clear()
    yield store, connection, erp
    erp.clear()


def order_job(store, connection) -> SyncJob:
    order = place_test_order(store, items=[("TENT-2P", 1)])
    job, _ = job_request(
        connection=connection, kind="order", source_id=str(order.pk), trigger="webhook"
    )
    return job


def test_two_workers_racing_for_one_pending_job_run_it_once(shop):
    store, connection, erp = shop
    job = order_job(store, connection)
    start, results, errors = threading.Barrier(2), [], []

    def worker():
        try:
            start.wait(timeout=10)
            results.append(job_run(job.pk, trigger="race"))
        except Exception as exc:  # surfaced below: a thread's exception is otherwise lost
            errors.append(exc)
        finally:
            connections.close_all()  # this thread's own database connection

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    ran = [result for result in results if result is not None]
    assert len(results) == 2 and len(ran) == 1, results  # the other one found it taken
    assert ran[0].state == JobState.SUCCEEDED
    assert SyncAttempt.objects.filter(job=job).count() == 1
    assert erp.creates() == 1


def test_a_finished_or_freshly_running_job_is_not_claimed_again(shop):
    store, connection, erp = shop
    job = order_job(store, connection)
    assert job_run(job.pk, trigger="webhook").state == JobState.SUCCEEDED
    for state in (JobState.SUCCEEDED, JobState.FAILED, JobState.SKIPPED):
        SyncJob.objects.filter(pk=job.pk).update(state=state)
        assert job_run(job.pk, trigger="duplicate message") is None, state
    # Another worker is running it right now (its lease is live).
    SyncJob.objects.filter(pk=job.pk).update(
        state=JobState.RUNNING, lease_owner="another", lease_expires_at=lease_expiry()
    )
    assert job_run(job.pk, trigger="duplicate message") is None
    job.refresh_from_db()
    assert (job.state, job.attempts) == (JobState.RUNNING, 1)
    assert SyncAttempt.objects.filter(job=job).count() == 1 and erp.creates() == 1
    # A run whose lease lapsed (its worker died) is taken over (and finds the document it made).
    SyncJob.objects.filter(pk=job.pk).update(lease_expires_at=timezone.now() - timedelta(seconds=1))
    assert job_run(job.pk, trigger="sweeper").state == JobState.SUCCEEDED
    assert SyncAttempt.objects.filter(job=job).count() == 2 and erp.creates() == 1


def test_a_run_that_lost_its_lease_writes_nothing_and_sends_nothing(shop):
    store, connection, erp = shop
    job = order_job(store, connection)
    frozen = job_claim(job.pk)  # this run stalls past its lease ...
    SyncJob.objects.filter(pk=job.pk).update(lease_expires_at=timezone.now() - timedelta(seconds=1))
    assert job_run(job.pk, trigger="sweeper").state == JobState.SUCCEEDED  # ... and is taken over
    # It wakes: its outcome is not written, and the client sends none of its writes.
    assert _finish(frozen, JobState.FAILED, error="stale outcome") is None
    job.refresh_from_db()
    assert (job.state, job.last_error, job.attempts) == (JobState.SUCCEEDED, "", 2)
    with ScriptedServer() as server, holding(Lease(job.pk, frozen.lease_owner)):
        http = ApiClient(rules=VendorRules(system="bigcommerce"), base_url=server.url)
        http.get("/orders/1", operation="order.get")  # reading is harmless
        with pytest.raises(LeaseLost, match="Another worker took over"):
            http.post("/orders", operation="order.create", json={"id": 1})
        assert [seen.method for seen in server.seen] == ["GET"]
    assert erp.creates() == 1


@pytest.mark.django_db
def test_the_sweeper_counts_due_jobs_and_dead_runs_only_those_without_a_message_first(
    active, other_connection
):
    now = timezone.now()
    due = SyncJobFactory(connection=active, next_attempt_at=now - timedelta(seconds=1))
    not_yet = SyncJobFactory(connection=active, next_attempt_at=now + timedelta(minutes=5))
    lost = SyncJobFactory(connection=active)
    SyncJob.objects.filter(pk=lost.pk).update(updated_at=now - timedelta(minutes=10))
    fresh = SyncJobFactory(connection=active, queued_for=now)  # its message is on its way
    dead = SyncJobFactory(
        connection=active, state=JobState.RUNNING, lease_expires_at=now - timedelta(seconds=1)
    )
    alive = SyncJobFactory(
        connection=active, state=JobState.RUNNING, started_at=now - timedelta(hours=1),
        lease_expires_at=lease_expiry(),
    )  # fmt: skip
    paused = SyncJobFactory(connection=other_connection, next_attempt_at=now - timedelta(seconds=1))
    ids = list(needing_a_slot(timezone.now()).values_list("id", flat=True))
    assert set(ids) == {due.pk, lost.pk, dead.pk, fresh.pk}
    assert not ({not_yet.pk, alive.pk, paused.pk} & set(ids))
    assert ids[-1] == fresh.pk  # the sweeper's messages go to the others first


@pytest.mark.django_db
def test_stuck_events_are_found_for_active_connections_only(active, other_connection):
    old = timezone.now() - timedelta(minutes=10)
    stuck = InboundEventFactory(connection=active)
    lost = InboundEventFactory(connection=active, state=EventState.DISPATCHED, dispatched_at=old)
    new = InboundEventFactory(connection=active)
    paused = InboundEventFactory(connection=other_connection)
    from webhooks.models import InboundEvent

    InboundEvent.objects.filter(pk__in=[stuck.pk, paused.pk]).update(received_at=old)
    ids = set(stuck_event_ids())
    assert {stuck.pk, lost.pk} <= ids and not ({new.pk, paused.pk} & ids)


@pytest.mark.django_db
def test_replay_requeues_a_failed_job_once(active, django_capture_on_commit_callbacks):
    job = SyncJobFactory(
        connection=active, state=JobState.FAILED, attempts=8, last_error="SKU X unknown"
    )
    with django_capture_on_commit_callbacks() as callbacks:
        assert job_replay(job=job) is True
        job.refresh_from_db()
        assert job_replay(job=job) is False  # already waiting: a second click does nothing
    job.refresh_from_db()
    assert job.state == JobState.PENDING and job.attempts == 0 and len(callbacks) == 1


@pytest.mark.django_db
def test_viewers_and_outsiders_cannot_replay(client, member, outsider, active):
    job = SyncJobFactory(connection=active, state=JobState.FAILED)
    url = reverse("admin:sync_syncjob_replay", args=[job.pk])
    for user in (member, outsider):
        client.force_login(user)
        assert client.post(url).status_code == 404
        assert client.get(url).status_code == 405
    job.refresh_from_db()
    assert job.state == JobState.FAILED


@pytest.mark.django_db
def test_owner_replays_from_the_job_page(client, owner, active):
    job = SyncJobFactory(connection=active, state=JobState.FAILED)
    client.force_login(owner)
    page = client.get(reverse("admin:sync_syncjob_change", args=[job.pk])).content.decode()
    assert 'id="replay-job"' in page
    client.post(reverse("admin:sync_syncjob_replay", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == JobState.PENDING


@pytest.mark.django_db
def test_a_replay_says_where_it_reads_the_record_afresh(client, owner, active):
    """A store → ERP job reads the store again, an ERP → store one its ERP: the job's page and the
    bulk replay's confirmation say which."""
    order = SyncJobFactory(connection=active, state=JobState.FAILED, source_id="7")
    card = SyncJobFactory(
        connection=active, kind=JobKind.CUSTOMER_TO_STORE, state=JobState.FAILED, source_id="uid-1"
    )
    client.force_login(owner)
    changelist = reverse("admin:sync_syncjob_changelist")

    def confirmation(*jobs):
        selected = {"action": "replay_selected", "_selected_action": [job.pk for job in jobs]}
        page = client.post(changelist, selected).content.decode()
        return re.search(r'id="replay-count">[^.]*\. ([^<]*)</p>', page).group(1)

    kept = "; documents already in the ERP are found, never duplicated."
    assert confirmation(order) == f"Each is fetched fresh from BigCommerce{kept}"
    assert confirmation(card) == "Each is fetched fresh from MYOB Business (AccountRight)."
    assert (
        confirmation(order, card)
        == f"Each is fetched fresh from BigCommerce or MYOB Business (AccountRight){kept}"
    )

    def replayed(job):
        response = client.post(reverse("admin:sync_syncjob_replay", args=[job.pk]))
        return [str(message) for message in get_messages(response.wsgi_request)][-1]

    fresh = "is queued again and will be fetched fresh from"
    assert replayed(order) == f"Order 7 {fresh} BigCommerce."
    assert replayed(card) == f"Customer, ERP → store uid-1 {fresh} MYOB Business (AccountRight)."


@pytest.mark.django_db
def test_bulk_replay_shows_the_count_first_then_runs_in_the_background(
    client, owner, active, django_capture_on_commit_callbacks
):
    failed = [SyncJobFactory(connection=active, state=JobState.FAILED) for _ in range(3)]
    ok = SyncJobFactory(connection=active, state=JobState.SUCCEEDED)
    client.force_login(owner)
    changelist = reverse("admin:sync_syncjob_changelist")
    selected = [str(j.pk) for j in [*failed, ok]]
    confirm = client.post(changelist, {"action": "replay_selected", "_selected_action": selected})
    assert confirm.status_code == 200
    assert "3 of the 4 selected jobs have failed" in confirm.content.decode()
    assert BulkRun.objects.count() == 0  # nothing happens before confirmation
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            changelist,
            {"action": "replay_selected", "_selected_action": selected, "confirm": "yes"},
        )
    run = BulkRun.objects.get()
    assert done.status_code == 302 and done["Location"].endswith(f"/bulkrun/{run.pk}/change/")
    assert run.total == 3
    progress = client.get(done["Location"]).content.decode()
    assert "bulk-progress" in progress
