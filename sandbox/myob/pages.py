"""An invoice of the sandbox MYOB company file as a read-only page (the Orders view links to
it): /sandbox/myob/document/<company file id>/<invoice id>/. Everything on it comes from the
store's orders, so the template escapes it."""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from sandbox.myob.models import MyobRecord

FACTS = [("Date", "Date"), ("CustomerPurchaseOrderNumber", "Customer PO number"),
         ("JournalMemo", "Journal memo"), ("ShipToAddress", "Ship to"), ("Status", "Status"),
         ("BalanceDueAmount", "Balance due")]  # fmt: skip


@require_GET
def document(request, business_id, invoice_id):
    record = (
        MyobRecord.objects.filter(
            business__uid=business_id, uid=invoice_id, resource__startswith="Sale/Invoice"
        )
        .select_related("business")
        .first()
    )
    if record is None:
        raise Http404("No such invoice")
    data = record.data
    customer = data.get("Customer") or {}
    lines = [
        {
            "description": line.get("Description") or "",
            "item": (line.get("Item") or line.get("Account") or {}).get("Number")
            or (line.get("Account") or {}).get("DisplayID")
            or "",
            "quantity": line.get("ShipQuantity", line.get("UnitCount", "")),
            "unit_price": line.get("UnitPrice", ""),
            "total": line.get("Total", ""),
        }
        for line in data.get("Lines") or []
        if line.get("Type", "Transaction") == "Transaction"
    ]
    return render(request, "sandbox/myob_document.html", {
        "business": record.business, "number": data.get("Number", ""),
        "customer": customer.get("Name") or customer.get("DisplayID") or "",
        "facts": [(label, data[key]) for key, label in FACTS if data.get(key) not in (None, "")],
        "lines": lines, "subtotal": data.get("Subtotal", ""), "freight": data.get("Freight", ""),
        "tax": data.get("TotalTax", ""), "total": data.get("TotalAmount", ""),
    })  # fmt: skip


def document_path(business_id, invoice_id) -> str:
    return f"/sandbox/myob/document/{business_id}/{invoice_id}/"
