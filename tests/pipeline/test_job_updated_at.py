"""A job's "Updated at" (the job list's default sort) moves with every change of the job: a new
request, a claim, a finish, a retry, a replay. It was left behind by the pipeline's queryset
updates, so jobs showed an update before their finish and sorted out of order."""

import socket
from datetime import timedelta

import pytest
from django.utils import timezone

from sync.jobs import job_request, job_run
from sync.models import BulkRun, JobState, SyncJob
from sync.replay import bulk_replay_run, job_replay
from tenants.models import ConnectionStatus
from tests.factories import ConnectionFactory, SyncJobFactory

pytestmark = pytest.mark.embedded  # on PostgreSQL and on SQLite

LONG_AGO = timezone.now() - timedelta(days=3)


def stale_job(connection, **fields) -> SyncJob:
    """A job last touched three days ago (as if it had sat there since)."""
    job = SyncJobFactory(connection=connection, **fields)
    SyncJob.objects.filter(pk=job.pk).update(updated_at=LONG_AGO)
    return job


def moved(job, since) -> SyncJob:
    job.refresh_from_db()
    assert job.updated_at >= since, f"updated_at stayed at {job.updated_at:%Y-%m-%d %H:%M}"
    if job.finished_at:
        assert job.updated_at >= job.finished_at, "an update before the job's finish"
    return job


@pytest.mark.django_db
def test_a_new_request_and_a_request_during_a_run_move_it(connection):
    done = stale_job(connection, state=JobState.SUCCEEDED, finished_at=LONG_AGO)
    running = stale_job(connection, state=JobState.RUNNING, started_at=timezone.now())
    since = timezone.now()
    for job in (done, running):
        job_request(connection=connection, kind=job.kind, source_id=job.source_id, trigger="poll")
    assert moved(done, since).state == JobState.PENDING
    assert moved(running, since).rerun_requested


@pytest.mark.django_db
def test_a_run_that_waits_for_a_paused_connection_moves_it_past_its_finish(connection):
    connection.status = ConnectionStatus.PAUSED
    connection.save()
    job = stale_job(connection, state=JobState.PENDING)
    since = timezone.now()
    job_run(job.pk, trigger="sweep")
    assert moved(job, since).finished_at >= since  # claimed, then parked: both moved it


@pytest.mark.django_db
def test_a_replay_and_a_bulk_replay_move_it(connection, tenant):
    one = stale_job(connection, state=JobState.FAILED, finished_at=LONG_AGO, last_error="boom")
    many = stale_job(connection, state=JobState.FAILED, finished_at=LONG_AGO, last_error="boom")
    since = timezone.now()
    assert job_replay(job=one)
    assert moved(one, since).state == JobState.PENDING and one.last_error == ""
    run = BulkRun.objects.create(
        tenant=tenant, kind=BulkRun.Kind.REPLAY, total=1, params={"job_ids": [many.pk]}
    )
    bulk_replay_run(run.pk)
    assert moved(many, since).state == JobState.PENDING


@pytest.mark.django_db
def test_a_retry_after_a_failed_call_moves_it(tenant, settings):
    settings.DEMO_MODE = True  # loopback allowed: the store below refuses the connection at once
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    connection = ConnectionFactory(
        tenant=tenant, status=ConnectionStatus.ACTIVE, bc_api_url=f"http://127.0.0.1:{port}"
    )
    job = stale_job(connection, state=JobState.PENDING)
    since = timezone.now()
    result = job_run(job.pk, trigger="webhook")
    assert result.state == JobState.PENDING and result.retry_in  # to be tried again later
    assert moved(job, since).next_attempt_at > since
