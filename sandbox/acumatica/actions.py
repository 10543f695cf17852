"""Actions (POST <Entity>/<Action> {"entity": {keys or id}, "parameters": {}}): done at once,
answered 202 with a Location to poll, which answers 202 for the tenant's `action_polls` polls and
then 204. A document on hold cannot be prepared or released (422). The Default contract has no
ReleaseFromHold: a PUT of Hold: false takes a document off hold."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from sandbox.acumatica import records, wire
from sandbox.acumatica.contract import document
from sandbox.acumatica.errors import AcuError, field_error
from sandbox.acumatica.models import AcuRecord, AcuTenant
from sandbox.acumatica.rules import APPLIES_TO, dec, lookup, money

ON_HOLD = "The document is on hold and cannot be processed."  # wording UNCONFIRMED
RELEASED = "The document has already been released."


def contract_actions(entity: str) -> set[str]:
    """The actions the contract lists for an entity (its /Entity/<Action> paths)."""
    prefix = f"/{entity}/"
    return {
        path[len(prefix):] for path in document()["paths"]
        if path.startswith(prefix) and "/" not in path[len(prefix):] and "{" not in path
        and not path.endswith("$adHocSchema")
    }  # fmt: skip


def refuse(record: AcuRecord, field: str, message: str) -> AcuError:
    body = wire.render(record.entity, record.data)
    body[field] = {**wire.shown_value(record.data.get(field)), "error": message}
    body["error"] = message
    return field_error(body, message)


def restate(record: AcuRecord, **values) -> None:
    """Fields an action sets, stamped as a write."""
    for name, value in values.items():
        record.data[name] = wire.wrap(value)
    spec_stamps = {"SalesOrder": ("LastModified",), "SalesInvoice": ("LastModifiedDateTime",),
                   "Payment": ("LastModifiedDateTime",)}[record.entity]  # fmt: skip
    now = timezone.now()
    for name in spec_stamps:
        record.data[name] = wire.wrap(records.stamp(record.tenant, now))
    record.modified = now
    record.save()


def prepare_sales_invoice(tenant: AcuTenant, order: AcuRecord) -> None:
    data = order.data
    if wire.value(data, "Hold"):
        raise refuse(order, "Hold", ON_HOLD)
    if wire.value(data, "Status") in ("Completed", "Cancelled", "Invoiced"):
        raise refuse(order, "Status", "The order has already been invoiced.")
    order_type, order_nbr = wire.value(data, "OrderType"), wire.value(data, "OrderNbr")
    lines = []
    for line in data.get("Details") or []:
        lines.append({
            "InventoryID": line.get("InventoryID"), "Qty": line.get("OrderQty"),
            "UnitPrice": line.get("UnitPrice"), "DiscountAmount": line.get("DiscountAmount"),
            "UOM": line.get("UOM"), "OrderType": wire.wrap(order_type),
            "OrderNbr": wire.wrap(order_nbr), "OrderLineNbr": line.get("LineNbr"),
        } | ({"WarehouseID": line["WarehouseID"]} if line.get("WarehouseID") else {}))  # fmt: skip
    body = {"Type": wire.wrap("Invoice"), "CustomerID": data["CustomerID"],
            "Hold": wire.wrap(False), "Details": lines,
            "FreightPrice": wire.wrap(wire.value(data.get("Totals") or {}, "Freight", 0))}  # fmt: skip
    for name in ("CustomerOrder", "ExternalRef", "Description"):
        if data.get(name):
            body[name] = data[name]
    # Tax posted on the order as given goes to its invoice with it.
    taxes = [{name: row[name] for name in ("TaxID", "TaxableAmount", "TaxAmount") if name in row}
             for row in data.get("TaxDetails") or []]  # fmt: skip
    if taxes:
        body["TaxDetails"] = taxes
    invoice, _ = records.save(tenant, "SalesInvoice", body)
    for line in data.get("Details") or []:
        line["InvoiceType"] = wire.wrap("Invoice")
        line["InvoiceNbr"] = invoice.data["ReferenceNbr"]
    restate(order, Status="Completed")


def release_sales_invoice(tenant: AcuTenant, invoice: AcuRecord) -> None:
    if wire.value(invoice.data, "Hold"):
        raise refuse(invoice, "Hold", ON_HOLD)
    if wire.value(invoice.data, "Status") in ("Open", "Closed"):
        raise refuse(invoice, "Status", RELEASED)
    amount = dec(wire.value(invoice.data, "Amount"))
    balance = amount - _order_payments(tenant, invoice, amount)
    restate(invoice, Status="Open" if balance > 0 else "Closed", Balance=money(balance),
            PaymentTotal=money(amount - balance))  # fmt: skip


def _order_payments(tenant: AcuTenant, invoice: AcuRecord, owed: Decimal) -> Decimal:
    """Payments applied to the invoice's sales orders move to the invoice on release, up to what
    it owes (as Acumatica applies an order's payments to its invoice). What they paid."""
    orders = {(wire.value(line, "OrderType"), wire.value(line, "OrderNbr"))
              for line in invoice.data.get("Details") or [] if wire.value(line, "OrderNbr")}  # fmt: skip
    paid = Decimal(0)
    for order_type, order_nbr in sorted(orders):
        order = lookup(tenant, "SalesOrder", f"{order_type}/{order_nbr}")
        for line in (order.data.get("Payments") or []) if order else []:
            left = dec(wire.value(line, "AppliedToOrder")) - dec(
                wire.value(line, "TransferredtoInvoice")
            )
            moved = min(left, owed - paid)
            if moved > 0:
                line["TransferredtoInvoice"] = wire.wrap(
                    money(dec(wire.value(line, "TransferredtoInvoice")) + moved)
                )
                paid += moved
        if order:
            restate(order)
    return paid


def release_payment(tenant: AcuTenant, payment: AcuRecord) -> None:
    data = payment.data
    if wire.value(data, "Hold"):
        raise refuse(payment, "Hold", ON_HOLD)
    if wire.value(data, "Status") in ("Open", "Closed"):
        raise refuse(payment, "Status", RELEASED)
    refund = wire.value(data, "Type") == "Refund"
    for line in data.get("DocumentsToApply") or []:
        entity, doc_type = APPLIES_TO[wire.value(line, "DocType", "Invoice")]
        target = lookup(tenant, entity, f"{doc_type}/{wire.value(line, 'ReferenceNbr')}")
        paid = dec(wire.value(line, "AmountPaid"))
        if entity == "SalesInvoice":
            if wire.value(target.data, "Status") not in ("Open", "Closed"):
                raise refuse(payment, "DocumentsToApply", "The document to apply is not released.")
            balance = dec(wire.value(target.data, "Balance"))
            if refund or doc_type == "Credit Memo":
                balance += paid
            else:
                balance -= paid
            restate(target, Balance=money(balance), Status="Closed" if balance <= 0 else "Open")
        else:
            _reverse(tenant, target, paid)
    for line in data.get("OrdersToApply") or []:
        order = lookup(
            tenant, "SalesOrder", f"{wire.value(line, 'OrderType')}/{wire.value(line, 'OrderNbr')}"
        )
        order.data.setdefault("Payments", []).append({
            "id": str(payment.guid), "rowNumber": len(order.data.get("Payments", [])) + 1,
            "DocType": data["Type"], "ReferenceNbr": data["ReferenceNbr"],
            "AppliedToOrder": line.get("AppliedToOrder"), "PaymentAmount": data.get("PaymentAmount"),
            "Status": wire.wrap("Closed"),
        })  # fmt: skip
        restate(order)
    available = dec(wire.value(data, "AvailableBalance"))
    restate(payment, Status="Closed" if refund or available <= 0 else "Open")


def _reverse(tenant: AcuTenant, paid_by: AcuRecord, amount: Decimal) -> None:
    """A refund applied to a payment: first its unapplied balance, then its applications to
    invoices are undone (their balances reopen), newest first."""
    available = dec(wire.value(paid_by.data, "AvailableBalance"))
    taken = min(available, amount)
    left = amount - taken
    for line in reversed(paid_by.data.get("DocumentsToApply") or []):
        if left <= 0:
            break
        entity, doc_type = APPLIES_TO[wire.value(line, "DocType", "Invoice")]
        invoice = lookup(tenant, entity, f"{doc_type}/{wire.value(line, 'ReferenceNbr')}")
        back = min(left, dec(wire.value(line, "AmountPaid")))
        balance = dec(wire.value(invoice.data, "Balance")) + back
        restate(invoice, Balance=money(balance), Status="Open")
        left -= back
    restate(paid_by, AvailableBalance=money(available - taken),
            Status="Closed" if available - taken <= 0 else "Open")  # fmt: skip


ACTIONS = {
    ("SalesOrder", "PrepareSalesInvoice"): prepare_sales_invoice,
    ("SalesInvoice", "ReleaseSalesInvoice"): release_sales_invoice,
    ("Payment", "ReleasePayment"): release_payment,
}


def run(tenant: AcuTenant, entity: str, action: str, target: AcuRecord) -> None:
    with transaction.atomic():
        AcuTenant.objects.select_for_update().filter(pk=tenant.pk).first()
        target = AcuRecord.objects.select_for_update().get(pk=target.pk)
        ACTIONS[(entity, action)](tenant, target)
