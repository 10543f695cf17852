"""The handlers of the flows from an ERP into the store (sync/flows.py).

A job's source id is the ERP record's id. The run reads the record again rather than keep the
poll's copy on the job: a job can wait (the store's budget, retries, a replay hours later), and
the record as it is now is never older than what the store already has from our own later writes
(its version then is the one we wrote, and nothing is pushed)."""

from connectors.bigcommerce.customers import bigcommerce_customer_changes
from connectors.bigcommerce.store import BigCommerceStore
from connectors.links import store_links
from connectors.models import ExternalLink, LinkEntity
from sync.lease import job_owned
from sync.models import JobState, SyncJob
from sync.order_sync import erp_connector


def customer_to_store(job: SyncJob) -> tuple[str, str]:
    """Write the ERP's customer to the store customer it is linked to, where they differ."""
    connection = job.connection
    link = store_links(connection, LinkEntity.CUSTOMER, [job.source_id]).get(job.source_id.lower())
    if link is None:
        return JobState.SKIPPED, "The ERP record is not linked to a store customer any more."
    erp = erp_connector(connection)
    try:
        return _customer_to_store(job, erp, link)
    finally:
        erp.close()


def _customer_to_store(job: SyncJob, erp, link) -> tuple[str, str]:
    connection = job.connection
    record = erp.customer_record(job.source_id)
    if record is None:
        return JobState.SKIPPED, f"The customer no longer exists in {erp.label}."
    job_owned(job).update(
        erp_customer_id=record.erp_id, erp_document_id=record.erp_id,
        erp_document_number=link.erp_number or record.erp_id,
    )  # fmt: skip
    if record.version == link.written_version:
        return JobState.SKIPPED, f"Nothing to write: {erp.label} has the customer as we wrote it."
    store = BigCommerceStore(connection, lane=job.lane)
    current = store.customer(link.source_id)
    if current is not None:
        store.customer_update(link.source_id, bigcommerce_customer_changes(record.data, current))
    ExternalLink.objects.filter(pk=link.pk).update(seen_version=record.version)
    if current is None:
        return JobState.SKIPPED, "The customer no longer exists in BigCommerce."
    return JobState.SUCCEEDED, ""
