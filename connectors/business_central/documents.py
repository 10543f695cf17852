"""Business Central's sales documents dated in a period, for reconciliation, with server-driven
paging (@odata.nextLink). Invoices carry the store order in customerPurchaseOrderReference,
orders in externalDocumentNumber ("BigCommerce <order id>"); an order shipped and invoiced in
full is deleted by Business Central, and its posted invoice keeps that reference, so in order
mode the invoices of orders no longer listed are read too."""

from datetime import timedelta

from connectors.answers import reading
from connectors.business_central import mapping
from connectors.documents import summary

LABEL = "Business Central"
PREFIX = "BigCommerce "
# An order is invoiced after it was placed: its invoice is looked for this much later too.
INVOICED_WITHIN = timedelta(days=45)


def _rows(api, entity_set: str, date_field: str, since, until, extra: str = ""):
    reference = mapping.reference_field(entity_set)
    dated = (
        f"{date_field} ge {since.date().isoformat()} and {date_field} lt {until.date().isoformat()}"
    )
    select = f"id,number,totalAmountIncludingTax,currencyCode,{date_field},{reference}"
    if entity_set == mapping.INVOICES:
        select += ",orderNumber,externalDocumentNumber,status"
    yield from api.pages(entity_set, filter=dated + extra, select=select)


def _summary(row: dict, reference_field: str, date_field: str):
    return summary(
        row.get(reference_field), PREFIX, id=row["id"], number=row.get("number"),
        total=row["totalAmountIncludingTax"], currency=row.get("currencyCode"),
        date=row.get(date_field),
    )  # fmt: skip


def sales_documents(api, settings, since, until):
    entity_set = settings.entity_set
    if entity_set == mapping.INVOICES:
        field = mapping.reference_field(entity_set)
        for page in _rows(api, entity_set, "invoiceDate", since, until):
            with reading(LABEL, "the sales invoice list"):
                found = [_summary(row, field, "invoiceDate") for row in page]
            yield [document for document in found if document is not None]
        return
    listed = set()
    for page in _rows(api, mapping.ORDERS, "orderDate", since, until):
        with reading(LABEL, "the sales order list"):
            found = [_summary(row, "externalDocumentNumber", "orderDate") for row in page]
        found = [document for document in found if document is not None]
        listed |= {document.number for document in found}
        yield found
    posted = " and status ne 'Draft'"
    for page in _rows(api, mapping.INVOICES, "invoiceDate", since, until + INVOICED_WITHIN, posted):
        with reading(LABEL, "the sales invoice list"):
            found = [
                _summary(row, "externalDocumentNumber", "invoiceDate")
                for row in page
                if str(row.get("orderNumber") or "") not in listed
            ]
        yield [document for document in found if document is not None]
