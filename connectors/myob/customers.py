"""Customers both ways.

BigCommerce → MYOB: find the card by its link or by e-mail (Addresses Email), else create it;
an existing card is updated (PUT with RowVersion, re-read and retried on 409) only with data newer
than what we last wrote, and only when a managed field differs.

MYOB → BigCommerce: the customers stream lists cards by LastModified; each card is an ErpRecord
whose version is its RowVersion. A card whose RowVersion is one we wrote (or already pushed) is
our own echo and is skipped; the store's resulting customer/updated webhook finds nothing to
change in MYOB. Nothing ping-pongs.
"""

from collections.abc import Iterator
from datetime import datetime, timedelta

from django.utils import timezone

from connectors.answers import reading
from connectors.canonical import ErpRecord
from connectors.causes import TAX_CODE_UNMAPPED
from connectors.erp import ExternalRef
from connectors.errors import PermanentError
from connectors.links import customer_link, customer_link_save
from connectors.models import ExternalLink
from connectors.myob import mapping
from connectors.myob.api import MyobApi, modified_after, myob_time, quoted
from connectors.myob.reference import TAX_CODES, ReferenceData

RESOURCE = "Contact/Customer"
CONFLICT_RETRIES = 3


def _link_save(connection, customer, entity: dict, *, wrote: bool) -> ExternalLink:
    fields = {"erp_id": entity["UID"], "erp_number": entity.get("DisplayID") or ""}
    if wrote:
        fields["written_version"] = entity.get("RowVersion") or ""
        if customer.modified_at:
            fields["source_modified_at"] = customer.modified_at
    return customer_link_save(connection, customer.source_id, **fields)


def _find(api: MyobApi, link: ExternalLink | None, email: str) -> dict | None:
    if link is not None:
        entity = api.get(RESOURCE, link.erp_id)
        if entity is not None:
            return entity
        link.delete()  # the card was deleted in MYOB: match again
    if not email:
        return None
    return api.first(RESOURCE, f"Addresses/any(a: a/Email eq {quoted(email.lower())})")


def _newer(customer, link: ExternalLink | None) -> bool:
    """Only data modified after what we last wrote may overwrite the card (guests never do)."""
    if customer.modified_at is None:
        return False
    return (
        link is None
        or link.source_modified_at is None
        or customer.modified_at > link.source_modified_at
    )


def _update(api: MyobApi, entity: dict, customer) -> dict | None:
    """PUT the managed fields; on 409 (someone changed the card) re-read and apply again."""
    for attempt in range(1, CONFLICT_RETRIES + 1):
        body = mapping.customer_update(entity, customer)
        if body is None:
            return None
        try:
            return api.update(RESOURCE, body)
        except PermanentError as exc:
            if exc.status != 409 or attempt == CONFLICT_RETRIES:
                raise
            entity = api.get(RESOURCE, entity["UID"])
            if entity is None:
                raise
    return None


def _create(api: MyobApi, customer, settings: mapping.MappingSettings) -> dict:
    codes = ReferenceData(api).find(
        TAX_CODES, [settings.tax_code_taxable, settings.freight_tax_code]
    )
    for code, setting in ((settings.tax_code_taxable, "Tax code for taxable lines"),
                          (settings.freight_tax_code, "Freight tax code")):  # fmt: skip
        if code not in codes:
            raise PermanentError(
                f"Tax code {code or '(blank)'} does not exist in the MYOB company file, so the "
                f"customer card cannot be created. Change '{setting}' in the connection's MYOB "
                "settings, then replay.",
                cause=TAX_CODE_UNMAPPED,
                subject=code,
            )
    body = mapping.customer_payload(
        customer, codes[settings.tax_code_taxable]["UID"], codes[settings.freight_tax_code]["UID"]
    )
    return api.create(RESOURCE, body)


def customer_upsert(api: MyobApi, customer, settings: mapping.MappingSettings) -> ExternalRef:
    connection = api.connection
    link = customer_link(connection, customer.source_id)
    entity = _find(api, link, customer.email)
    if entity is None:
        entity = _create(api, customer, settings)
        wrote = True
    elif _newer(customer, link):
        written = _update(api, entity, customer)
        wrote = written is not None
        entity = written or entity
    else:
        wrote = False
    _link_save(connection, customer, entity, wrote=wrote)
    return ExternalRef(id=entity["UID"], number=entity.get("DisplayID") or "")


# --- MYOB → BigCommerce ---------------------------------------------------------------------
def _record(card: dict) -> ErpRecord:
    return ErpRecord(
        erp_id=card["UID"], version=card.get("RowVersion") or "",
        modified_at=myob_time(card["LastModified"]), data=mapping.store_customer(card),
    )  # fmt: skip


def customers_changed(api: MyobApi, since: datetime | None) -> Iterator[list[ErpRecord]]:
    """Pages of the cards changed after `since`, oldest first.

    The cursor keeps MYOB's own LastModified (its clock and zone, whatever they are), so the next
    poll asks from exactly where this one stopped."""
    if since is None:
        since = (timezone.now() - timedelta(days=1)).replace(tzinfo=None)
    for page in api.pages(RESOURCE, filter=modified_after(since), orderby="LastModified"):
        with reading("MYOB", "the changed customer cards"):
            records = [_record(card) for card in page]
        yield records


def customer_now(api: MyobApi, uid: str) -> ErpRecord | None:
    card = api.get(RESOURCE, uid)
    if card is None:
        return None
    with reading("MYOB", "a customer card"):
        return _record(card)
