"""The Exact Online sales invoice an order would become (document_preview), built by
mapping.invoice_payload with no call to Exact: the items and GL accounts the create looks up by
code stand in under their codes, and the delivery address it would add is named, not created."""

from decimal import Decimal

from connectors.canonical import Order
from connectors.erp import DocumentLine, DocumentPreview
from connectors.exact_online import mapping
from connectors.previews import cents, customer_text, lookups_note, store_tax_note, total_with_tax

ERP = "Exact Online"


def stand_ins(order: Order, settings: mapping.MappingSettings) -> mapping.Resolved:
    """What resolve() would find, assuming Exact has every code the order names."""
    codes = {line.sku for line in order.lines} | {
        settings.shipping_item,
        settings.unmapped_sku_item,
    }
    gl_codes = {settings.gl_revenue, settings.shipping_gl}
    return mapping.Resolved(
        items={code: code for code in codes if code},
        gl_accounts={code: code for code in gl_codes if code},
    )


def invoice_preview(order: Order, settings: mapping.MappingSettings) -> DocumentPreview:
    body = mapping.invoice_payload(order, "", settings, stand_ins(order, settings))
    lines = []
    for number, row in enumerate(body["SalesInvoiceLines"]):
        product = order.lines[number] if number < len(order.lines) else None
        quantity = Decimal(str(row["Quantity"]))
        price = Decimal(str(row["NetPrice"]))
        account = f"VAT code {row['VATCode']}"
        if row.get("GLAccount"):
            account += f", GL account {row['GLAccount']}"
        if row.get("CostCenter"):
            account += f", cost centre {row['CostCenter']}"
        lines.append(
            DocumentLine(
                description=row["Description"],
                sku=product.sku if product else "",
                quantity=quantity,
                unit_price=cents(price),
                amount=cents(quantity * price),
                account=account,
            )
        )
    tax = cents(order.total_tax)
    notes = [
        lookups_note(
            ERP, "the items with the codes", [row["Item"] for row in body["SalesInvoiceLines"]]
        ),
        store_tax_note(ERP, order),
    ]
    if mapping.delivery_address_payload("", order):
        notes.append("The order's ship-to address is added to the account as a delivery address.")
    return DocumentPreview(
        kind=f"Sales invoice in journal {body['Journal']} (reference {body['YourRef']})",
        customer=customer_text(order, "the Exact Online account with this e-mail, or a new one"),
        lines=tuple(lines),
        total=total_with_tax(lines, tax),
        tax=tax,
        currency=body["Currency"],
        notes=tuple(notes),
    )
