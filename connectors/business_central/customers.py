"""Customers both ways.

BigCommerce → Business Central: the customer found by its link, else by e-mail
(`$filter=email eq '…'`, written lower case by us), else created with the template customer's
tax area, tax liability, payment terms and currency. A create is never repeated in place: a lost
answer is found by its e-mail on the next attempt. An existing customer is brought up to date
(PATCH of the managed fields that differ, with its `@odata.etag` as If-Match) only with store data
newer than what we last wrote; a 409 Request_EntityChanged (someone changed it meanwhile) reads
it again and retries.

Business Central → BigCommerce: the customers stream lists customers changed after the cursor
(`lastModifiedDateTime gt <date-time>`, oldest first, paged); each is an ErpRecord whose version
is its etag, so a record whose etag is one we wrote is our own echo.
"""

from collections.abc import Iterator
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from connectors.answers import reading
from connectors.business_central import mapping
from connectors.business_central.api import (
    ETAG,
    BusinessCentralApi,
    EntityChanged,
    datetime_literal,
    quoted,
)
from connectors.business_central.client import LABEL
from connectors.canonical import ErpRecord
from connectors.causes import SETTING_INVALID
from connectors.erp import ExternalRef
from connectors.errors import PermanentError
from connectors.links import customer_link, customer_link_save
from connectors.models import ExternalLink

CUSTOMERS = "customers"
CONFLICT_RETRIES = 3


def _find(api: BusinessCentralApi, link: ExternalLink | None, email: str) -> dict | None:
    if link is not None:
        found = api.get(CUSTOMERS, link.erp_id)
        if found is not None:
            return found
        link.delete()  # deleted in Business Central: match again
    email = email.strip().lower()
    if not email:
        return None
    return api.first(CUSTOMERS, filter=f"email eq {quoted(email)}")


def _template(api: BusinessCentralApi, settings: mapping.MappingSettings) -> dict:
    if not settings.customer_template:
        return {}
    found = api.first(CUSTOMERS, filter=f"number eq {quoted(settings.customer_template)}")
    if found is None:
        raise PermanentError(
            f"The template customer {settings.customer_template} is not in Business Central, so "
            "a new customer cannot be created like it: choose an existing customer No. as the "
            "customer template on the connection's 'Business Central documents' page, then "
            "replay.",
            cause=SETTING_INVALID,
            subject="Customer template",
        )
    return found


def _newer(customer, link: ExternalLink | None) -> bool:
    """Only store data modified after what we last wrote may overwrite the record (a guest's
    never does: it has no modification time)."""
    if customer.modified_at is None:
        return False
    return (
        link is None
        or link.source_modified_at is None
        or (customer.modified_at > link.source_modified_at)
    )


def _update(api: BusinessCentralApi, record: dict, customer) -> dict | None:
    """PATCH the managed fields that differ; on a 409 read the record again and retry."""
    for attempt in range(1, CONFLICT_RETRIES + 1):
        changes = mapping.customer_changes(record, customer)
        if not changes:
            return None
        try:
            return api.update(CUSTOMERS, record["id"], changes, etag=record.get(ETAG) or "")
        except EntityChanged:
            if attempt == CONFLICT_RETRIES:
                raise
            record = api.get(CUSTOMERS, record["id"])
            if record is None:
                raise
    return None


def customer_upsert(api: BusinessCentralApi, customer, settings: mapping.MappingSettings) -> ExternalRef:  # fmt: skip
    connection = api.connection
    link = customer_link(connection, customer.source_id)
    record = _find(api, link, customer.email)
    if record is None:
        record, wrote = api.create(CUSTOMERS, mapping.customer_payload(customer, _template(api, settings))), True  # fmt: skip
    elif _newer(customer, link):
        written = _update(api, record, customer)
        record, wrote = written or record, written is not None
    else:
        wrote = False
    fields = {"erp_id": str(record["id"]), "erp_number": str(record.get("number") or "")}
    if wrote:
        fields["written_version"] = str(record.get(ETAG) or "")
        if customer.modified_at:
            fields["source_modified_at"] = customer.modified_at
    customer_link_save(connection, customer.source_id, **fields)
    return ExternalRef(id=str(record["id"]), number=str(record.get("number") or ""))


# --- Business Central → BigCommerce ----------------------------------------------------------
def modified_at(record: dict) -> datetime:
    value = parse_datetime(str(record["lastModifiedDateTime"]))
    if value is None:
        raise ValueError(
            f"lastModifiedDateTime {record['lastModifiedDateTime']!r:.40} is not a date-time"
        )
    return value


def _record(record: dict) -> ErpRecord:
    return ErpRecord(
        erp_id=str(record["id"]), version=str(record.get(ETAG) or ""),
        modified_at=modified_at(record), data=mapping.store_customer(record),
    )  # fmt: skip


def customers_changed(api: BusinessCentralApi, since: datetime | None) -> Iterator[list[ErpRecord]]:
    """Pages of the customers changed after `since` (the day before on a first poll), oldest
    first. The cursor keeps Business Central's own lastModifiedDateTime (UTC)."""
    if since is None:
        since = timezone.now() - timedelta(days=1)
    pages = api.pages(
        CUSTOMERS, filter=f"lastModifiedDateTime gt {datetime_literal(since)}",
        orderby="lastModifiedDateTime",
    )  # fmt: skip
    for page in pages:
        with reading(LABEL, "the changed customers"):
            records = [_record(record) for record in page]
        yield records


def customer_now(api: BusinessCentralApi, record_id: str) -> ErpRecord | None:
    record = api.get(CUSTOMERS, record_id)
    if record is None:
        return None
    with reading(LABEL, "a customer"):
        return _record(record)
