"""The MYOB invoice an order would become (MyobConnector.document_preview), built by
mapping.invoice_payload with no call to MYOB: the tax codes, items, account and category the
create looks up in the company file stand in under their own codes."""

from decimal import Decimal

from connectors.canonical import Order
from connectors.erp import DocumentLine, DocumentPreview
from connectors.errors import PermanentError
from connectors.myob import mapping
from connectors.previews import cents, customer_text, lookups_note, total_with_tax

ERP = "MYOB"


def _stand_ins(codes) -> dict[str, dict]:
    return {code: {"UID": code, "Number": code} for code in codes if code}


def stand_ins(order: Order, settings: mapping.MappingSettings) -> mapping.Resolved:
    """What resolve() would find, assuming the company file has every code the order names."""
    codes = (settings.tax_code_taxable, settings.tax_code_non_taxable, settings.freight_tax_code)
    skus = {line.sku for line in order.lines} | {settings.freight_item}
    return mapping.Resolved(
        tax_codes=_stand_ins(codes),
        items=_stand_ins(skus),
        accounts=_stand_ins([settings.unmapped_sku_account]),
        categories=_stand_ins([settings.category]),
    )


def invoice_preview(order: Order, settings: mapping.MappingSettings) -> DocumentPreview:
    try:
        kind, body = mapping.invoice_payload(order, "", settings, stand_ins(order, settings))
    except mapping.MappingError as exc:
        raise PermanentError(str(exc)) from exc
    lines = []
    for number, row in enumerate(body["Lines"]):
        product = order.lines[number] if number < len(order.lines) else None
        lines.append(
            DocumentLine(
                description=row["Description"],
                sku=product.sku if product else "",
                quantity=Decimal(row.get("ShipQuantity", row.get("UnitCount", 1))),
                unit_price=cents(row["UnitPrice"]),
                amount=cents(row["Total"]),
                account=f"tax code {row['TaxCode']['UID']}",
            )
        )
    if "Freight" in body:
        lines.append(
            DocumentLine(
                description="Freight",
                unit_price=cents(body["Freight"]),
                amount=cents(body["Freight"]),
                account=f"tax code {body['FreightTaxCode']['UID']}",
            )
        )
    inclusive = bool(body["IsTaxInclusive"])
    tax = cents(order.total_tax)
    notes = [
        lookups_note(ERP, "the items", [line.sku for line in order.lines]),
        f"Prices are {'including' if inclusive else 'before'} tax; MYOB works out the tax from "
        "the tax codes.",
    ]
    if settings.unmapped_sku_account:
        notes.append(
            f"A SKU with no MYOB item goes to income account {settings.unmapped_sku_account}."
        )
    number = body.get("Number") or "MYOB's next invoice number"
    return DocumentPreview(
        kind=f"{kind} invoice {number} (reference {body['CustomerPurchaseOrderNumber']})",
        customer=customer_text(order, "the MYOB customer card with this e-mail, or a new one"),
        lines=tuple(lines),
        total=total_with_tax(lines, tax, inclusive=inclusive),
        tax=tax,
        currency=order.currency,
        notes=tuple(notes),
    )
