"""Customers both ways.

BigCommerce → MYOB: find the card by its link or by e-mail (Addresses Email), else create it;
an existing card is updated (PUT with RowVersion, re-read and retried on 409) only with data newer
than what we last wrote, and only when a managed field differs.

MYOB → BigCommerce: a poll on LastModified pushes name, e-mail and address changes of linked
cards back to the store. Cards whose RowVersion is one we wrote (or already pushed) are our own
echo and are skipped; the store's resulting customer/updated webhook finds nothing to change in
MYOB. Nothing ping-pongs.
"""

from datetime import datetime, timedelta

from django.utils import timezone

from connectors.answers import reading
from connectors.erp import ExternalRef
from connectors.errors import PermanentError
from connectors.myob import mapping
from connectors.myob.api import MyobApi, quoted
from connectors.myob.models import MyobCustomerLink
from connectors.myob.reference import TAX_CODES, ReferenceData

RESOURCE = "Contact/Customer"
CONFLICT_RETRIES = 3
CURSOR = "myob_customers"


def _link_save(connection, customer, entity: dict, *, wrote: bool) -> MyobCustomerLink:
    fields = {"myob_uid": entity["UID"], "display_id": entity.get("DisplayID") or ""}
    if wrote:
        fields["written_row_version"] = entity.get("RowVersion") or ""
        if customer.modified_at:
            fields["source_modified_at"] = customer.modified_at
    link, _ = MyobCustomerLink.objects.update_or_create(
        connection=connection, source_id=customer.source_id, defaults=fields
    )
    return link


def _find(api: MyobApi, link: MyobCustomerLink | None, email: str) -> dict | None:
    if link is not None:
        entity = api.get(RESOURCE, link.myob_uid)
        if entity is not None:
            return entity
        link.delete()  # the card was deleted in MYOB: match again
    if not email:
        return None
    return api.first(RESOURCE, f"Addresses/any(a: a/Email eq {quoted(email.lower())})")


def _newer(customer, link: MyobCustomerLink | None) -> bool:
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
                "settings, then replay."
            )
    body = mapping.customer_payload(
        customer, codes[settings.tax_code_taxable]["UID"], codes[settings.freight_tax_code]["UID"]
    )
    return api.create(RESOURCE, body)


def customer_upsert(api: MyobApi, customer, settings: mapping.MappingSettings) -> ExternalRef:
    connection = api.connection
    link = MyobCustomerLink.objects.filter(
        connection=connection, source_id=customer.source_id
    ).first()
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
def _push(connection, link: MyobCustomerLink, entity: dict) -> bool:
    from connectors.bigcommerce.store import BigCommerceStore

    store = BigCommerceStore(connection)
    current = store.customer(link.source_id)
    if current is None:
        return False
    changes = mapping.bigcommerce_customer_changes(entity, current)
    return store.customer_update(link.source_id, changes)


def _myob_time(value: str) -> datetime:
    return datetime.fromisoformat(str(value).rstrip("Z")).replace(tzinfo=None)


@reading("MYOB", "the changed customer cards")
def customers_poll(connection_id) -> int:
    """Push MYOB-side changes of linked cards to BigCommerce. Returns how many were pushed.

    The cursor keeps MYOB's own LastModified text (its clock and zone, whatever they are), so
    the next poll asks from exactly where this one stopped."""
    from connectors.polling import read_cursor, write_cursor
    from tenants.models import Connection, ConnectionStatus

    connection = Connection.objects.get(pk=connection_id)
    if connection.status != ConnectionStatus.ACTIVE or connection.erp_kind != "myob":
        return 0
    since = read_cursor(connection, CURSOR)
    if since is None:
        since = (timezone.now() - timedelta(days=1)).replace(tzinfo=None)
    api = MyobApi(connection, lane="backfill")
    text = (
        f"LastModified gt datetime'{since.replace(tzinfo=None).isoformat(timespec='milliseconds')}'"
    )
    pushed = 0
    for page in api.pages(RESOURCE, filter=text, orderby="LastModified"):
        links = {
            link.myob_uid.lower(): link
            for link in MyobCustomerLink.objects.filter(
                connection=connection, myob_uid__in=[e["UID"] for e in page]
            ).exclude(source_id__startswith="guest:")
        }
        for entity in page:
            link = links.get(str(entity["UID"]).lower())
            version = entity.get("RowVersion") or ""
            if link is None or version in (link.written_row_version, link.seen_row_version):
                continue  # not ours to sync, or our own write coming back
            pushed += _push(connection, link, entity)
            MyobCustomerLink.objects.filter(pk=link.pk).update(seen_row_version=version)
        if page:
            write_cursor(connection.pk, CURSOR, max(_myob_time(e["LastModified"]) for e in page))
    return pushed
