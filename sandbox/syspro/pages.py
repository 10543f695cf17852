"""A sales order or invoice of the sandbox SYSPRO as a read-only page (the demo links to it):
/sandbox/syspro/document/<CompanyId>/order/<SalesOrder>/ and …/invoice/<Invoice>/. Everything
on it comes from the store's orders, so the template escapes it."""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from sandbox.syspro.models import SysproCompany, SysproInvoice, SysproSalesOrder

HEADER_FACTS = [("customerponumber", "Customer PO number"), ("orderdate", "Order date"),
                ("customername", "Customer name"), ("email", "E-mail"),
                ("shipaddress1", "Ship-to address"), ("shipaddress3", "Ship-to city"),
                ("shippostalcode", "Ship-to postal code")]  # fmt: skip


@require_GET
def document(request, company_id, kind, number):
    company = SysproCompany.objects.filter(company_id__iexact=company_id).first()
    if company is None or kind not in ("order", "invoice"):
        raise Http404("No such document")
    if kind == "invoice":
        invoice = SysproInvoice.objects.filter(company=company, invoice=number).first()
        if invoice is None:
            raise Http404("No such invoice")
        order = SysproSalesOrder.objects.filter(company=company,
                                                sales_order=invoice.sales_order).first()  # fmt: skip
        facts = [("Invoice date", invoice.invoice_date), ("Posted by", invoice.business_object),
                 ("Sales order", invoice.sales_order), ("Reference", invoice.data.get("reference"))]  # fmt: skip
        title, customer, total = f"Invoice {invoice.invoice}", invoice.customer, invoice.data
    else:
        order = SysproSalesOrder.objects.filter(company=company, sales_order=number).first()
        if order is None:
            raise Http404("No such sales order")
        facts = [("Order status", order.order_status), ("Last invoice", order.last_invoice)]
        title, customer, total = f"Sales order {order.sales_order}", order.customer, order.data
    header = order.data.get("header", {}) if order else {}
    facts += [(label, header.get(name)) for name, label in HEADER_FACTS]
    return render(request, "sandbox/syspro_document.html", {
        "company": company, "title": title, "customer": customer,
        "facts": [(label, value) for label, value in facts if value],
        "order": order.data if order else {}, "total": total.get("total", ""),
        "tax": total.get("tax", ""),
    })  # fmt: skip


def document_path(company_id: str, kind: str, number: str) -> str:
    return f"/sandbox/syspro/document/{company_id}/{kind}/{number}/"
