"""Reading an ERP's sales-document list for reconciliation (ErpConnector.sales_documents): the
store order a document carries, from the reference our connectors write on it."""

import re
from datetime import UTC, datetime
from decimal import Decimal

from connectors.erp import DocumentSummary


def order_id_in(text, prefix: str) -> str | None:
    """The store order id in a reference written as `prefix` + id ("BC-1042"), or None for a
    document that is not one of ours (made by hand in the ERP, another integration)."""
    if not isinstance(text, str) or not text.startswith(prefix):
        return None
    digits = text[len(prefix) :].strip()
    return str(int(digits)) if digits.isdecimal() else None


ODATA_V2_DATE = re.compile(r"^/Date\((-?\d+)[^)]*\)/$")


def iso_date(value) -> str:
    """The day of a document's date, written as OData v2 (/Date(ms)/) or ISO 8601."""
    text = str(value or "")
    if match := ODATA_V2_DATE.match(text):
        return datetime.fromtimestamp(int(match.group(1)) / 1000, tz=UTC).date().isoformat()
    return text[:10]


def summary(reference, prefix: str, *, id, number="", total=None, currency="", date=""):
    """A DocumentSummary, or None when the document carries no order reference of ours. A field
    of the wrong type raises (ValueError, TypeError): the caller reads it as a malformed answer."""
    order_id = order_id_in(reference, prefix)
    if order_id is None:
        return None
    amount = None if total is None else Decimal(str(total)).quantize(Decimal("0.01"))
    return DocumentSummary(
        reference=order_id, id=str(id), number=str(number or ""), total=amount,
        currency=str(currency or ""), date=iso_date(date),
    )  # fmt: skip
