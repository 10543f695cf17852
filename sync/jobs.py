"""A job's life: asked for, claimed by one worker under a lease, run, and finished.

Exactly once in effect: webhooks, polls and replays all land on the same SyncJob row (unique per
connection, kind and source id); a run starts only by a conditional UPDATE that claims the row and
takes its lease (sync/lease.py), and every later write is conditional on still holding it;
and the ERP connector looks the document up by its external reference before it creates one.

A run whose worker died stops renewing its lease; once it lapses the sweeper hands the job to
another worker. Our own infrastructure failing (Redis, the broker, the database) is not the
order's fault: the job waits and retries without it counting as an attempt.

Retries: a transient failure puts the job back to pending with `next_attempt_at` (the database is
the schedule, not the broker); short waits also get a countdown message for promptness.
"""

import logging
import random
from dataclasses import dataclass, replace
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from audit.context import correlation
from connectors.causes import fallback_cause
from connectors.errors import (
    INFRASTRUCTURE_ERRORS,
    ConnectorError,
    PermanentError,
    Wait,
    infrastructure_message,
)
from sync import lease as leases
from sync import scheduling
from sync.flows import FLOWS
from sync.lease import job_owned
from sync.models import JobState, Lane, SyncAttempt, SyncJob
from tenants.models import Connection, ConnectionStatus

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
RETRY_CAP = timedelta(hours=2)
# Our own Redis, broker or database away: soon again, with jitter so the jobs do not all return at
# once; no backoff, since waiting is free (it is not an attempt).
INFRASTRUCTURE_RETRY = timedelta(seconds=5)
# Candidates tried when a claim loses its race to another worker.
CLAIM_TRIES = 5
# In job.details: how many attempts were logged before the last replay. A replay starts the
# retry count (`attempts`) afresh, but the history goes on numbering 1, 2, 3… after them.
EARLIER_ATTEMPTS = "earlier_attempts"


@dataclass(frozen=True)
class RunResult:
    state: str
    retry_in: float | None = None  # seconds, when the job should run again
    job_id: int | None = None  # the job that ran (a run message may run another than its own)


# --- asking for a sync ---------------------------------------------------------------------
def job_request(
    *, connection: Connection, kind: str, source_id: str, lane: str = Lane.LIVE, trigger: str
) -> tuple[SyncJob, bool]:
    """Make sure the record will be (re)synced. Returns the job and whether to dispatch it now."""
    defaults = {"tenant_id": connection.tenant_id, "lane": lane}
    try:
        with transaction.atomic():
            job, created = SyncJob.objects.get_or_create(
                connection=connection, kind=kind, source_id=str(source_id), defaults=defaults
            )
    except IntegrityError:  # created by a concurrent request
        job, created = (
            SyncJob.objects.get(connection=connection, kind=kind, source_id=source_id),
            False,
        )
    if created:
        return job, True
    if job.state == JobState.RUNNING:
        # The run under way may have fetched the record before this change: run once more after.
        SyncJob.objects.filter(pk=job.pk).update(rerun_requested=True)
        return job, False
    updated = (
        SyncJob.objects.filter(pk=job.pk)
        .exclude(state=JobState.RUNNING)
        .update(state=JobState.PENDING, next_attempt_at=None, lane=_stronger_lane(job.lane, lane))
    )
    return job, bool(updated)


def _stronger_lane(current: str, new: str) -> str:
    return Lane.LIVE if Lane.LIVE in (current, new) else Lane.BACKFILL


# --- running a job -------------------------------------------------------------------------
def job_claim(job_id: int) -> SyncJob | None:
    """Takes a pending job, or a running one whose lease lapsed (its worker died or froze), under
    a new lease owner."""
    now = timezone.now()
    claimable = (
        SyncJob.objects.filter(pk=job_id)
        .filter(Q(state=JobState.PENDING) | leases.lapsed(now))
        .filter(scheduling.not_before_its_time(now))
    )
    claimed = claimable.update(
        state=JobState.RUNNING,
        started_at=now,
        lease_owner=leases.new_owner(),
        lease_expires_at=leases.lease_expiry(),
        attempts=F("attempts") + 1,
        rerun_requested=False,
        next_attempt_at=None,
        queued_for=None,
    )
    return (
        SyncJob.objects.select_related("connection", "connection__tenant").get(pk=job_id)
        if claimed
        else None
    )


def job_claim_fairest(*, preferred: int) -> SyncJob | None:
    """Claim the fairest due job of an active connection, or else `preferred` (the job the
    message was sent for) when it can be claimed on its own: a paused connection's job, which
    the run parks with its message, or a run whose worker died."""
    for _ in range(CLAIM_TRIES):
        with transaction.atomic():
            candidate = scheduling.fairest_candidate()
            if candidate is None:
                break
            job = job_claim(candidate)
            if job is not None:
                scheduling.turn_take(job.tenant_id)
                return job
    job = job_claim(preferred)
    if job is not None:
        scheduling.turn_take(job.tenant_id)
    return job


def job_run(job_id: int, *, trigger: str = "", fair: bool = False) -> RunResult | None:
    """Run one job if it can be claimed; None when another worker has it or it is done. `fair`:
    run the fairest due job instead (job_claim_fairest), this one only as a fallback."""
    job = job_claim_fairest(preferred=job_id) if fair else job_claim(job_id)
    if job is None:
        return None
    with leases.holding(leases.Lease(job.pk, job.lease_owner)):
        try:
            return _run_claimed(job, trigger)
        except INFRASTRUCTURE_ERRORS:
            # The database went away mid-run: nothing can be written back. The lease lapses and
            # the sweeper hands the job to a worker once the database is back.
            logger.warning("job %s: its outcome could not be recorded", job.pk, exc_info=True)
            return None


