"""Catch-up polling and backfill: orders changed since a cursor go through the same pipeline.

A missed webhook costs latency, never data. The cursor only moves past orders that were handed to
the pipeline, page by page, so a crash mid-poll repeats work instead of skipping it.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from connectors.answers import reading
from connectors.bigcommerce.mapping import record_id, rfc2822
from connectors.bigcommerce.store import BigCommerceStore
from connectors.errors import ConnectorError
from sync.dispatch import job_dispatch
from sync.jobs import job_request
from sync.models import BulkRun, JobKind, JobState, Lane, SyncJob
from tenants.cursors import read_cursor, write_cursor
from tenants.models import Connection, ConnectionStatus

ORDERS_CURSOR = "bc_orders"
# A bulk run that meets a passing fault (an outage, the store's rate limit) waits and starts over
# (handing over is idempotent); after this many tries, or at once on a definite refusal, it stops
# and says why on its page.
BULK_RUN_ATTEMPTS = 5


def orders_hand_over(connection: Connection, orders: list[dict], *, trigger: str) -> list[int]:
    """Create or refresh the jobs for a page of orders; skip those already synced as they are."""
    job_ids = []
    with transaction.atomic():
        for raw in orders:
            modified = rfc2822(raw["date_modified"])
            source_id = record_id(raw["id"])
            done = (
                SyncJob.objects.filter(
                    connection=connection,
                    kind=JobKind.ORDER,
                    source_id=source_id,
                    state__in=[JobState.SUCCEEDED, JobState.SKIPPED],
                    source_modified_at__gte=modified,
                )
                .values_list("id", flat=True)
                .first()
            )
            if done:
                job_ids.append(done)
                continue
            job, needs_run = job_request(
                connection=connection, kind=JobKind.ORDER, source_id=source_id,
                lane=Lane.BACKFILL, trigger=trigger,
            )  # fmt: skip
            if needs_run:
                job_dispatch(job.pk, trigger=trigger)
            job_ids.append(job.pk)
    return job_ids


@reading("BigCommerce", "the list of changed orders")
def orders_poll(connection_id) -> int:
    """One catch-up pass for one connection. Returns how many orders were looked at."""
    connection = Connection.objects.get(pk=connection_id)
    if connection.status != ConnectionStatus.ACTIVE:
        return 0
    since = read_cursor(connection, ORDERS_CURSOR) or (timezone.now() - timedelta(days=1))
    seen = 0
    for page in BigCommerceStore(connection, lane=Lane.BACKFILL).orders_modified_since(since):
        orders_hand_over(connection, page, trigger="poll")
        seen += len(page)
        write_cursor(connection.pk, ORDERS_CURSOR, max(rfc2822(o["date_modified"]) for o in page))
    return seen


def due_connection_ids() -> list:
    """Connections whose poll is due; each is claimed by moving its next_poll_at forward."""
    now = timezone.now()
    due = []
    candidates = Connection.objects.filter(status=ConnectionStatus.ACTIVE, next_poll_at__lte=now)
    for pk, interval, previous in candidates.values_list(
        "pk", "poll_interval_minutes", "next_poll_at"
    ):
        claimed = Connection.objects.filter(pk=pk, next_poll_at=previous).update(
            next_poll_at=now + timedelta(minutes=interval)
        )
        if claimed:
            due.append(pk)
    return due


def backfill_start(*, connection: Connection, days: int, user=None) -> BulkRun:
    run = BulkRun.objects.create(
        tenant_id=connection.tenant_id, connection=connection, kind=BulkRun.Kind.BACKFILL,
        params={"days": days}, created_by=user,
        message=f"Listing the orders of the last {days} days…",
    )  # fmt: skip
    from sync.tasks import run_backfill

    transaction.on_commit(lambda: run_backfill.delay(run.pk))
    return run


def customers_pull_start(*, connection: Connection, user=None) -> BulkRun | None:
    """Once per connection, for ERPs with no customer feed of their own: every store customer
    through the pipeline (backfill lane), with its progress on a BulkRun."""
    pulled = BulkRun.objects.filter(
        connection=connection, kind=BulkRun.Kind.BACKFILL, params__what="customers"
    ).exclude(state=BulkRun.State.FAILED)  # a pull that stopped is tried again on activation
    if pulled.exists():
        return None
    run = BulkRun.objects.create(
        tenant_id=connection.tenant_id, connection=connection, kind=BulkRun.Kind.BACKFILL,
        params={"what": "customers"}, created_by=user, message="Listing the store's customers…",
    )  # fmt: skip
    from sync.tasks import run_customers_pull

    transaction.on_commit(lambda: run_customers_pull.delay(run.pk))
    return run


def customers_pull_run(run_id: int) -> None:
    run = BulkRun.objects.select_related("connection").get(pk=run_id)
    BulkRun.objects.filter(pk=run.pk).update(state=BulkRun.State.RUNNING)
    ids = BigCommerceStore(run.connection, lane=Lane.BACKFILL).customer_ids()
    BulkRun.objects.filter(pk=run.pk).update(
        total=len(ids), message=f"Listed {len(ids)} customers…"
    )
    for done, customer_id in enumerate(ids, start=1):
        with transaction.atomic():
            job, needs_run = job_request(
                connection=run.connection, kind=JobKind.CUSTOMER, source_id=str(customer_id),
                lane=Lane.BACKFILL, trigger="customers pull",
            )  # fmt: skip
            if needs_run:
                job_dispatch(job.pk, trigger="customers pull")
        if done % 50 == 0 or done == len(ids):
            BulkRun.objects.filter(pk=run.pk).update(
                done=done, message=f"{done} of {len(ids)} customers handed over…"
            )
    BulkRun.objects.filter(pk=run.pk).update(
        state=BulkRun.State.DONE, finished_at=timezone.now(), done=len(ids),
        message=f"{len(ids)} store customers handed to the pipeline.",
    )  # fmt: skip


def backfill_run(run_id: int) -> None:
    """List first (so the admin can show a real percentage), then hand over page by page."""
    run = BulkRun.objects.select_related("connection").get(pk=run_id)
    BulkRun.objects.filter(pk=run.pk).update(state=BulkRun.State.RUNNING)
    since = timezone.now() - timedelta(days=run.params["days"])
    store = BigCommerceStore(run.connection, lane=Lane.BACKFILL)
    pages = []
    for page in store.orders_modified_since(since):
        pages.append(page)
        listed = sum(len(p) for p in pages)
        BulkRun.objects.filter(pk=run.pk).update(total=listed, message=f"Listed {listed} orders…")
    job_ids: list[int] = []
    for page in pages:
        job_ids += orders_hand_over(run.connection, page, trigger="backfill")
        BulkRun.objects.filter(pk=run.pk).update(
            done=len(job_ids), message=f"{len(job_ids)} orders handed over…"
        )
    days = run.params["days"]
    BulkRun.objects.filter(pk=run.pk).update(
        state=BulkRun.State.DONE, finished_at=timezone.now(), params={**run.params, "job_ids": job_ids},
        message=f"{len(job_ids)} orders from the last {days} days handed to the pipeline.",
    )  # fmt: skip


def bulk_run_step(run_id: int, work) -> float | None:
    """Do a bulk run's work (backfill_run, customers_pull_run). A connector error never leaves the
    run looking busy: a passing fault puts it back in the queue with the reason and the time of
    the next try (the seconds to wait are returned), anything else, or too many tries, stops it
    with the reason on its page."""
    try:
        work(run_id)
        return None
    except ConnectorError as exc:
        run = BulkRun.objects.get(pk=run_id)
        tries = run.params.get("tries", 0) + 1
        params = {**run.params, "tries": tries}
        if not exc.permanent and tries < BULK_RUN_ATTEMPTS:
            wait = max(exc.retry_after or 0, 60 * tries)
            when = timezone.now() + timedelta(seconds=wait)
            BulkRun.objects.filter(pk=run_id).update(
                state=BulkRun.State.QUEUED, params=params,
                message=f"Waiting: {exc.message} Trying again at {when:%H:%M} UTC "
                f"(try {tries + 1} of {BULK_RUN_ATTEMPTS}).",
            )  # fmt: skip
            return wait
        BulkRun.objects.filter(pk=run_id).update(
            state=BulkRun.State.FAILED, params=params, finished_at=timezone.now(),
            message=f"Stopped after {tries} {'try' if tries == 1 else 'tries'}: {exc.message} "
            "What was handed over before still syncs. Once this is fixed, pause the connection "
            "and activate it again to run this again (for orders, give the days to sync).",
        )  # fmt: skip
        return None
