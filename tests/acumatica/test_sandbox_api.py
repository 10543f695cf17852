"""The sandbox Acumatica answers as an instance's contract-based REST API does, over real HTTP:
value wrapping, upserts, conditional headers, PATCH, queries, 422s."""

import requests

from sandbox.acumatica import services
from tests.support.acumatica_sandbox import wrap


def put(client, acu, entity, body, headers=None, **params):
    return client.put(f"{acu.entity}/{entity}", json=body, headers=headers or {}, params=params,
                      timeout=10)  # fmt: skip


def new_customer(client, acu, customer_id="WEB0001", email="ada@example.com", **fields):
    body = wrap(CustomerID=customer_id, CustomerName="Ada Lovelace", **fields)
    body["MainContact"] = wrap(Email=email, Address=wrap(City="London", Country="GB"))
    answer = put(client, acu, "Customer", body)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_values_travel_wrapped_and_a_flat_value_is_a_400_http_error(acu_client, acu):
    client = acu_client
    created = new_customer(client, acu)
    assert created["CustomerID"] == {"value": "WEB0001"}
    assert isinstance(created["id"], str) and created["rowNumber"] == 1 and created["custom"] == {}
    assert created["MainContact"]["Email"] == {"value": "ada@example.com"}
    flat = put(client, acu, "Customer", {"CustomerID": "WEB0002", "CustomerName": {"value": "X"}})
    assert flat.status_code == 400
    assert set(flat.json()) >= {"message", "exceptionMessage", "exceptionType"}
    assert "CustomerID" in flat.json()["exceptionMessage"]
    assert len(services.records(acu.tenant, "Customer")) == 1
    not_a_number = client.put(f"{acu.entity}/Customer", data='{"CreditLimit": {"value": NaN}}',
                              headers={"Content-Type": "application/json"}, timeout=10)  # fmt: skip
    assert (
        not_a_number.status_code == 400 and "CreditLimit" in not_a_number.json()["exceptionMessage"]
    )
    unknown = put(client, acu, "Customer", wrap(CustomerID="WEB0003", Quantity=1))
    assert unknown.status_code == 400 and "Quantity" in unknown.json()["exceptionMessage"]


def test_put_upserts_by_key_and_conditional_headers_answer_412(acu_client, acu):
    client = acu_client
    first = new_customer(client, acu)
    again = put(client, acu, "Customer", wrap(CustomerID="WEB0001", CustomerName="Ada King"))
    assert again.status_code == 200 and again.json()["id"] == first["id"]
    assert again.json()["CustomerName"] == {"value": "Ada King"}
    assert "MainContact" not in again.json()  # only what was sent (and keys) comes back
    by_id = put(client, acu, "Customer", {"id": first["id"], **wrap(Terms="30D")})
    assert by_id.json()["CustomerID"] == {"value": "WEB0001"}
    insert_only = put(client, acu, "Customer", wrap(CustomerID="WEB0001"), {"If-None-Match": "*"})
    assert insert_only.status_code == 412 and "message" in insert_only.json()
    update_only = put(client, acu, "Customer", wrap(CustomerID="NEW0001"), {"If-Match": "*"})
    assert update_only.status_code == 412
    assert [c["CustomerID"]["value"] for c in services.records(acu.tenant, "Customer")] == [
        "WEB0001"
    ]
    stored = services.plain_records(acu.tenant, "Customer")[0]
    assert stored["CustomerName"] == "Ada King" and stored["Terms"] == "30D"
    assert stored["MainContact"]["Email"] == "ada@example.com"  # kept: PUT writes what is sent


def test_patch_writes_the_sent_fields_and_a_missing_record_is_404(acu_client, acu):
    client = acu_client
    created = new_customer(client, acu)
    patched = client.patch(f"{acu.entity}/Customer", json={"id": created["id"], **wrap(Terms="7D")},
                           timeout=10)  # fmt: skip
    assert patched.status_code == 200 and patched.json()["Terms"] == {"value": "7D"}
    missing = client.patch(f"{acu.entity}/Customer", json=wrap(CustomerID="NOPE", Terms="7D"),
                           timeout=10)  # fmt: skip
    assert missing.status_code == 404
    assert len(services.records(acu.tenant, "Customer")) == 1


