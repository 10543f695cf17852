"""Replay: run failed work again from a fresh fetch, one job or many."""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from sync.dispatch import job_dispatch
from sync.flows import FLOWS, TO_ERP
from sync.jobs import EARLIER_ATTEMPTS, job_request
from sync.models import BulkRun, JobState, SyncJob
from sync.order_sync import SYNCED

REPLAYABLE = (JobState.FAILED, JobState.SKIPPED, JobState.SUCCEEDED)


def job_replay(*, job: SyncJob) -> bool:
    """Queue the job again. Idempotent: a job already waiting or running is left as it is."""
    if job.state not in REPLAYABLE:
        return False
    with transaction.atomic():
        job, needs_run = job_request(
            connection=job.connection, kind=job.kind, source_id=job.source_id,
            lane=job.lane, trigger="replay",
        )  # fmt: skip
        if needs_run:
            # A person asked for a full run: forget what the last sync saw, so neither the
            # unchanged-order shortcut nor the same-buyer one applies. The retry count starts
            # afresh; the attempt history (and each attempt's error) stays and numbers on.
            job.refresh_from_db(fields=["details"])
            details = {k: v for k, v in job.details.items() if k != SYNCED}
            earlier = job.attempt_log.aggregate(last=Max("number"))["last"] or 0
            details[EARLIER_ATTEMPTS] = earlier
            SyncJob.objects.filter(pk=job.pk).update(attempts=0, last_error="", details=details)
            job_dispatch(job.pk, trigger="replay")
    return needs_run


def replay_source(job: SyncJob) -> str:
    """Where a replay of the job reads its record afresh."""
    return FLOWS[job.kind].reads_from(job.connection.erp_kind)


def replay_sources(jobs) -> tuple[list[str], bool]:
    """Where replaying these jobs reads their records afresh (sorted), and whether any of them
    writes into an ERP."""
    pairs = set(jobs.order_by().values_list("kind", "connection__erp_kind").distinct())
    sources = sorted({FLOWS[kind].reads_from(erp_kind) for kind, erp_kind in pairs})
    return sources, any(FLOWS[kind].direction == TO_ERP for kind, _ in pairs)


def bulk_replay_start(*, jobs, tenant_id: int, user=None) -> BulkRun:
    """Replay every failed job of `jobs` in the background; the BulkRun shows progress."""
    job_ids = list(jobs.filter(state=JobState.FAILED).values_list("id", flat=True))
    run = BulkRun.objects.create(
        tenant_id=tenant_id, kind=BulkRun.Kind.REPLAY, total=len(job_ids),
        params={"job_ids": job_ids}, created_by=user,
        message=f"Replaying {len(job_ids)} failed jobs…",
    )  # fmt: skip
    from sync.tasks import run_bulk_replay

    transaction.on_commit(lambda: run_bulk_replay.delay(run.pk))
    return run


def bulk_replay_run(run_id: int) -> None:
    run = BulkRun.objects.get(pk=run_id)
    BulkRun.objects.filter(pk=run.pk).update(state=BulkRun.State.RUNNING)
    done = 0
    for job in SyncJob.objects.filter(pk__in=run.params["job_ids"]).select_related("connection"):
        job_replay(job=job)
        done += 1
        if done % 20 == 0:
            BulkRun.objects.filter(pk=run.pk).update(done=done)
    BulkRun.objects.filter(pk=run.pk).update(
        state=BulkRun.State.DONE, done=done, finished_at=timezone.now(),
        message=f"{done} jobs queued again; their outcome shows on each job.",
    )  # fmt: skip


def outcome_counts(job_ids: list[int]) -> dict[str, int]:
    """How the jobs of a bulk run stand now (for the progress page)."""
    counts = dict.fromkeys(JobState.values, 0)
    for state in SyncJob.objects.filter(pk__in=job_ids).values_list("state", flat=True):
        counts[state] += 1
    return counts
