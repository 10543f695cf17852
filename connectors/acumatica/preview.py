"""The Acumatica sales order or invoice an order would become (document_preview), built by the
same payload builders as the create, which need nothing from Acumatica but the customer."""

from decimal import Decimal

from connectors.acumatica import mapping
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

ERP = "Acumatica"
KINDS = {
    mapping.SALES_ORDER: "Sales order",
    mapping.ORDER_THEN_INVOICE: "Sales order, then its invoice (released)",
    mapping.DIRECT_INVOICE: "Invoice (released)",
}


def document_preview(order: Order, settings: mapping.MappingSettings) -> DocumentPreview:
    customer = mapping.customer_code(order.customer)
    if settings.document == mapping.DIRECT_INVOICE:
        body = mapping.sales_invoice_payload(order, customer, settings)
        quantity_field, freight = "Qty", body.get("FreightPrice")
    else:
        body = mapping.sales_order_payload(order, customer, settings)
        quantity_field, freight = "OrderQty", (body.get("Totals") or {}).get("Freight")
    lines = []
    for product, row in zip(order.lines, body["Details"], strict=True):
        quantity = Decimal(row[quantity_field])
        discount = Decimal(row.get("DiscountAmount") or ZERO)
        where = f"warehouse {row['WarehouseID']}" if row.get("WarehouseID") else ""
        lines.append(
            DocumentLine(
                description=product.name,
                sku=row["InventoryID"],
                quantity=quantity,
                unit_price=cents(row["UnitPrice"]),
                amount=cents(quantity * row["UnitPrice"]) - cents(discount),
                account=where,
            )
        )
    if freight:
        lines.append(DocumentLine("Freight", unit_price=cents(freight), amount=cents(freight)))
    notes = [lookups_note(ERP, "the stock items", [row["InventoryID"] for row in body["Details"]])]
    taxes = body.get("TaxDetails") or []
    if taxes:
        tax = cents(sum((Decimal(t["TaxAmount"]) for t in taxes), ZERO))
        notes.append(f"Tax {settings.tax_id} is set to the store's amount.")
    else:
        tax = cents(order.total_tax)
        notes.append(store_tax_note(ERP, order))
    return DocumentPreview(
        kind=f"{KINDS.get(settings.document, 'Sales order')} (reference {body['ExternalRef']})",
        customer=customer_text(order, f"the customer with this e-mail, or a new one: {customer}"),
        lines=tuple(lines),
        total=total_with_tax(lines, tax),
        tax=tax,
        currency=order.currency,
        notes=tuple(notes),
    )