def _run_claimed(job: SyncJob, trigger: str) -> RunResult | None:
    connection = job.connection
    if connection.status != ConnectionStatus.ACTIVE:
        # Paused or needing reconnection: keep the job waiting, nothing is lost.
        result = _finish(job, JobState.PENDING, error=_not_active_message(connection), park=True)
        return result and replace(result, job_id=job.pk)
    attempt = SyncAttempt.objects.create(job=job, number=attempt_number(job), trigger=trigger)
    error = None
    cause = ""
    with correlation(f"job:{job.pk}", sync_job_id=job.pk):
        try:
            state, message = FLOWS[job.kind].run(job)
            result = _finish(job, state, error=message)
        except leases.LeaseLost as exc:  # another worker runs it now: leave everything to it
            result, error = None, exc.message
        except Wait as exc:  # no room yet (our budget, another job's customer): not an attempt
            result = _wait_for_budget(job, exc)
        except PermanentError as exc:
            cause = fallback_cause(exc)
            result = _finish(
                job, JobState.FAILED, error=exc.message, cause=cause, subject=exc.subject
            )
        except INFRASTRUCTURE_ERRORS as exc:  # ours, not the order's: wait, no attempt charged
            result = _wait_for_infrastructure(job, infrastructure_message(exc))
        except ConnectorError as exc:  # transient: timeouts, 5xx, rate limits
            cause = fallback_cause(exc, gave_up=True) if job.attempts >= MAX_ATTEMPTS else ""
            result = _retry_later(job, exc)
        except Exception as exc:
            # Our own bug: record it plainly so the job can be replayed once fixed.
            logger.exception("sync job crashed", extra={"job": job.pk})
            cause = fallback_cause(exc)
            result = _finish(
                job, JobState.FAILED, error=f"Internal error ({type(exc).__name__}): {exc}",
                cause=cause,
            )  # fmt: skip
    if result is None and error is None:
        error = leases.LeaseLost(job.pk).message
    if error is None:
        job.refresh_from_db(fields=["last_error"])
        error = job.last_error
    SyncAttempt.objects.filter(pk=attempt.pk).update(
        outcome=result.state if result else "", error=error, error_cause=cause,
        finished_at=timezone.now(),
    )  # fmt: skip
    return result and replace(result, job_id=job.pk)


def attempt_number(job: SyncJob) -> int:
    """The claimed run's number in the job's history, counting the attempts before replays."""
    return job.attempts + int(job.details.get(EARLIER_ATTEMPTS, 0))


def _not_active_message(connection) -> str:
    return (
        f"Waiting: the connection is {connection.get_status_display().lower()}. "
        "It runs when the connection is active again."
    )


def _finish(
    job: SyncJob, state: str, *, error: str = "", park: bool = False, cause: str = "",
    subject: str = "",
) -> RunResult | None:  # fmt: skip
    """The run's outcome; None when another worker took the job over (nothing written). A failed
    job records what a person must fix (`cause`, `subject`); any other outcome clears them."""
    fields = {
        "state": state, "last_error": error, "finished_at": timezone.now(),
        "error_cause": cause, "error_subject": subject,
    }  # fmt: skip
    if park:
        fields["attempts"] = F("attempts") - 1  # waiting is not a failed attempt
    if not job_owned(job).update(**fields, lease_expires_at=None):
        return None
    rerun = (
        job_owned(job)
        .filter(rerun_requested=True)
        .exclude(state=JobState.PENDING)
        .update(state=JobState.PENDING, rerun_requested=False)
    )
    if rerun:
        return RunResult(JobState.PENDING, retry_in=0)
    return RunResult(state)


def _retry_later(job: SyncJob, exc: ConnectorError) -> RunResult | None:
    if job.attempts >= MAX_ATTEMPTS:
        return _finish(
            job, JobState.FAILED, error=f"Gave up after {job.attempts} attempts: {exc.message}",
            cause=fallback_cause(exc, gave_up=True), subject=exc.subject,
        )  # fmt: skip
    base = settings.SYNC_RETRY_BASE_SECONDS  # the first retry's step, doubled each attempt
    step = min(RETRY_CAP.total_seconds(), base * 2 ** (job.attempts - 1))
    delay = max(exc.retry_after or 0, step * random.uniform(0.5, 1.5))  # noqa: S311 - jitter
    when = timezone.now() + timedelta(seconds=delay)
    job_owned(job).update(
        state=JobState.PENDING,
        next_attempt_at=when,
        lease_expires_at=None,
        last_error=f"{exc.message} Trying again at {when:%H:%M:%S} UTC (attempt {job.attempts} of {MAX_ATTEMPTS}).",
    )
    return RunResult(JobState.PENDING, retry_in=delay)


def _wait_for_budget(job: SyncJob, wait: Wait) -> RunResult | None:
    delay = scheduling.postpone_for_budget(job_owned(job), wait)
    return RunResult(JobState.PENDING, retry_in=delay) if delay is not None else None


def _wait_for_infrastructure(job: SyncJob, message: str) -> RunResult | None:
    """Back to pending, soon, and the attempt handed back: the order did nothing wrong."""
    delay = INFRASTRUCTURE_RETRY.total_seconds() * random.uniform(0.5, 1.5)  # noqa: S311 - jitter
    when = timezone.now() + timedelta(seconds=delay)
    waiting = job_owned(job).update(
        state=JobState.PENDING,
        next_attempt_at=when,
        lease_expires_at=None,
        attempts=F("attempts") - 1,
        last_error=f"{message} (Next try at {when:%H:%M:%S} UTC.)",
    )
    return RunResult(JobState.PENDING, retry_in=delay) if waiting else None
