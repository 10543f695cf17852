"""Reads of the pipeline's jobs and runs, for the API and the admin."""

from sync.models import BulkRun, SyncJob

JOB_DETAIL_CALLS = 100  # the latest calls shown on a job; the calls list has the rest


def job_list(*, scope):
    return scope.filter(SyncJob.objects.select_related("connection"))


def job_detail_calls(job: SyncJob) -> list:
    """The job's latest outside calls (audit.ApiCall rows)."""
    return list(job.api_calls.order_by("-created_at", "-id")[:JOB_DETAIL_CALLS])


def bulk_run_list(*, scope):
    return scope.filter(BulkRun.objects.select_related("connection"))


def bulk_runs_started(*, connection, since) -> list[BulkRun]:
    """The runs a connection's activation started (an order backfill, a customer pull)."""
    runs = BulkRun.objects.filter(connection=connection, created_at__gte=since)
    return list(runs.order_by("created_at", "id"))


def orders_backfill(runs: list[BulkRun]) -> BulkRun | None:
    """The orders backfill among the runs an activation started (a customer pull is another)."""
    return next((run for run in runs if "days" in run.params), None)
