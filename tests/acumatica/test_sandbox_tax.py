"""The sandbox Acumatica totals tax posted as given (TaxDetails, automatic calculation off) as an
instance does: in the sales order's TaxTotal and OrderTotal, a direct invoice's TaxTotal and
Amount, and the invoice prepared from the order carries the order's tax."""

from sandbox.acumatica import services
from tests.acumatica.test_sandbox_documents import act, finish, put
from tests.support.acumatica_sandbox import wrap


def taxed(body: dict, amount: float, taxable: float) -> dict:
    body["TaxDetails"] = [wrap(TaxID="GST10", TaxableAmount=taxable, TaxAmount=amount)]
    return body


def test_tax_posted_as_given_is_in_the_documents_totals(acu, acu_client):
    client = acu_client
    services.stock_item_set(acu.tenant, "TENT-2P", price="349.00")
    put(client, acu, "Customer", wrap(CustomerID="WEB0001", CustomerName="Ada"))
    body = wrap(CustomerID="WEB0001", OrderType="SO", Hold=False, ExternalRef="bc-78",
                DisableAutomaticTaxCalculation=True)  # fmt: skip
    body["Details"] = [wrap(InventoryID="TENT-2P", OrderQty=2, UnitPrice=100.0)]
    body["Totals"] = wrap(Freight=10.0)
    order = put(client, acu, "SalesOrder", taxed(body, 21.0, 210.0),
                **{"$select": "OrderNbr,OrderTotal,TaxTotal"})  # fmt: skip
    assert (order["OrderTotal"], order["TaxTotal"]) == ({"value": 231.0}, {"value": 21.0})

    keys = wrap(OrderType="SO", OrderNbr=order["OrderNbr"]["value"])
    assert finish(client, act(client, acu, "SalesOrder", "PrepareSalesInvoice", keys))[-1] == 204
    [invoice] = services.plain_records(acu.tenant, "SalesInvoice")
    assert (invoice["Amount"], invoice["TaxTotal"], invoice["Balance"]) == (231.0, 21.0, 231.0)
    assert [row["TaxAmount"] for row in invoice["TaxDetails"]] == [21.0]

    direct = wrap(CustomerID="WEB0001", Type="Invoice", Hold=False, ExternalRef="bc-79")
    direct["Details"] = [wrap(InventoryID="TENT-2P", Qty=1, UnitPrice=50.0)]
    put(client, acu, "SalesInvoice", taxed(direct, 5.0, 50.0))
    second = services.plain_records(acu.tenant, "SalesInvoice")[1]
    assert (second["Amount"], second["TaxTotal"]) == (55.0, 5.0)
