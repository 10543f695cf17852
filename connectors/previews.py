"""Shared pieces of the ERPs' document previews (ErpConnector.document_preview): each ERP builds
its payload with the same pure builder its create uses, with the records the create would look
up in the ERP stood in for by what it would look up, and reads the lines back from that payload.
"""

from decimal import ROUND_HALF_UP, Decimal

from connectors.canonical import Order
from connectors.erp import DocumentLine

CENT = Decimal("0.01")
ZERO = Decimal("0")


def cents(value) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def customer_text(order: Order, how: str) -> str:
    """Who the document goes to: the ERP's customer, found or created as `how` says."""
    buyer = order.customer
    name = buyer.display_name or buyer.email or "the shopper"
    email = f" <{buyer.email}>" if buyer.email and buyer.email != name else ""
    return f"{name}{email} ({how})"


def lookups_note(erp: str, what: str, codes) -> str:
    """The note for records the create looks up in the ERP and the preview does not."""
    listed = ", ".join(sorted({c for c in codes if c})) or "none"
    return f"Looked up in {erp} when the document is created, not now: {what} {listed}."


def store_tax_note(erp: str, order: Order) -> str:
    return (
        f"{erp} works out the tax itself; the total shown uses the store's tax of "
        f"{cents(order.total_tax)} {order.currency}."
    )


def total_with_tax(lines: list[DocumentLine], tax: Decimal, *, inclusive: bool = False) -> Decimal:
    """The document's total: its lines' amounts, plus the tax when they are before tax."""
    amounts = sum((line.amount for line in lines), ZERO)
    return cents(amounts if inclusive else amounts + tax)
