"""Which job runs next, and when.

A run message is a run slot, not a promise to run one particular job: the worker that takes one
asks `next_job` for the fairest due job — the tenant whose last turn is oldest, then live before
backfill, then the longest due — so one tenant's burst never queues the other tenants behind it.
Every job made pending gets one message, and the sweeper tops the sync queue up to the number of
due jobs, so messages lost with the broker are replaced at its next pass, whatever else is running.

A wait for our own rate budget is not a failed attempt: the job waits exactly as long as the budget
says, and a wait never exhausts it.
"""

import random
from datetime import timedelta

from django.db import connection as db_connection
from django.db import transaction
from django.db.models import Case, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from audit.models import JobState, Lane, SyncJob
from connectors.errors import Wait
from connectors.lease import lapsed
from connectors.models import TenantTurn
from tenants.models import ConnectionStatus

# A countdown message may arrive this much before the time it was sent for.
EARLY = timedelta(seconds=0.5)
# The queue the run messages wait in (config/celery.py routes sync_* there).
SYNC_QUEUE = "sync"
# Jobs released by one budget window are spread a little, not all sent at the same instant.
BUDGET_JITTER_SECONDS = (0.05, 0.5)
# Candidates tried when a claim loses its race to another worker.
CLAIM_TRIES = 5


def not_before_its_time(now) -> Q:
    """Never before `next_attempt_at` (less the countdown's precision)."""
    return Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now + EARLY)


def due(now) -> Q:
    return Q(state=JobState.PENDING) & not_before_its_time(now)


def dead_run(now) -> Q:
    """Running, but its lease lapsed (the worker died): due again. A choice of the fair order
    like any due job, else the sweeper's message for it could run a backlog's job instead."""
    return lapsed(now)


def without_a_message() -> Q:
    """No run message noted on its way. A noted one lost with the broker is the sweeper's to
    replace (`top_up`), by count."""
    return Q(queued_for__isnull=True)


# --- waiting for a budget ------------------------------------------------------------------
def postpone_for_budget(owned_job, wait: Wait) -> float | None:
    """Put the job (`owned_job`: its row while the run holds its lease) back until the budget has
    room: the exact wait, no exponential step, and the attempt it was claimed as is given back (a
    wait is not a failed attempt, so it never exhausts the job). Returns the delay in seconds;
    None when the run lost its lease (another worker has the job, nothing written).

    A vendor's own 429 is not this: it is a refused call, retried by `_retry_later` as an attempt
    with the vendor's Retry-After, so a vendor that refuses forever ends in FAILED with its words
    instead of waiting silently. The 429 also blocks our shared budget, so the other jobs of that
    budget meet it here, as waits that are not attempts."""
    delay = (wait.retry_after or 1.0) + random.uniform(*BUDGET_JITTER_SECONDS)  # noqa: S311
    now = timezone.now()
    when = now + timedelta(seconds=delay)
    waiting = owned_job.update(
        state=JobState.PENDING,
        next_attempt_at=when,
        attempts=F("attempts") - 1,
        lease_expires_at=None,
        finished_at=now,
        last_error=f"{wait.message}; starts at {when:%H:%M:%S} UTC. Nothing to do: it starts "
        "by itself.",
    )
    return delay if waiting else None


# --- run messages --------------------------------------------------------------------------
def note_message(job_id: int, due_at) -> bool:
    """Note on the job that a run message due at `due_at` is on its way. False when one already
    is, due no later (the one message is enough)."""
    return bool(
        SyncJob.objects.filter(pk=job_id)
        .filter(without_a_message() | Q(queued_for__gt=due_at))
        .update(queued_for=due_at, updated_at=F("updated_at"))
    )


def send_message(job_id: int, *, trigger: str, countdown: float = 0.0, due_at=None) -> None:
    """Send the run message noted by `note_message`. If the broker refuses it, the note is taken
    back so the sweeper queues the job at its next pass (not after the lost-message grace)."""
    from connectors.tasks import sync_job

    try:
        sync_job.apply_async((job_id,), {"trigger": trigger}, countdown=countdown or None)
    except Exception:
        filters = {"queued_for": due_at} if due_at else {}
        SyncJob.objects.filter(pk=job_id, **filters).update(
            queued_for=None, updated_at=F("updated_at")
        )
        raise


