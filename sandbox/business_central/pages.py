"""A sales document of the sandbox Business Central as a read-only page (the demo links to it):
/sandbox/bc/document/<company id>/<entity set>/<id>/ for salesOrders, salesInvoices and
salesCreditMemos. Everything on it comes from the store's orders, so the template escapes it."""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from sandbox.business_central import records
from sandbox.business_central.models import BcCompany
from sandbox.business_central.schema import DOCUMENTS

TITLES = {"salesOrders": "Sales order", "salesInvoices": "Sales invoice",
          "salesCreditMemos": "Sales credit memo"}  # fmt: skip
FACTS = [
    ("externalDocumentNumber", "External document no."),
    ("customerPurchaseOrderReference", "Customer PO reference"),
    ("orderNumber", "Order no."), ("invoiceNumber", "Applies to invoice"),
    ("orderDate", "Order date"), ("invoiceDate", "Invoice date"),
    ("creditMemoDate", "Credit memo date"), ("postingDate", "Posting date"),
    ("dueDate", "Due date"), ("remainingAmount", "Remaining amount"),
    ("currencyCode", "Currency"), ("email", "E-mail"),
    ("shipToName", "Ship-to name"), ("shipToAddressLine1", "Ship-to address"),
    ("shipToCity", "Ship-to city"), ("shipToPostCode", "Ship-to post code"),
]  # fmt: skip


@require_GET
def document(request, company, entity_set, record_id):
    if entity_set not in DOCUMENTS:
        raise Http404("Not a sales document")
    found = BcCompany.objects.filter(id=company).first()
    record = records.find(found, entity_set, record_id=record_id) if found else None
    if record is None:
        raise Http404("No such document")
    header = records.render(record)
    facts = [(label, header[name]) for name, label in FACTS
             if header.get(name) not in (None, "", "0001-01-01")]  # fmt: skip
    return render(request, "sandbox/bc_document.html", {
        "company": found, "title": TITLES[entity_set], "header": header, "facts": facts,
        "lines": [records.render_line(record, line) for line in records.lines_of(record)],
    })  # fmt: skip


def document_path(company_id, entity_set: str, record_id) -> str:
    return f"/sandbox/bc/document/{company_id}/{entity_set}/{record_id}/"
