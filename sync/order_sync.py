"""What a job does: bring one order, or one customer, from BigCommerce into the ERP.

Each handler returns (state, message) and writes to the job only while its run holds the lease.
"""

import hashlib
import json
from dataclasses import asdict

from connectors.bigcommerce import mapping
from connectors.bigcommerce.statuses import STATUS_NAMES
from connectors.bigcommerce.store import BigCommerceStore
from connectors.canonical import Payment
from connectors.erp import ExternalRef, UpdateNotAllowed, records_payments
from connectors.errors import PermanentError
from connectors.registry import connector_class_for, erp_kind
from sync import payments as money
from sync.claims import find_or_create_claim
from sync.lease import job_owned
from sync.models import JobState, SyncJob
from sync.order_summary import DOCUMENT, STORE_LINES, document_recorded, store_lines, summary_fields


def erp_connector(connection):
    connector_class = connector_class_for(connection.erp_kind)
    if connector_class is None:
        raise PermanentError(erp_kind(connection.erp_kind).unavailable_message)
    return connector_class(connection)


def order_sync(job: SyncJob) -> tuple[str, str]:
    erp = erp_connector(job.connection)
    try:
        return _order_sync(job, erp)
    finally:
        erp.close()


def _order_sync(job: SyncJob, erp) -> tuple[str, str]:
    """(state, message): the message says why a job was skipped, in plain words.

    The store's budget is the scarce one: the order comes with its lines and ship-to addresses
    in one read, the customer is read only when the buyer changed, refunds only when the order
    has some, and a run for an order unchanged since it reached the ERP stops after one read.
    While the ERP has no room (our budget for it is spent), the run waits before its first store
    read: one ERP slot is taken first, for the run's first ERP call (a run that then finds
    nothing to send spends it unused), so orders queued behind a slow ERP do not read the store
    again each time they wake. For an ERP that records payments the order's money is part of
    "unchanged" (a transaction or a refund need not change the order's answer), so such a run
    stops after two or three reads."""
    connection = job.connection
    erp.slot_reserve()  # no store read while the ERP has no room for the run
    store = BigCommerceStore(connection, lane=job.lane)
    raw = store.order_with_lines(job.source_id)
    if raw is None:
        return JobState.SKIPPED, "The order no longer exists in BigCommerce (deleted or archived)."
    seen = {"date_modified": mapping.order_modified_at(raw).isoformat(), "answer": _digest(raw)}
    posts_payments = records_payments(type(erp))
    payments = _payments(store, job.source_id, raw) if posts_payments else None
    if posts_payments:
        seen["payments"] = _digest(money.digest_key(payments))
    if _already_synced_as_it_is(job, seen):
        return JobState.SUCCEEDED, ""
    buyer = mapping.order_buyer(raw)
    same_buyer = _same_buyer_as_last_sync(job, buyer)
    customer_id = raw.get("customer_id") or 0
    customer = store.customer(customer_id) if customer_id and not same_buyer else None
    order = mapping.order_from_consignments(raw, customer)
    details = {**job.details, "status_id": order.status_id, "status": order.status}
    if payments is None:
        payments = _payments(store, job.source_id, raw)
    details["payments"] = [_stored(p) for p in payments]
    details[STORE_LINES] = store_lines(order)
    job_owned(job).update(
        source_modified_at=order.modified_at, details=details, **summary_fields(order)
    )
    synced = {**seen, **buyer}

    if order.status_id not in connection.sync_status_ids:
        name = STATUS_NAMES.get(order.status_id, order.status)
        if job.erp_document_id:
            _warn(job, f"The order became '{name}' in BigCommerce after it reached the ERP "
                       f"(document {job.erp_document_number or job.erp_document_id}): adjust it there.")  # fmt: skip
            if posts_payments:  # a refund often makes the order 'Refunded': post it all the same
                document = ExternalRef(id=job.erp_document_id, number=job.erp_document_number)
                _payments_post(job, erp, document, order, payments)
            _remember_sync(job, synced)
            return JobState.SUCCEEDED, ""
        return (
            JobState.SKIPPED,
            f"Not sent: status '{name}' is not in the connection's 'Order statuses to sync'.",
        )

    if same_buyer:
        customer_ref = ExternalRef(id=job.erp_customer_id)
    else:
        with find_or_create_claim(connection, order.customer):
            customer_ref = erp.upsert_customer(order.customer)
        job_owned(job).update(erp_customer_id=customer_ref.id)
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
    job_owned(job).update(
        erp_document_id=document.id, erp_document_number=document.number or document.id
    )
    _document_record(job, erp, order)
    if document.warning:
        _warn(job, document.warning)
    if posts_payments:  # after the document exists (and stays, whatever a payment does)
        _payments_post(job, erp, document, order, payments)
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


def _document_record(job: SyncJob, erp, order) -> None:
    """The document sent, as the connector describes it, for the Orders page's comparison."""
    document = document_recorded(erp, order)
    if document is not None:
        job.refresh_from_db(fields=["details"])
        job_owned(job).update(details={**job.details, DOCUMENT: document})


def _remember_sync(job: SyncJob, synced: dict) -> None:
    """What this successful sync saw, for the next run to compare (after every ERP write)."""
    job.refresh_from_db(fields=["details"])
    job_owned(job).update(details={**job.details, SYNCED: synced})


def customer_sync(job: SyncJob) -> tuple[str, str]:
    erp = erp_connector(job.connection)
    try:
        return _customer_sync(job, erp)
    finally:
        erp.close()


def _customer_sync(job: SyncJob, erp) -> tuple[str, str]:
    erp.slot_reserve()
    store = BigCommerceStore(job.connection, lane=job.lane)
    raw = store.customer(job.source_id)
    if raw is None:
        return JobState.SKIPPED, "The customer no longer exists in BigCommerce."
    customer = mapping.customer_from_v3(raw)
    with find_or_create_claim(job.connection, customer):
        ref = erp.upsert_customer(customer)
    job_owned(job).update(
        erp_customer_id=ref.id, erp_document_id=ref.id, erp_document_number=ref.number or ref.id,
        source_modified_at=customer.modified_at,
    )  # fmt: skip
    return JobState.SUCCEEDED, ""


def _payments_post(job, erp, document, order, payments) -> None:
    if warning := money.payments_post(job, erp, document, order, payments):
        _warn(job, warning)


def _payments(store: BigCommerceStore, order_id: str, raw_order: dict) -> list[Payment]:
    """Transactions, and refunds when the order has some, read one order at a time
    (BigCommerce refuses concurrent refunds on an order; reading them serially keeps us clear
    of that rule too)."""
    transactions = store.transactions(order_id)
    payments = [mapping.payment_from_transaction(t) for t in transactions]
    if mapping.order_has_refunds(raw_order, transactions):
        payments += [mapping.payment_from_refund(r) for r in store.refunds(order_id)]
    return payments


def _stored(payment: Payment) -> dict:
    return {k: str(v) for k, v in asdict(payment).items()}


def _warn(job: SyncJob, text: str) -> None:
    job.refresh_from_db(fields=["warnings"])
    if text not in job.warnings:
        job_owned(job).update(warnings=[*job.warnings, text][-20:])