def queue_run(job_id: int, *, trigger: str, countdown: float = 0.0) -> bool:
    """One run message for the job, due in `countdown` seconds, unless one is already on its way."""
    due_at = timezone.now() + timedelta(seconds=countdown)
    if not note_message(job_id, due_at):
        return False
    send_message(job_id, trigger=trigger, countdown=countdown, due_at=due_at)
    return True


def runnable(now):
    """Jobs a run slot runs: due jobs of active connections, and runs whose worker died."""
    return SyncJob.objects.filter(
        due(now) | dead_run(now), connection__status=ConnectionStatus.ACTIVE
    )


def needing_a_slot(now):
    """The runnable jobs, those without a message noted first, then the longest noted (the
    likeliest lost): the ones the sweeper's messages are sent for."""
    return runnable(now).order_by(F("queued_for").asc(nulls_first=True), "updated_at", "id")


def waiting_run_messages() -> int:
    """Run messages waiting in the broker's sync queue (Redis: the list's length; file broker:
    its files). Messages a worker has reserved are not counted: with prefetch 1 they are a few
    per worker, and the top-up errs on sending."""
    from kombu.exceptions import ChannelError

    from config.celery import app

    with app.connection_for_read() as conn:
        try:
            return conn.default_channel.queue_declare(SYNC_QUEUE, passive=True).message_count
        except ChannelError:  # Redis keeps no empty list: no queue is no message
            return 0


def top_up(limit: int = 500) -> int:
    """The sweeper's rule: send as many run messages as due jobs outnumber the messages waiting.
    Messages lost with the broker are replaced at the next pass, even while other runs go on; a
    surplus is harmless (a slot with nothing due runs nothing) and never grows by sweeping, since
    the queue is only filled up to the due count. Returns the number sent."""
    now = timezone.now()
    jobs = needing_a_slot(now)
    missing = min(jobs.count() - waiting_run_messages(), limit)  # a bounded pass
    if missing <= 0:
        return 0
    ids = list(jobs.values_list("id", flat=True)[:missing])
    SyncJob.objects.filter(pk__in=ids).update(queued_for=now, updated_at=F("updated_at"))
    for job_id in ids:
        send_message(job_id, trigger="sweeper", due_at=now)
    return len(ids)


# --- the fair choice -----------------------------------------------------------------------
def fair_order(jobs):
    """Due jobs in the order they get run slots: the tenant whose turn is oldest (a tenant that
    never had one first), then live before backfill, then the longest due."""
    last_turn = TenantTurn.objects.filter(tenant_id=OuterRef("tenant_id")).values("last_turn_at")
    return jobs.annotate(
        tenant_turn=Subquery(last_turn[:1]),
        lane_rank=Case(When(lane=Lane.LIVE, then=Value(0)), default=Value(1)),
        due_since=Coalesce("next_attempt_at", "created_at"),
    ).order_by(F("tenant_turn").asc(nulls_first=True), "lane_rank", "due_since", "id")


def next_job(*, preferred: int) -> SyncJob | None:
    """Claim the fairest due job of an active connection, or else `preferred` (the job the
    message was sent for) when it can be claimed on its own: a paused connection's job, which
    the run parks with its message, or a run whose worker died."""
    from connectors.sync import _claim

    for _ in range(CLAIM_TRIES):
        with transaction.atomic():
            candidate = _fairest_candidate()
            if candidate is None:
                break
            job = _claim(candidate)
            if job is not None:
                _take_turn(job.tenant_id)
                return job
    job = _claim(preferred)
    if job is not None:
        _take_turn(job.tenant_id)
    return job


def _fairest_candidate() -> int | None:
    jobs = runnable(timezone.now())
    if db_connection.features.has_select_for_update_skip_locked:
        # Two workers choosing at once each take a different row (SQLite serialises writes).
        jobs = jobs.select_for_update(skip_locked=True, of=("self",))
    return fair_order(jobs).values_list("id", flat=True).first()


def _take_turn(tenant_id: int) -> None:
    TenantTurn.objects.bulk_create(
        [TenantTurn(tenant_id=tenant_id, last_turn_at=timezone.now())],
        update_conflicts=True,
        unique_fields=["tenant"],
        update_fields=["last_turn_at"],
    )