def test_a_sales_order_is_numbered_on_hold_totalled_and_stamped(acu_client, acu):
    client = acu_client
    services.stock_item_set(acu.tenant, "TENT-2P", price="349.00")
    services.record_put(acu.tenant, "NonStockItem", {"InventoryID": "GIFTWRAP", "DefaultPrice": 5})
    new_customer(client, acu)
    body = wrap(CustomerID="WEB0001", ExternalRef="bc-1001")
    body["Details"] = [wrap(InventoryID="TENT-2P", OrderQty=2, UnitPrice=300.0, DiscountAmount=10.0),
                       wrap(InventoryID="GIFTWRAP", OrderQty=1)]  # fmt: skip
    body["Totals"] = wrap(Freight=15.5)
    answer = put(
        client, acu, "SalesOrder", body, **{"$select": "OrderNbr,Status,OrderTotal,LastModified"}
    )
    assert answer.status_code == 200, answer.text
    order = answer.json()
    assert order["OrderNbr"] == {"value": "SO000001"} and order["Status"] == {"value": "On Hold"}
    assert order["OrderTotal"] == {"value": 600.0 - 10.0 + 5.0 + 15.5}
    assert order["LastModified"]["value"].endswith("+00:00")
    lines = order["Details"]
    assert [line["LineNbr"]["value"] for line in lines] == [1, 2]
    assert lines[1]["UnitPrice"] == {"value": 5}  # the item's default price
    released = put(client, acu, "SalesOrder", {"id": order["id"], **wrap(Hold=False)})
    assert "Status" not in released.json()  # only the fields sent, the keys and $select'ed ones
    released = put(client, acu, "SalesOrder", wrap(OrderType="SO", OrderNbr="SO000001"),
                   **{"$select": "Status"})  # fmt: skip
    assert released.json()["Status"] == {"value": "Open"}
    by_keys = client.get(f"{acu.entity}/SalesOrder/SO/SO000001", timeout=10)
    assert by_keys.status_code == 200 and by_keys.json()["ExternalRef"] == {"value": "bc-1001"}
    assert "Details" not in by_keys.json()  # details only when expanded


def test_field_errors_are_422_with_the_entity_and_error_on_the_field(acu_client, acu):
    client = acu_client
    unknown_customer = put(client, acu, "SalesOrder", wrap(CustomerID="ABARTENDE1"))
    assert unknown_customer.status_code == 422
    assert unknown_customer.json()["CustomerID"] == {
        "value": "ABARTENDE1",
        "error": "'Customer' cannot be found in the system.",
    }
    new_customer(client, acu)
    body = wrap(CustomerID="WEB0001")
    body["Details"] = [wrap(InventoryID="NO-SUCH-SKU", OrderQty=1)]
    no_item = put(client, acu, "SalesOrder", body)
    assert no_item.status_code == 422
    assert "cannot be found" in no_item.json()["Details"][0]["InventoryID"]["error"]
    bad_class = put(client, acu, "Customer", wrap(CustomerID="C2", CustomerClass="NOPE"))
    assert bad_class.status_code == 422 and "error" in bad_class.json()["CustomerClass"]
    assert services.records(acu.tenant, "SalesOrder") == []


def test_filter_expand_select_top_skip(acu_client, acu):
    client = acu_client
    new_customer(client, acu, "C1", "one@example.com")
    new_customer(client, acu, "C2", "two@example.com")
    new_customer(client, acu, "C3", "three@example.com")
    url = f"{acu.entity}/Customer"
    by_email = client.get(
        url, params={"$filter": "MainContact/Email eq 'two@example.com'"}, timeout=10
    )
    assert [c["CustomerID"]["value"] for c in by_email.json()] == ["C2"]
    assert "MainContact" not in by_email.json()[0]
    stamp = services.records(acu.tenant, "Customer")[1]["LastModifiedDateTime"]["value"]
    since = client.get(url, params={"$filter": f"LastModifiedDateTime ge datetimeoffset'{stamp}'"},
                       timeout=10)  # fmt: skip
    assert [c["CustomerID"]["value"] for c in since.json()] == ["C2", "C3"]
    expanded = client.get(url, params={"$expand": "MainContact/Address", "$select":
                                       "CustomerID,MainContact/Email", "$top": 1, "$skip": 1},
                          timeout=10)  # fmt: skip
    [row] = expanded.json()
    assert row["CustomerID"] == {"value": "C2"} and "CustomerName" not in row
    assert row["MainContact"]["Email"] == {"value": "two@example.com"}
    starts = client.get(url, params={"$filter": "startswith(CustomerID,'C') and not (CustomerID eq 'C1')"},
                        timeout=10)  # fmt: skip
    assert len(starts.json()) == 2
    broken = client.get(url, params={"$filter": "CustomerID eq"}, timeout=10)
    assert broken.status_code == 400


def test_unknown_version_and_endpoint_list(acu, acu_client):
    client = acu_client
    listing = requests.get(f"{acu.url}/entity", timeout=10).json()
    assert [e["version"] for e in listing["endpoints"]] == ["23.200.001", "24.200.001"]
    assert listing["endpoints"][1]["href"].endswith("/entity/Default/24.200.001/")
    gone = client.get(f"{acu.url}/entity/Default/22.200.001/Customer", timeout=10)
    assert gone.status_code == 404 and "message" in gone.json()
    older = client.get(f"{acu.url}/entity/Default/23.200.001/Customer", timeout=10)
    assert older.status_code == 200


def test_delete_by_keys_and_stamps_in_the_instance_time_zone(acu, acu_client):
    client = acu_client
    services.licence_set(acu.instance, utc_offset_minutes=-300)
    created = new_customer(client, acu, "C9")
    stamp = client.get(f"{acu.entity}/Customer/C9", timeout=10).json()["LastModifiedDateTime"]
    assert stamp["value"].endswith("-05:00")
    assert client.delete(f"{acu.entity}/Customer/C9", timeout=10).status_code == 204
    assert client.get(f"{acu.entity}/Customer/{created['id']}", timeout=10).status_code == 404
    assert client.delete(f"{acu.entity}/Customer/C9", timeout=10).status_code == 404
