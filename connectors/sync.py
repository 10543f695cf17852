"""The pipeline: one SyncJob per record, run by whichever worker claims it.

Exactly once in effect: webhooks, polls and replays all land on the same SyncJob row (unique per
connection, kind and source id); a run starts only by a conditional UPDATE that claims the row and
takes its lease (connectors/lease.py), and every later write is conditional on still holding it;
and the ERP connector looks the document up by its external reference before it creates one.

A run whose worker died stops renewing its lease; once it lapses the sweeper hands the job to
another worker. Our own infrastructure failing (Redis, the broker, the database) is not the
order's fault: the job waits and retries without it counting as an attempt.

Retries: a transient failure puts the job back to pending with `next_attempt_at` (the database is
the schedule, not the broker); short waits also get a countdown message for promptness.
"""

import hashlib
import json
import logging
import random
from dataclasses import asdict, dataclass, replace
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from audit.context import correlation
from audit.models import JobState, Lane, SyncAttempt, SyncJob
from connectors import lease as leases
from connectors import scheduling
from connectors.bigcommerce import mapping
from connectors.bigcommerce.store import BigCommerceStore
from connectors.claims import find_or_create_claim
from connectors.erp import ExternalRef, UpdateNotAllowed
from connectors.errors import (
    INFRASTRUCTURE_ERRORS,
    ConnectorError,
    PermanentError,
    Wait,
    infrastructure_message,
)
from connectors.flows import FLOWS
from connectors.registry import connector_class_for, erp_kind
from tenants.models import Connection, ConnectionStatus

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
RETRY_CAP = timedelta(hours=2)
# Our own Redis, broker or database away: soon again, with jitter so the jobs do not all return at
# once; no backoff, since waiting is free (it is not an attempt).
INFRASTRUCTURE_RETRY = timedelta(seconds=5)
STATUS_NAMES = {
    0: "Incomplete", 1: "Pending", 2: "Shipped", 3: "Partially Shipped", 4: "Refunded",
    5: "Cancelled", 6: "Declined", 7: "Awaiting Payment", 8: "Awaiting Pickup",
    9: "Awaiting Shipment", 10: "Completed", 11: "Awaiting Fulfillment",
    12: "Manual Verification Required", 13: "Disputed", 14: "Partially Refunded",
}  # fmt: skip


@dataclass(frozen=True)
class RunResult:
    state: str
    retry_in: float | None = None  # seconds, when the job should run again
    job_id: int | None = None  # the job that ran (a run message may run another than its own)


