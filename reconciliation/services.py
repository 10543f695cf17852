"""Starting and running a reconciliation, and acting on what it found."""

import logging
from datetime import UTC, date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from audit.context import correlation
from audit.models import ApiCall
from connectors.erp import ApiConnector
from connectors.errors import ConnectorError, PermanentError
from connectors.registry import connector_class_for, erp_kind
from reconciliation.matching import documents_by_reference, reconcile
from reconciliation.models import FindingKind, ReconciliationFinding, ReconciliationRun
from reconciliation.store_side import store_orders
from sync.dispatch import job_dispatch
from sync.jobs import job_request
from sync.models import BulkRun, JobKind, Lane, SyncJob
from sync.replay import job_replay

logger = logging.getLogger(__name__)

# ERP documents are read this much wider than the store's period: a document may be dated in
# the ERP's own time zone, a day either side of the order's UTC date.
ERP_MARGIN = timedelta(days=1)
# More than this many orders or documents in one run is refused with a plain message (a run
# keeps the period's documents in memory): reconcile a shorter period.
MAX_ROWS = 200_000
PROGRESS_EVERY = 250
RUN_STEPS = ("listing the store's orders", "reading the ERP's documents", "comparing")


class TooMany(ConnectorError):
    pass


def last_month(today: date) -> tuple[date, date]:
    end = today.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


def yesterday(today: date) -> tuple[date, date]:
    day = today - timedelta(days=1)
    return day, day


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """[since, until) in UTC for the days from `start` to `end`, both included."""
    return (
        datetime.combine(start, time.min, tzinfo=UTC),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=UTC),
    )


def run_start(
    *, connection, start: date, end: date, user=None, trigger=ReconciliationRun.Trigger.MANUAL
):
    """Queue a reconciliation of the connection for the days start..end (inclusive)."""
    if end < start:
        raise ValueError("The period ends before it starts.")
    run = ReconciliationRun.objects.create(
        tenant_id=connection.tenant_id, connection=connection, period_start=start,
        period_end=end, trigger=trigger, created_by=user, message="Waiting for a worker…",
    )  # fmt: skip
    from reconciliation.tasks import run_reconciliation

    transaction.on_commit(lambda: run_reconciliation.delay(run.pk))
    return run


def nightly_start_all(today: date | None = None) -> int:
    """Yesterday's reconciliation for every active connection (celery-beat, once a night)."""
    from tenants.models import Connection, ConnectionStatus

    start, end = yesterday(today or timezone.now().date())
    started = 0
    for connection in Connection.objects.filter(status=ConnectionStatus.ACTIVE):
        run_start(
            connection=connection, start=start, end=end,
            trigger=ReconciliationRun.Trigger.NIGHTLY,
        )  # fmt: skip
        started += 1
    return started


def _update(run, **fields):
    ReconciliationRun.objects.filter(pk=run.pk).update(**fields)


def run_execute(run_id: int) -> None:
    """List the store's orders and the ERP's documents, compare, keep the findings. Any error
    from either side stops the run with the reason on its page; nothing else is touched."""
    run = ReconciliationRun.objects.select_related("connection").get(pk=run_id)
    if run.state not in (ReconciliationRun.State.QUEUED, ReconciliationRun.State.RUNNING):
        return  # a repeated message for a run that ended
    _update(run, state=ReconciliationRun.State.RUNNING, started_at=timezone.now(),
            message="Listing the store's orders…")  # fmt: skip
    try:
        with correlation(run.correlation):
            _reconcile(run)
    except ConnectorError as exc:
        _stop(run, exc.message)
    except NotImplementedError:
        _stop(
            run,
            f"Reconciliation cannot read documents from {run.connection.get_erp_kind_display()} yet.",
        )
    except Exception:  # a bug of ours: said plainly on the run, the trace kept in the log
        logger.exception("reconciliation %s failed", run.pk)
        _stop(run, "An unexpected error stopped the run; the platform team has the details.")
    finally:
        _count_calls(run)


def _stop(run, reason: str) -> None:
    _update(
        run, state=ReconciliationRun.State.FAILED, finished_at=timezone.now(),
        message=f"Stopped: {reason} Nothing was changed; start it again once this is fixed.",
    )  # fmt: skip


def _reconcile(run) -> None:
    since, until = period_bounds(run.period_start, run.period_end)
    orders = []
    for page in store_orders(run.connection, since, until):
        orders += page
        _guard(len(orders), "orders in the store")
        _update(run, total=len(orders), message=f"Listed {len(orders)} store orders…")
    _update(run, total=len(orders), store_orders=len(orders),
            message="Reading the ERP's documents…")  # fmt: skip
    erp = _erp(run.connection)
    documents = []
    try:
        for page in erp.sales_documents(since - ERP_MARGIN, until + ERP_MARGIN):
            documents += page
            _guard(len(documents), "documents in the ERP")
            _update(run, done=min(len(documents), len(orders)),
                    message=f"Read {len(documents)} ERP documents…")  # fmt: skip
    finally:
        erp.close()
    outcome = reconcile(orders, documents_by_reference(documents), run.connection.sync_status_ids)
    wanted = {order.id for order in orders}
    with transaction.atomic():
        ReconciliationFinding.objects.filter(run=run).delete()  # a redelivered run starts clean
        ReconciliationFinding.objects.bulk_create(
            [_row(run, finding) for finding in outcome.findings], batch_size=500
        )
        _update(
            run, state=ReconciliationRun.State.DONE, finished_at=timezone.now(),
            done=len(orders), erp_documents=sum(d.reference in wanted for d in documents),
            matched=outcome.matched, finding_count=len(outcome.findings),
            store_total=outcome.store_total, erp_total=outcome.erp_total,
            message=_summary(len(orders), outcome),
        )  # fmt: skip


