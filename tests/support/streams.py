"""The customers stream's poll for one connection, with the jobs it asks for run to their end."""

from audit.models import ApiCall
from sync.jobs import job_run
from sync.models import JobKind, JobState, SyncJob
from sync.streams import stream_poll
from tests.support.worker import wait_until

STORE_WRITES = ("customer.update", "customer.address.update")
ENDED = (JobState.SUCCEEDED, JobState.SKIPPED, JobState.FAILED)


def customers_polled(connection, timeout: float = 30) -> int:
    """Poll, then run each job it asked for here, unless a worker claimed it first; wait until
    all ended. Returns how many store customers were written."""
    last_call = ApiCall.objects.order_by("-id").values_list("id", flat=True).first() or 0
    stream_poll(connection.pk, "customers")
    asked = SyncJob.objects.filter(
        connection=connection, kind=JobKind.CUSTOMER_TO_STORE, state=JobState.PENDING
    )
    job_ids = list(asked.values_list("id", flat=True))
    for job_id in job_ids:
        job_run(job_id, trigger="poll")
    wait_until(
        lambda: not SyncJob.objects.filter(pk__in=job_ids).exclude(state__in=ENDED).exists(),
        timeout=timeout,
        message="the jobs the customers poll asked for did not end",
    )
    writes = ApiCall.objects.filter(
        pk__gt=last_call, system="bigcommerce", operation__in=STORE_WRITES
    )
    return len(set(writes.values_list("sync_job_id", flat=True)))
