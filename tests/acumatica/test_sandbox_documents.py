"""The sandbox Acumatica's documents and actions over real HTTP: an order prepared into an invoice,
released, paid, refunded; actions polled 202 then 204; inquiries; swagger.json."""

import requests

from sandbox.acumatica import services
from tests.support.acumatica_sandbox import wrap


def put(client, acu, entity, body, **params):
    answer = client.put(f"{acu.entity}/{entity}", json=body, params=params, timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json()


def act(client, acu, entity, action, keys):
    return client.post(f"{acu.entity}/{entity}/{action}", json={"entity": keys, "parameters": {}},
                       timeout=10)  # fmt: skip


def finish(client, started):
    """Poll an action's Location: 202 while it runs, then 204."""
    assert started.status_code == 202, started.text
    location = started.headers["Location"]
    assert "/status/" in location
    statuses = []
    for _ in range(5):
        statuses.append(client.get(location, timeout=10).status_code)
        if statuses[-1] == 204:
            break
    return statuses


def seeded(client, acu):
    services.stock_item_set(
        acu.tenant, "TENT-2P", price="349.00", qty_by_warehouse={"WHOLESALE": 4}
    )
    put(client, acu, "Customer", wrap(CustomerID="WEB0001", CustomerName="Ada"))
    body = wrap(CustomerID="WEB0001", OrderType="SO", Hold=False, ExternalRef="bc-77")
    body["Details"] = [wrap(InventoryID="TENT-2P", OrderQty=2, UnitPrice=100.0)]
    body["Totals"] = wrap(Freight=10.0)
    return put(client, acu, "SalesOrder", body, **{"$select": "OrderNbr,OrderTotal,Status"})


def test_order_to_released_invoice_paid_and_refunded(acu, acu_client):
    client = acu_client
    order = seeded(client, acu)
    assert order["OrderTotal"] == {"value": 210.0} and order["Status"] == {"value": "Open"}
    keys = wrap(OrderType="SO", OrderNbr=order["OrderNbr"]["value"])
    assert finish(client, act(client, acu, "SalesOrder", "PrepareSalesInvoice", keys)) == [202, 204]
    [invoice] = services.plain_records(acu.tenant, "SalesInvoice")
    assert invoice["ReferenceNbr"] == "INV000001" and invoice["Amount"] == 210.0
    assert invoice["ExternalRef"] == "bc-77" and invoice["Status"] == "Balanced"
    [line] = invoice["Details"]
    assert (line["OrderType"], line["OrderNbr"], line["OrderLineNbr"]) == ("SO", "SO000001", 1)
    assert services.plain_records(acu.tenant, "SalesOrder")[0]["Status"] == "Completed"
    invoice_keys = wrap(Type="Invoice", ReferenceNbr="INV000001")
    finish(client, act(client, acu, "SalesInvoice", "ReleaseSalesInvoice", invoice_keys))
    released = services.plain_records(acu.tenant, "SalesInvoice")[0]
    assert (released["Status"], released["Balance"]) == ("Open", 210.0)
    pay = wrap(Type="Payment", CustomerID="WEB0001", PaymentAmount=210.0, PaymentMethod="CASH",
               CashAccount="10200", ExternalRef="txn-1")  # fmt: skip
    pay["DocumentsToApply"] = [wrap(DocType="Invoice", ReferenceNbr="INV000001")]
    payment = put(client, acu, "Payment", pay, **{"$select": "ReferenceNbr,Status"})
    assert payment["ReferenceNbr"] == {"value": "000001"} and payment["Status"] == {
        "value": "Balanced"
    }
    finish(client, act(client, acu, "Payment", "ReleasePayment", {"id": payment["id"]}))
    assert services.plain_records(acu.tenant, "Payment")[0]["Status"] == "Closed"
    closed = services.plain_records(acu.tenant, "SalesInvoice")[0]
    assert (closed["Status"], closed["Balance"]) == ("Closed", 0.0)
    refund = wrap(Type="Refund", CustomerID="WEB0001", PaymentAmount=60.0, PaymentMethod="CASH",
                  CashAccount="10200")  # fmt: skip
    refund["DocumentsToApply"] = [wrap(DocType="Payment", ReferenceNbr="000001", AmountPaid=60.0)]
    made = put(client, acu, "Payment", refund, **{"$select": "ReferenceNbr"})
    finish(client, act(client, acu, "Payment", "ReleasePayment", {"id": made["id"]}))
    reopened = services.plain_records(acu.tenant, "SalesInvoice")[0]
    assert (reopened["Status"], reopened["Balance"]) == ("Open", 60.0)


def test_documents_on_hold_are_refused_and_there_is_no_release_from_hold(acu, acu_client):
    client = acu_client
    seeded(client, acu)
    body = wrap(CustomerID="WEB0001")
    body["Details"] = [wrap(InventoryID="TENT-2P", Qty=1)]
    invoice = put(client, acu, "SalesInvoice", body, **{"$select": "Status,ReferenceNbr"})
    assert invoice["Status"] == {"value": "On Hold"}
    keys = {"id": invoice["id"]}
    refused = act(client, acu, "SalesInvoice", "ReleaseSalesInvoice", keys)
    assert refused.status_code == 422 and "on hold" in refused.json()["Hold"]["error"]
    missing = act(
        client, acu, "SalesOrder", "ReleaseFromHold", wrap(OrderType="SO", OrderNbr="SO000001")
    )
    assert missing.status_code == 404
    put(client, acu, "SalesInvoice", {"id": invoice["id"], **wrap(Hold=False)})
    assert finish(client, act(client, acu, "SalesInvoice", "ReleaseSalesInvoice", keys))[-1] == 204
    again = act(client, acu, "SalesInvoice", "ReleaseSalesInvoice", keys)
    assert again.status_code == 422


def test_a_payment_applied_to_an_order_shows_on_it_and_pays_its_invoice(acu, acu_client):
    client = acu_client
    order = seeded(client, acu)
    pay = wrap(Type="Payment", CustomerID="WEB0001", PaymentAmount=210.0, PaymentMethod="CASH",
               CashAccount="10200")  # fmt: skip
    pay["OrdersToApply"] = [wrap(OrderType="SO", OrderNbr=order["OrderNbr"]["value"])]
    payment = put(client, acu, "Payment", pay, **{"$select": "AppliedToOrders,AvailableBalance"})
    assert payment["AppliedToOrders"] == {"value": 210.0}
    finish(client, act(client, acu, "Payment", "ReleasePayment", {"id": payment["id"]}))
    shown = client.get(f"{acu.entity}/SalesOrder/SO/SO000001", params={"$expand": "Payments"},
                       timeout=10).json()  # fmt: skip
    assert [p["ReferenceNbr"]["value"] for p in shown["Payments"]] == ["000001"]
    keys = wrap(OrderType="SO", OrderNbr=order["OrderNbr"]["value"])
    finish(client, act(client, acu, "SalesOrder", "PrepareSalesInvoice", keys))
    invoice = services.plain_records(acu.tenant, "SalesInvoice")[0]
    released = act(client, acu, "SalesInvoice", "ReleaseSalesInvoice", {"id": invoice["id"]})
    finish(client, released)
    paid = services.plain_records(acu.tenant, "SalesInvoice")[0]  # the order's payment moved on
    assert (paid["Status"], paid["Balance"], paid["PaymentTotal"]) == ("Closed", 0.0, 210.0)
    bad = wrap(Type="Payment", CustomerID="WEB0001", PaymentAmount=1.0, PaymentMethod="NOPE",
               CashAccount="10200")  # fmt: skip
    refused = client.put(f"{acu.entity}/Payment", json=bad, timeout=10)
    assert refused.status_code == 422 and "error" in refused.json()["PaymentMethod"]


def test_inquiries_answer_quantities_with_expand_results(acu, acu_client):
    client = acu_client
    services.stock_item_set(acu.tenant, "TENT-2P", qty_by_warehouse={"WHOLESALE": 4, "RETAIL": 1})
    services.stock_item_set(acu.tenant, "MUG-STEEL", qty_by_warehouse={"WHOLESALE": 9})
    available = put(client, acu, "InventoryQuantityAvailable", wrap(InventoryID="TENT-2P"),
                    **{"$expand": "Results"})  # fmt: skip
    assert [
        (r["InventoryID"]["value"], r["QtyAvailable"]["value"]) for r in available["Results"]
    ] == [("TENT-2P", 5.0)]
    summary = put(client, acu, "InventorySummaryInquiry", wrap(InventoryID="TENT-2P"),
                  **{"$expand": "Results"})  # fmt: skip
    assert {r["WarehouseID"]["value"]: r["QtyOnHand"]["value"] for r in summary["Results"]} == {
        "WHOLESALE": 4.0, "RETAIL": 1.0}  # fmt: skip
    assert "Results" not in put(client, acu, "InventorySummaryInquiry", wrap(InventoryID="TENT-2P"))


def test_stock_item_edits_are_stamped_and_filterable(acu, acu_client):
    client = acu_client
    services.stock_item_set(acu.tenant, "TENT-2P", price="349.00")
    stamp = services.records(acu.tenant, "StockItem")[0]["LastModifiedDateTime"]["value"]
    services.stock_item_set(acu.tenant, "MUG-STEEL", price="19.50")
    services.stock_item_set(acu.tenant, "TENT-2P", price="329.00")
    changed = client.get(f"{acu.entity}/StockItem", timeout=10, params={
        "$filter": f"LastModified gt datetimeoffset'{stamp}'", "$expand": "WarehouseDetails"})  # fmt: skip
    assert {(i["InventoryID"]["value"], i["DefaultPrice"]["value"]) for i in changed.json()} == {
        ("MUG-STEEL", 19.5), ("TENT-2P", 329.0)}  # fmt: skip
    today = stamp[:10]
    by_date = client.get(f"{acu.entity}/StockItem", timeout=10,
                         params={"$filter": f"LastModifiedDateTime ge date'{today}'"})  # fmt: skip
    assert len(by_date.json()) == 2


def test_swagger_json_is_the_official_file_for_each_served_version(acu):
    served = requests.get(f"{acu.entity}/swagger.json", params={"company": "Company"}, timeout=10)
    assert served.status_code == 200
    document = served.json()
    assert document["info"]["title"] == "Default/24.200.001" and "/SalesOrder" in document["paths"]
    assert document["servers"] == [{"url": acu.entity}]
    older = requests.get(f"{acu.url}/entity/Default/23.200.001/swagger.json", timeout=10).json()
    assert older["info"]["title"] == "Default/23.200.001"
    assert (
        requests.get(f"{acu.url}/entity/Default/20.200.001/swagger.json", timeout=10).status_code
        == 404
    )