def _erp(connection):
    """The connection's connector, its calls in the backfill lane of our budget for the ERP
    (behind live orders)."""
    connector_class = connector_class_for(connection.erp_kind)
    if connector_class is None:
        raise PermanentError(erp_kind(connection.erp_kind).unavailable_message)
    if issubclass(connector_class, ApiConnector):
        return connector_class(connection, lane=Lane.BACKFILL)
    return connector_class(connection)


def _guard(count: int, what: str) -> None:
    if count > MAX_ROWS:
        raise TooMany(f"More than {MAX_ROWS:,} {what} in this period: reconcile a shorter one.")


def _row(run, finding) -> ReconciliationFinding:
    order = finding.order
    return ReconciliationFinding(
        run=run, order_id=order.id, kind=finding.kind, order_date=order.placed_at,
        order_status=order.status[:60], store_total=order.total, erp_total=finding.erp_total,
        currency=order.currency, erp_documents=finding.document_numbers[:300], note=finding.note,
    )  # fmt: skip


def _summary(orders: int, outcome) -> str:
    if not outcome.findings:
        return f"All {orders} store orders of the period match the ERP."
    return f"{outcome.matched} of {orders} store orders match; {len(outcome.findings)} need a look."


def _count_calls(run) -> None:
    counts = dict(
        ApiCall.objects.filter(correlation_id=run.correlation)
        .values_list("system").annotate(n=Count("pk")).values_list("system", "n")
    )  # fmt: skip
    store = counts.pop("bigcommerce", 0)
    _update(run, store_calls=store, erp_calls=sum(counts.values()))


# --- acting on findings ----------------------------------------------------------------------
BACKFILLED = (FindingKind.MISSING, FindingKind.SKIPPED)
REPLAYED = (FindingKind.TOTAL,)


def _order_job(connection, order_id) -> SyncJob | None:
    return SyncJob.objects.filter(
        connection=connection, kind=JobKind.ORDER, source_id=order_id
    ).first()


def finding_backfill(finding: ReconciliationFinding) -> SyncJob:
    """Send the order through the pipeline in the backfill lane (a job that exists is queued
    again; the ERP document is looked up before it is created, so nothing is posted twice)."""
    connection = finding.run.connection
    known = _order_job(connection, finding.order_id)
    if known is not None:
        # A job we have (it synced, then the document went): replayed, so the run does not
        # stop at "unchanged since it reached the ERP" and finds the document gone.
        job_replay(job=known)
        ReconciliationFinding.objects.filter(pk=finding.pk).update(
            resolved_job=known, resolved_at=timezone.now()
        )
        return known
    with transaction.atomic():
        job, needs_run = job_request(
            connection=connection, kind=JobKind.ORDER, source_id=finding.order_id,
            lane=Lane.BACKFILL, trigger="reconciliation",
        )  # fmt: skip
        if needs_run:
            job_dispatch(job.pk, trigger="reconciliation")
        ReconciliationFinding.objects.filter(pk=finding.pk).update(
            resolved_job=job, resolved_at=timezone.now()
        )
    return job


def finding_replay(finding: ReconciliationFinding) -> SyncJob:
    """Replay the order's job (a fresh fetch; the document is looked up, then updated where the
    ERP allows it); an order we never had a job for is backfilled."""
    return finding_backfill(finding)


def missing_backfill(run: ReconciliationRun, user=None) -> BulkRun | None:
    """Every finding 'missing in the ERP' of the run, through the pipeline in the backfill lane;
    a BulkRun shows how they stand."""
    findings = list(run.findings.filter(kind=FindingKind.MISSING, resolved_at__isnull=True))
    if not findings:
        return None
    job_ids = [finding_backfill(finding).pk for finding in findings]
    bulk = BulkRun.objects.create(
        tenant_id=run.tenant_id, connection=run.connection, kind=BulkRun.Kind.BACKFILL,
        state=BulkRun.State.DONE, total=len(job_ids), done=len(job_ids), created_by=user,
        params={"what": "reconciliation", "reconciliation": run.pk, "job_ids": job_ids},
        finished_at=timezone.now(),
        message=f"{len(job_ids)} orders missing in the ERP handed to the pipeline.",
    )  # fmt: skip
    ReconciliationFinding.objects.filter(pk__in=[f.pk for f in findings]).update(resolved_run=bulk)
    return bulk
