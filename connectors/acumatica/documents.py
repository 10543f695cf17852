"""Acumatica's sales documents dated in a period, for reconciliation: the sales orders of the
connection's order type, or its AR invoices (whichever the connection creates), read with $top
and $skip; each carries the store order in ExternalRef ("BC-<order id>")."""

from connectors.acumatica import mapping
from connectors.acumatica.api import quoted
from connectors.answers import reading
from connectors.documents import summary

LABEL = "Acumatica"


def _moment(value) -> str:
    return f"datetimeoffset'{value.isoformat(timespec='seconds')}'"


def _number(row: dict, field: str) -> str:
    """As the job shows it: "SO SO000123" for an order (its type and number), the invoice's
    reference number."""
    if field == "OrderNbr":
        return f"{row.get('OrderType') or ''} {row.get('OrderNbr') or ''}".strip()
    return str(row.get(field) or "")


def sales_documents(api, settings: mapping.MappingSettings, since, until):
    dated = f"Date ge {_moment(since)} and Date lt {_moment(until)}"
    if settings.document == mapping.DIRECT_INVOICE:
        entity, kind = "SalesInvoice", f"Type eq {quoted('Invoice')}"
        select, number, total = (
            "Type,ReferenceNbr,ExternalRef,Amount,CurrencyID,Date",
            "ReferenceNbr",
            "Amount",
        )
    else:
        entity, kind = "SalesOrder", f"OrderType eq {quoted(settings.order_type)}"
        select, number, total = (
            "OrderType,OrderNbr,ExternalRef,OrderTotal,CurrencyID,Date",
            "OrderNbr",
            "OrderTotal",
        )
    for page in api.pages(entity, filter=f"{kind} and {dated}", select=select):
        with reading(LABEL, f"the {entity} list"):
            found = [
                summary(row.get("ExternalRef"), "BC-", id=row["id"], number=_number(row, number),
                        total=row[total], currency=row.get("CurrencyID"), date=row.get("Date"))
                for row in page
            ]  # fmt: skip
        yield [document for document in found if document is not None]
