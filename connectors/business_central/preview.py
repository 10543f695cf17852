"""The Business Central sales invoice or order an order would become (document_preview), built
by mapping.document_payload with no call to Business Central: the items the create looks up stand
in under the numbers the SKUs give."""

from decimal import Decimal

from connectors.business_central import mapping
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

ERP = "Business Central"


def document_preview(order: Order, settings: mapping.MappingSettings) -> DocumentPreview:
    numbers = {mapping.item_number(line.sku): mapping.item_number(line.sku) for line in order.lines}
    body = mapping.document_payload(order, "", numbers, settings)
    entity_set = settings.entity_set
    rows = body[mapping.LINES[entity_set]]
    lines = []
    for number, row in enumerate(rows):
        product = order.lines[number] if number < len(order.lines) else None
        quantity, price = Decimal(row["quantity"]), Decimal(row["unitPrice"])
        discount = Decimal(row.get("discountAmount") or ZERO)
        item = row["lineType"] == "Item"
        lines.append(
            DocumentLine(
                description=product.name if product else row.get("description", ""),
                sku=row["lineObjectNumber"] if item else "",
                quantity=quantity,
                unit_price=cents(price),
                amount=cents(quantity * price) - cents(discount),
                account="" if item else f"G/L account {row['lineObjectNumber']}",
            )
        )
    if discount := body.get("discountAmount"):
        lines.append(DocumentLine("Discount on the whole order", amount=-cents(discount)))
    tax = cents(order.total_tax)
    what = "Sales invoice, posted" if entity_set == mapping.INVOICES else "Sales order"
    return DocumentPreview(
        kind=f"{what} (reference {body[mapping.reference_field(entity_set)]})",
        customer=customer_text(
            order, "the Business Central customer with this e-mail, or a new one"
        ),
        lines=tuple(lines),
        total=total_with_tax(lines, tax),
        tax=tax,
        currency=order.currency,
        notes=(
            lookups_note(ERP, "the items with the numbers", numbers),
            store_tax_note(ERP, order),
        ),
    )
