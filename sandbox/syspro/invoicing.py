"""Invoices: SORTIC invoices a billing sales order (status 8 → 9, the invoice number allocated,
SorMaster.LastInvoice set, the allocated stock shipped: SYSPRO's 2007 training book; its SYSPRO 8
name and these element names are UNCONFIRMED); ARSTIN posts a financial-only AR invoice (fields
from xsd-generated classes, research §3.3); APSTIN posts supplier invoices, which this product
must never do, so the sandbox refuses it."""

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from sandbox.syspro import numbers, orders, xmlio
from sandbox.syspro.models import SysproCustomer, SysproInvoice, SysproSalesOrder

APSTIN_REFUSED = ("APSTIN posts Accounts Payable (supplier) invoices; customer invoices come from "
                  "SORTOI and SORTIC or ARSTIN")  # fmt: skip


def _status(answer, processed: int, invalid: int) -> None:
    status = xmlio.add(answer, "StatusOfItems")
    xmlio.add(status, "ItemsProcessed", f"{processed:06d}")
    xmlio.add(status, "ItemsInvalid", f"{invalid:06d}")


def _date(parameters, name: str):
    value = xmlio.text(parameters, "Parameters", name) if parameters is not None else ""
    return orders.date_of(value) if value else timezone.localdate()


def sortic(company, parameters, document) -> tuple[bytes, bool]:
    answer = xmlio.root("postsorinvoice")
    invoice_date = _date(parameters, "InvoiceDate")
    processed = invalid = 0
    for item in xmlio.children(document, "Item"):
        processed += 1
        out = xmlio.add(answer, "Item")
        number = xmlio.text(item, "SalesOrder")
        xmlio.add(out, "SalesOrder", number)
        with transaction.atomic():
            error = _invoice_order(numbers.locked(company), number, invoice_date, out)
        if error:
            invalid += 1
            xmlio.add(out, "ErrorDescription", error)
    _status(answer, processed, invalid)
    return xmlio.document(answer), processed > 0 and not invalid


def _invoice_order(company, number: str, invoice_date, out) -> str:
    if invoice_date is None:
        return "Invoice date is not a valid date"
    order = SysproSalesOrder.objects.select_for_update().filter(
        company=company, sales_order=number.strip()).first()  # fmt: skip
    if order is None:
        return f"Sales order {number} not found"
    if order.order_status != "8":
        return f"Sales order {number} is not ready to invoice (status {order.order_status})"
    invoice = numbers.next_number(company, "invoice")
    SysproInvoice.objects.create(
        company=company, invoice=invoice, business_object="SORTIC", sales_order=order.sales_order,
        customer=order.customer, invoice_date=invoice_date, created_at=timezone.now(),
        data={"total": order.data.get("total", "0"), "tax": order.data.get("tax", "0"),
              "reference": order.customer_po_number},
    )  # fmt: skip
    order.order_status, order.last_invoice = "9", invoice
    order.save(update_fields=["order_status", "last_invoice"])
    orders.ship(company, order.data.get("lines", []))
    xmlio.add(out, "Invoice", invoice)
    return ""


def arstin(company, parameters, document) -> tuple[bytes, bool]:
    answer = xmlio.root("postarinvoices")
    processed = invalid = 0
    for item in xmlio.children(document, "Item"):
        processed += 1
        out = xmlio.add(answer, "Item")
        with transaction.atomic():
            error = _ar_invoice(numbers.locked(company), xmlio.fields(item), out)
        if error:
            invalid += 1
            xmlio.add(out, "ErrorDescription", error)
    _status(answer, processed, invalid)
    return xmlio.document(answer), processed > 0 and not invalid


def _ar_invoice(company, item: dict, out) -> str:
    kind = item.get("transactiontype", "").upper()
    if kind not in ("I", "C", "D"):
        return f"Transaction type '{kind}' is not valid"
    code = item.get("customer", "").upper()
    if not SysproCustomer.objects.filter(company=company, code=code).exists():
        return f"Customer '{code}' not found"
    if not item.get("productclass"):
        return "Product class is required"
    try:
        value = Decimal(item.get("invoicevalue", ""))
        tax = Decimal(item.get("taxvalue", "") or 0)
    except InvalidOperation:
        return "Invoice value is not numeric"
    if not value.is_finite() or not tax.is_finite():
        return "Invoice value is not numeric"
    given = item.get("invoicedate", "")
    invoice_date = orders.date_of(given) if given else timezone.localdate()
    if invoice_date is None:
        return "Invoice date is not a valid date"
    number = item.get("invoice", "")
    if not number or item.get("generateinvoicenumber", "").upper() == "Y":
        number = numbers.next_number(company, "invoice")
    elif SysproInvoice.objects.filter(company=company, invoice=number).exists():
        return f"Invoice '{number}' already exists"
    if len(number) > 20:
        return "Invoice is longer than 20 characters"
    SysproInvoice.objects.create(
        company=company, invoice=number, business_object="ARSTIN", customer=code,
        invoice_date=invoice_date, created_at=timezone.now(),
        data={"total": str(value), "tax": str(tax), "type": kind,
              "reference": item.get("reference", ""), "product_class": item["productclass"]},
    )  # fmt: skip
    xmlio.add(out, "Invoice", number)
    xmlio.add(out, "Customer", code)
    return ""


def apstin(company, parameters, document) -> tuple[bytes, bool]:
    answer = xmlio.root("postapinvoices")
    out = xmlio.add(answer, "Item")
    xmlio.add(out, "ErrorDescription", APSTIN_REFUSED)
    _status(answer, 1, 1)
    return xmlio.document(answer), False
