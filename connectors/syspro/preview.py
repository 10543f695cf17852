"""The SYSPRO sales order an order would become (document_preview), read back from the SORTOI
document mapping.sortoi_xml writes for the create, with no call to SYSPRO: the stock codes the
create looks up are the SKUs upper-cased, as SYSPRO keeps them."""

from decimal import Decimal

from defusedxml.ElementTree import fromstring

from connectors.canonical import Order
from connectors.erp import DocumentLine, DocumentPreview
from connectors.previews import (
    ZERO,
    cents,
    customer_text,
    lookups_note,
    store_tax_note,
    total_with_tax,
)
from connectors.syspro import mapping

ERP = "SYSPRO"


def _value(element, name: str) -> Decimal:
    return Decimal(element.findtext(name) or ZERO)


def document_preview(order: Order, settings: mapping.MappingSettings) -> DocumentPreview:
    code = mapping.customer_code(order.customer, settings) or "SYSPRO's next number"
    document, cuts = mapping.sortoi_xml(order, code, settings)
    root = fromstring(document)
    lines, priced = [], settings.price_handling == mapping.PRICE_STORE
    for product, row in zip(order.lines, root.iter("StockLine"), strict=True):
        quantity, price = _value(row, "OrderQty"), _value(row, "Price")
        amount = cents(quantity * price) - cents(_value(row, "LineDiscValue"))
        tax_code = row.findtext("StockTaxCode")
        lines.append(
            DocumentLine(
                description=product.name,
                sku=row.findtext("StockCode") or "",
                quantity=quantity,
                unit_price=cents(price) if priced else ZERO,
                amount=amount if priced else ZERO,
                account=f"warehouse {row.findtext('Warehouse')}"
                + (f", tax code {tax_code}" if tax_code else ""),
            )
        )
    for row in root.iter("FreightLine"):
        value = cents(_value(row, "FreightValue"))
        lines.append(DocumentLine("Freight", unit_price=value, amount=value))
    for row in root.iter("MiscChargeLine"):
        value = cents(_value(row, "MiscChargeValue"))
        lines.append(
            DocumentLine(
                row.findtext("MiscDescription") or "Charge",
                unit_price=value,
                amount=value,
                account=f"product class {row.findtext('MiscProductClass')}",
            )
        )
    tax = cents(order.total_tax)
    notes = [lookups_note(ERP, "the stock codes", [line.sku for line in lines]), *cuts]
    if priced:
        notes.append(store_tax_note(ERP, order))
    else:
        notes.append("SYSPRO prices the lines from its own price lists, so no total is shown.")
    then = ", then invoiced" if settings.billing else ", left open for SYSPRO's users"
    return DocumentPreview(
        kind=f"Sales order{then} (customer PO {mapping.order_reference(order)})",
        customer=customer_text(
            order, f"the SYSPRO customer with this e-mail, or new customer {code}"
        ),
        lines=tuple(lines),
        total=total_with_tax(lines, tax) if priced else None,
        tax=tax,
        currency=order.currency,
        notes=tuple(notes),
    )
