"""Reads of the audit log for the API, always through the caller's tenant scope."""

from audit.models import ApiCall, BulkRun, SyncJob
from audit.redaction import MASK

JOB_DETAIL_CALLS = 100  # the latest calls shown on a job; the calls list has the rest


def job_list(*, scope):
    return scope.filter(SyncJob.objects.select_related("connection"))


def job_detail_calls(job: SyncJob) -> list[ApiCall]:
    return list(job.api_calls.order_by("-created_at", "-id")[:JOB_DETAIL_CALLS])


def api_call_list(*, scope):
    return scope.filter(ApiCall.objects.select_related("connection"))


def api_call_for_display(call: ApiCall) -> ApiCall:
    """The call with its connection's current secrets masked once more. Bodies were redacted
    when recorded; this also catches a credential entered after the call was made."""
    from tenants.selectors import secret_values_of

    if call.connection is None:
        return call
    secrets = sorted(set(secret_values_of(call.connection)), key=len, reverse=True)

    def mask(text: str) -> str:
        for secret in secrets:
            text = text.replace(secret, MASK)
        return text

    for name in ("url", "request_body", "response_body", "error_message"):
        setattr(call, name, mask(getattr(call, name) or ""))
    for name in ("request_headers", "response_headers"):
        headers = getattr(call, name) or {}
        setattr(call, name, {k: mask(str(v)) for k, v in headers.items()})
    return call


def bulk_run_list(*, scope):
    return scope.filter(BulkRun.objects.select_related("connection"))


def bulk_runs_started(*, connection, since) -> list[BulkRun]:
    """The runs a connection's activation started (an order backfill, a customer pull)."""
    runs = BulkRun.objects.filter(connection=connection, created_at__gte=since)
    return list(runs.order_by("created_at", "id"))


def orders_backfill(runs: list[BulkRun]) -> BulkRun | None:
    """The orders backfill among the runs an activation started (a customer pull is another)."""
    return next((run for run in runs if "days" in run.params), None)
