"""Which job runs next, and when.

A run message is a run slot, not a promise to run one particular job: the worker that takes one
claims the fairest due job — the tenant whose last turn is oldest, then live before backfill, then
the longest due — so one tenant's burst never queues the other tenants behind it.

A wait for our own rate budget is not a failed attempt: the job waits exactly as long as the budget
says, and a wait never exhausts it.
"""

import random
from datetime import timedelta

from django.db import connection as db_connection
from django.db.models import Case, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from connectors.errors import Wait
from sync.lease import lapsed
from sync.models import JobState, Lane, SyncJob, TenantTurn
from tenants.models import ConnectionStatus

# A countdown message may arrive this much before the time it was sent for.
EARLY = timedelta(seconds=0.5)
# Jobs released by one budget window are spread a little, not all sent at the same instant.
BUDGET_JITTER_SECONDS = (0.05, 0.5)


def not_before_its_time(now) -> Q:
    """Never before `next_attempt_at` (less the countdown's precision)."""
    return Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now + EARLY)


def due(now) -> Q:
    return Q(state=JobState.PENDING) & not_before_its_time(now)


def dead_run(now) -> Q:
    """Running, but its lease lapsed (the worker died): due again. A choice of the fair order
    like any due job, else the sweeper's message for it could run a backlog's job instead."""
    return lapsed(now)


# --- waiting for a budget ------------------------------------------------------------------
def postpone_for_budget(owned_job, wait: Wait) -> float | None:
    """Put the job (`owned_job`: its row while the run holds its lease) back until the budget has
    room: the exact wait, no exponential step, and the attempt it was claimed as is given back (a
    wait is not a failed attempt, so it never exhausts the job). Returns the delay in seconds;
    None when the run lost its lease (another worker has the job, nothing written).

    A vendor's own 429 is not this: it is a refused call, retried by `sync.jobs._retry_later` as an attempt
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


def runnable(now):
    """Jobs a run slot runs: due jobs of active connections, and runs whose worker died."""
    return SyncJob.objects.filter(
        due(now) | dead_run(now), connection__status=ConnectionStatus.ACTIVE
    )


def needing_a_slot(now):
    """The runnable jobs, those without a message noted first, then the longest noted (the
    likeliest lost): the ones the sweeper's messages are sent for."""
    return runnable(now).order_by(F("queued_for").asc(nulls_first=True), "updated_at", "id")


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


def fairest_candidate() -> int | None:
    jobs = runnable(timezone.now())
    if db_connection.features.has_select_for_update_skip_locked:
        # Two workers choosing at once each take a different row (SQLite serialises writes).
        jobs = jobs.select_for_update(skip_locked=True, of=("self",))
    return fair_order(jobs).values_list("id", flat=True).first()


def turn_take(tenant_id: int) -> None:
    TenantTurn.objects.bulk_create(
        [TenantTurn(tenant_id=tenant_id, last_turn_at=timezone.now())],
        update_conflicts=True,
        unique_fields=["tenant"],
        update_fields=["last_turn_at"],
    )
