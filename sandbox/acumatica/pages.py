"""A sales order of the sandbox Acumatica as a read-only page, at the address form Acumatica's
own UI uses to open a form at one record: <instance>/Main?CompanyID=<tenant>&ScreenId=SO301000
&OrderType=SO&OrderNbr=<number> (the Orders view links there). Everything on it comes from the
store's orders, so the template escapes it."""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from sandbox.acumatica import records, wire
from sandbox.acumatica.models import AcuInstance

SALES_ORDERS = "SO301000"
HEADER = ("OrderType", "OrderNbr", "Status", "CustomerID", "Date", "ExternalRef", "CurrencyID",
          "TaxTotal", "OrderTotal")  # fmt: skip
LINE = ("InventoryID", "LineDescription", "OrderQty", "UnitPrice", "ExtendedPrice")


@require_GET
def screen(request, instance):
    found = AcuInstance.objects.filter(slug=instance).first()
    params = request.GET
    if found is None or params.get("ScreenId") != SALES_ORDERS:
        raise Http404("No such screen")
    tenants = found.tenants.all()
    if params.get("CompanyID"):
        tenants = tenants.filter(name__iexact=params["CompanyID"])
    keys = f"{params.get('OrderType', '')}/{params.get('OrderNbr', '')}"
    order = next(
        (r for t in tenants if (r := records.find(t, "SalesOrder", keys=keys)) is not None), None
    )
    if order is None:
        raise Http404("No such sales order")
    data = wire.unwrap("SalesOrder", order.data)
    header = {name: data.get(name, "") for name in HEADER}
    lines = [{name: line.get(name, "") for name in LINE} for line in data.get("Details") or []]
    return render(request, "sandbox/acumatica_document.html", {
        "tenant": order.tenant, "order": header, "lines": lines,
    })  # fmt: skip