# --- asking for a sync ---------------------------------------------------------------------
def request_sync(
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
def _claim(job_id: int) -> SyncJob | None:
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


def _owned(job: SyncJob):
    """The job's row while this run still holds its lease: every write of the run goes here, so a
    run that another worker took over changes nothing."""
    return SyncJob.objects.filter(pk=job.pk, lease_owner=job.lease_owner)


def run_job(job_id: int, *, trigger: str = "", fair: bool = False) -> RunResult | None:
    """Run one job if it can be claimed; None when another worker has it or it is done. `fair`:
    run the fairest due job instead (scheduling.next_job), this one only as a fallback."""
    job = scheduling.next_job(preferred=job_id) if fair else _claim(job_id)
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
    attempt = SyncAttempt.objects.create(job=job, number=job.attempts, trigger=trigger)
    error = None
    with correlation(f"job:{job.pk}", sync_job_id=job.pk):
        try:
            state, message = FLOWS[job.kind].run(job)
            result = _finish(job, state, error=message)
        except leases.LeaseLost as exc:  # another worker runs it now: leave everything to it
            result, error = None, exc.message
        except Wait as exc:  # no room yet (our budget, another job's customer): not an attempt
            result = _wait_for_budget(job, exc)
        except PermanentError as exc:
            result = _finish(job, JobState.FAILED, error=exc.message)
        except INFRASTRUCTURE_ERRORS as exc:  # ours, not the order's: wait, no attempt charged
            result = _wait_for_infrastructure(job, infrastructure_message(exc))
        except ConnectorError as exc:  # transient: timeouts, 5xx, rate limits
            result = _retry_later(job, exc)
        except Exception as exc:
            # Our own bug: record it plainly so the job can be replayed once fixed.
            logger.exception("sync job crashed", extra={"job": job.pk})
            result = _finish(
                job, JobState.FAILED, error=f"Internal error ({type(exc).__name__}): {exc}"
            )
    if result is None and error is None:
        error = leases.LeaseLost(job.pk).message
    if error is None:
        job.refresh_from_db(fields=["last_error"])
        error = job.last_error
    SyncAttempt.objects.filter(pk=attempt.pk).update(
        outcome=result.state if result else "", error=error, finished_at=timezone.now()
    )
    return result and replace(result, job_id=job.pk)


def _not_active_message(connection) -> str:
    return (
        f"Waiting: the connection is {connection.get_status_display().lower()}. "
        "It runs when the connection is active again."
    )


def _finish(job: SyncJob, state: str, *, error: str = "", park: bool = False) -> RunResult | None:
    """The run's outcome; None when another worker took the job over (nothing written)."""
    fields = {"state": state, "last_error": error, "finished_at": timezone.now()}
    if park:
        fields["attempts"] = F("attempts") - 1  # waiting is not a failed attempt
    if not _owned(job).update(**fields, lease_expires_at=None):
        return None
    rerun = (
        _owned(job)
        .filter(rerun_requested=True)
        .exclude(state=JobState.PENDING)
        .update(state=JobState.PENDING, rerun_requested=False)
    )
    if rerun:
        return RunResult(JobState.PENDING, retry_in=0)
    return RunResult(state)


def _retry_later(job: SyncJob, exc: ConnectorError) -> RunResult:
    if job.attempts >= MAX_ATTEMPTS:
        return _finish(
            job, JobState.FAILED, error=f"Gave up after {job.attempts} attempts: {exc.message}"
        )
    base = settings.SYNC_RETRY_BASE_SECONDS  # the first retry's step, doubled each attempt
    step = min(RETRY_CAP.total_seconds(), base * 2 ** (job.attempts - 1))
    delay = max(exc.retry_after or 0, step * random.uniform(0.5, 1.5))  # noqa: S311 - jitter
    when = timezone.now() + timedelta(seconds=delay)
    _owned(job).update(
        state=JobState.PENDING,
        next_attempt_at=when,
        lease_expires_at=None,
        last_error=f"{exc.message} Trying again at {when:%H:%M:%S} UTC (attempt {job.attempts} of {MAX_ATTEMPTS}).",
    )
    return RunResult(JobState.PENDING, retry_in=delay)


def _wait_for_budget(job: SyncJob, wait: Wait) -> RunResult | None:
    delay = scheduling.postpone_for_budget(_owned(job), wait)
    return RunResult(JobState.PENDING, retry_in=delay) if delay is not None else None


def _wait_for_infrastructure(job: SyncJob, message: str) -> RunResult | None:
    """Back to pending, soon, and the attempt handed back: the order did nothing wrong."""
    delay = INFRASTRUCTURE_RETRY.total_seconds() * random.uniform(0.5, 1.5)  # noqa: S311 - jitter
    when = timezone.now() + timedelta(seconds=delay)
    waiting = _owned(job).update(
        state=JobState.PENDING,
        next_attempt_at=when,
        lease_expires_at=None,
        attempts=F("attempts") - 1,
        last_error=f"{message} (Next try at {when:%H:%M:%S} UTC.)",
    )
    return RunResult(JobState.PENDING, retry_in=delay) if waiting else None


# --- the handlers --------------------------------------------------------------------------
def erp_connector(connection):
    connector_class = connector_class_for(connection.erp_kind)
    if connector_class is None:
        raise PermanentError(erp_kind(connection.erp_kind).unavailable_message)
    return connector_class(connection)


def sync_order(job: SyncJob) -> tuple[str, str]:
    """(state, message): the message says why a job was skipped, in plain words.

    The store's budget is the scarce one: the order comes with its lines and ship-to addresses
    in one read, the customer is read only when the buyer changed, refunds only when the order
    has some, and a run for an order unchanged since it reached the ERP stops after one read."""
    connection = job.connection
    store = BigCommerceStore(connection, lane=job.lane)
    raw = store.order_with_lines(job.source_id)
    if raw is None:
        return JobState.SKIPPED, "The order no longer exists in BigCommerce (deleted or archived)."
    seen = {"date_modified": mapping.order_modified_at(raw).isoformat(), "answer": _digest(raw)}
    if _already_synced_as_it_is(job, seen):
        return JobState.SUCCEEDED, ""
    buyer = mapping.order_buyer(raw)
    same_buyer = _same_buyer_as_last_sync(job, buyer)
    customer_id = raw.get("customer_id") or 0
    customer = store.customer(customer_id) if customer_id and not same_buyer else None
    order = mapping.order_from_consignments(raw, customer)
    details = {**job.details, "status_id": order.status_id, "status": order.status}
    details["payments"] = _payments(store, job.source_id, raw)
    _owned(job).update(source_modified_at=order.modified_at, details=details)
    synced = {**seen, **buyer}

    if order.status_id not in connection.sync_status_ids:
        name = STATUS_NAMES.get(order.status_id, order.status)
        if job.erp_document_id:
            _warn(job, f"The order became '{name}' in BigCommerce after it reached the ERP "
                       f"(document {job.erp_document_number or job.erp_document_id}): adjust it there.")  # fmt: skip
            _remember_sync(job, synced)
            return JobState.SUCCEEDED, ""
        return (
            JobState.SKIPPED,
            f"Not sent: status '{name}' is not in the connection's 'Order statuses to sync'.",
        )

    erp = erp_connector(connection)
    if same_buyer:
        customer_ref = ExternalRef(id=job.erp_customer_id)
    else:
        with find_or_create_claim(connection, order.customer):
            customer_ref = erp.upsert_customer(order.customer)
        _owned(job).update(erp_customer_id=customer_ref.id)
    existing = erp.find_sales_document(order)
    if existing is None:
        document = erp.create_sales_document(order, customer_ref)
    else:
        try:
            document = erp.update_sales_document(existing, order, customer_ref)
        except UpdateNotAllowed as exc:
            document = existing
            if job.source_modified_at and order.modified_at > job.source_modified_at:
                _warn(
                    job,
                    f"The order changed in BigCommerce but the ERP document cannot be updated: {exc}",
                )
    _owned(job).update(
        erp_document_id=document.id, erp_document_number=document.number or document.id
    )
    _remember_sync(job, synced)
    return JobState.SUCCEEDED, ""


# In job.details: what the last successful sync saw (date_modified, a digest of the answer, the
# buyer), for the next run to tell what changed.
SYNCED = "synced"


def _already_synced_as_it_is(job: SyncJob, seen: dict) -> bool:
    """The order is in the ERP as it is now: its last successful sync saw the same
    `date_modified` and the same answer. `date_modified` alone is not enough: it counts whole
    seconds, and a change in the second of the last sync would be lost. (A replay clears what
    the last sync saw, so a person's replay always runs in full.)"""
    last = job.details.get(SYNCED, {})
    return bool(job.erp_document_id) and all(last.get(k) == v for k, v in seen.items())


def _digest(answer: dict) -> str:
    return hashlib.sha256(json.dumps(answer, sort_keys=True).encode()).hexdigest()


def _same_buyer_as_last_sync(job: SyncJob, buyer: dict) -> bool:
    """The ERP customer of the last successful sync still stands: same store customer, same
    billing e-mail (a customer's own changes come through their customer/updated webhook)."""
    last = job.details.get(SYNCED, {})
    return bool(job.erp_customer_id) and all(last.get(k) == v for k, v in buyer.items())


def _remember_sync(job: SyncJob, synced: dict) -> None:
    """What this successful sync saw, for the next run to compare (after every ERP write)."""
    job.refresh_from_db(fields=["details"])
    _owned(job).update(details={**job.details, SYNCED: synced})


def sync_customer(job: SyncJob) -> tuple[str, str]:
    store = BigCommerceStore(job.connection, lane=job.lane)
    raw = store.customer(job.source_id)
    if raw is None:
        return JobState.SKIPPED, "The customer no longer exists in BigCommerce."
    customer = mapping.customer_from_v3(raw)
    with find_or_create_claim(job.connection, customer):
        ref = erp_connector(job.connection).upsert_customer(customer)
    _owned(job).update(
        erp_customer_id=ref.id, erp_document_id=ref.id, erp_document_number=ref.number or ref.id,
        source_modified_at=customer.modified_at,
    )  # fmt: skip
    return JobState.SUCCEEDED, ""


def _payments(store: BigCommerceStore, order_id: str, raw_order: dict) -> list[dict]:
    """Transactions, and refunds when the order has some, read one order at a time
    (BigCommerce refuses concurrent refunds on an order; reading them serially keeps us clear
    of that rule too)."""
    transactions = store.transactions(order_id)
    payments = [mapping.payment_from_transaction(t) for t in transactions]
    if mapping.order_has_refunds(raw_order, transactions):
        payments += [mapping.payment_from_refund(r) for r in store.refunds(order_id)]
    return [{k: str(v) for k, v in asdict(p).items()} for p in payments]


def _warn(job: SyncJob, text: str) -> None:
    job.refresh_from_db(fields=["warnings"])
    if text not in job.warnings:
        _owned(job).update(warnings=[*job.warnings, text][-20:])


# --- dispatch ------------------------------------------------------------------------------
def dispatch(job_id: int, *, trigger: str) -> None:
    """Queue a run once the surrounding transaction has committed (never a phantom id), unless
    a run message for the job is already on its way."""
    due_at = timezone.now()
    if scheduling.note_message(job_id, due_at):
        transaction.on_commit(
            lambda: scheduling.send_message(job_id, trigger=trigger, due_at=due_at)
        )


def jobs_dispatch_waiting(*, connection) -> int:
    """After activation: run the jobs that waited while the connection was paused."""
    ids = list(
        SyncJob.objects.filter(connection=connection, state=JobState.PENDING).values_list(
            "id", flat=True
        )
    )
    for job_id in ids:
        dispatch(job_id, trigger="activation")
    return len(ids)
