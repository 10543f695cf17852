"""Sales documents in the sandbox Business Central, as the fact sheet and BC's API pages say:
deep insert of lines (atomic), the customer required, item and G/L account lines, line and
invoice discounts, sales tax from the customer's tax area, totals; Microsoft.NAV.post on a
draft invoice only (same id, a posted number, stock taken out), shipAndInvoice on a sales
order (a posted invoice with the order's lines, the order gone); lines through their own
address; no deep patch."""

from sandbox.business_central import services
from sandbox.business_central.models import BcChange, BcRecord


def _error(answer, status, code):
    assert answer.status_code == status, answer.text
    assert answer.json()["error"]["code"] == code, answer.text
    return answer.json()["error"]["message"]


def _invoice(bc, bc_client, **extra):
    body = {
        "customerNumber": bc.customer_template, "customerPurchaseOrderReference": "BC-1001",
        "discountAmount": 10,
        "salesInvoiceLines": [
            {"lineType": "Item", "lineObjectNumber": "TENT-2P", "quantity": 2},
            {"lineType": "Item", "lineObjectNumber": "MUG-STEEL", "quantity": 4,
             "unitPrice": 18, "discountPercent": 10},
            {"lineType": "Account", "lineObjectNumber": "40200", "description": "Shipping",
             "quantity": 1, "unitPrice": 15},
        ], **extra,
    }  # fmt: skip
    return bc_client.post(f"{bc.company_url}/salesInvoices", json=body, timeout=10)


def test_an_invoice_with_lines_computes_discounts_tax_and_totals(bc, bc_client):
    made = _invoice(bc, bc_client)
    assert made.status_code == 201, made.text
    invoice = made.json()
    assert invoice["number"] == "S-INV102001" and invoice["status"] == "Draft"
    assert invoice["customerName"] == "Web shop customers"
    tent, mugs, shipping = invoice["salesInvoiceLines"]
    assert tent["unitPrice"] == 349 and tent["description"] == "Two-person tent"
    assert tent["itemId"] == bc.items["TENT-2P"] and tent["documentId"] == invoice["id"]
    assert mugs["discountAmount"] == 7.2 and mugs["amountExcludingTax"] == 64.8
    assert shipping["accountId"] == bc.accounts["40200"] and shipping["lineType"] == "Account"
    # 698 + 64.80 + 15 = 777.80, less the 10.00 invoice discount = 767.80; GST 10 % = 76.78
    assert invoice["totalAmountExcludingTax"] == 767.8
    assert invoice["totalTaxAmount"] == 76.78
    assert invoice["totalAmountIncludingTax"] == 844.58
    assert sum(line["invoiceDiscountAllocation"] for line in invoice["salesInvoiceLines"]) == 10
    assert round(sum(line["totalTaxAmount"] for line in invoice["salesInvoiceLines"]), 2) == 76.78
    assert all(line["taxPercent"] == 10 for line in invoice["salesInvoiceLines"])


def test_a_customer_is_required_and_unknown_items_and_accounts_are_named(bc, bc_client):
    url = f"{bc.company_url}/salesInvoices"
    none = bc_client.post(url, json={"salesInvoiceLines": []}, timeout=10)
    assert 'A "customerNumber" or a "customerId" must be provided.' in _error(
        none, 400, "Application_DialogException")  # fmt: skip
    item = _invoice(bc, bc_client, salesInvoiceLines=[
        {"lineType": "Item", "lineObjectNumber": "NO-SUCH-SKU", "quantity": 1}])  # fmt: skip
    assert "No.='NO-SUCH-SKU'" in _error(item, 404, "Internal_RecordNotFound")
    account = _invoice(bc, bc_client, salesInvoiceLines=[
        {"lineType": "Account", "lineObjectNumber": "99999", "quantity": 1}])  # fmt: skip
    assert "G/L Account" in _error(account, 404, "Internal_RecordNotFound")
    assert not BcRecord.objects.filter(entity_set="salesInvoices").exists()  # atomic
    services.customer_set(bc.company, bc.customer_template, blocked="All")
    blocked = _invoice(bc, bc_client)
    assert "is blocked with type All" in _error(blocked, 400, "Application_DialogException")


def test_post_turns_a_draft_into_a_posted_invoice_once(bc, bc_client):
    invoice = _invoice(bc, bc_client).json()
    url = f"{bc.company_url}/salesInvoices({invoice['id']})"
    posted = bc_client.post(f"{url}/Microsoft.NAV.post", timeout=10)
    assert posted.status_code == 204 and posted.content == b""
    after = bc_client.get(url, timeout=10).json()
    assert after["id"] == invoice["id"] and after["status"] == "Open"
    assert after["number"] == "103001" and after["remainingAmount"] == 844.58
    again = bc_client.post(f"{url}/Microsoft.NAV.post", timeout=10)
    assert "The action can be applied to a draft invoice only." in _error(
        again, 400, "Application_DialogException")  # fmt: skip
    stock = {i["number"]: i["inventory"] for i in services.records(bc.company, "items")}
    assert stock["TENT-2P"] == 23 and stock["MUG-STEEL"] == 21
    customer = services.record(bc.company, "customers", bc.customer_template)
    assert customer["balanceDue"] == 844.58  # a FlowField: the customer itself is not modified
    assert not BcChange.objects.filter(record_id=customer["id"], change_type="updated").exists()
    changed = bc_client.patch(url, json={"externalDocumentNumber": "X"},
                              headers={"If-Match": "*"}, timeout=10)  # fmt: skip
    _error(changed, 400, "Application_DialogException")


def test_ship_and_invoice_posts_the_order_as_an_invoice(bc, bc_client):
    order = bc_client.post(f"{bc.company_url}/salesOrders", json={
        "customerNumber": bc.customer_template, "externalDocumentNumber": "BC-2002",
        "salesOrderLines": [{"lineObjectNumber": "STOVE-1", "quantity": 3}],
    }, timeout=10).json()  # fmt: skip
    assert order["number"] == "S-ORD101001" and order["totalAmountIncludingTax"] == 293.7
    assert order["salesOrderLines"][0]["lineType"] == "Item"
    url = f"{bc.company_url}/salesOrders({order['id']})"
    assert bc_client.post(f"{url}/Microsoft.NAV.shipAndInvoice", timeout=10).status_code == 204
    (invoice,) = services.records(bc.company, "salesInvoices")
    assert invoice["orderId"] == order["id"] and invoice["orderNumber"] == "S-ORD101001"
    assert invoice["status"] == "Open" and invoice["number"] == "103001"
    assert invoice["externalDocumentNumber"] == "BC-2002"
    assert [(line["lineObjectNumber"], line["quantity"]) for line in invoice["salesInvoiceLines"]] == [
        ("STOVE-1", 3)]  # fmt: skip
    assert invoice["totalAmountIncludingTax"] == 293.7
    _error(bc_client.get(url, timeout=10), 404, "Internal_RecordNotFound")  # fully invoiced
    kinds = set(
        BcChange.objects.filter(record_id=order["id"]).values_list("change_type", flat=True)
    )
    assert kinds == {"created", "deleted"}


def test_lines_have_their_own_address_and_no_deep_patch(bc, bc_client):
    invoice = _invoice(bc, bc_client).json()
    url = f"{bc.company_url}/salesInvoices({invoice['id']})"
    deep = bc_client.patch(url, json={"salesInvoiceLines": []}, headers={"If-Match": "*"},
                           timeout=10)  # fmt: skip
    _error(deep, 400, "BadRequest")
    added = bc_client.post(f"{url}/salesInvoiceLines", json={
        "lineType": "Item", "lineObjectNumber": "PACK-30L", "quantity": 1}, timeout=10)  # fmt: skip
    assert added.status_code == 201 and added.json()["sequence"] == 40000
    line = added.json()
    line_url = f"{url}/salesInvoiceLines({line['id']})"
    _error(bc_client.patch(line_url, json={"quantity": 2}, timeout=10), 400, "BadRequest")
    twice = bc_client.patch(line_url, json={"quantity": 2},
                            headers={"If-Match": line["@odata.etag"]}, timeout=10)  # fmt: skip
    assert twice.status_code == 200 and twice.json()["amountExcludingTax"] == 259.9
    header = bc_client.get(url, params={"$expand": "salesInvoiceLines"}, timeout=10).json()
    assert len(header["salesInvoiceLines"]) == 4
    assert header["totalAmountExcludingTax"] == 1027.7  # 767.80 + 259.90
    assert "salesInvoiceLines" not in bc_client.get(url, timeout=10).json()
    listed = bc_client.get(f"{url}/salesInvoiceLines", timeout=10).json()["value"]
    assert [x["sequence"] for x in listed] == [10000, 20000, 30000, 40000]
    assert bc_client.delete(line_url, headers={"If-Match": "*"}, timeout=10).status_code == 204
    after = bc_client.get(url, timeout=10).json()
    assert after["totalAmountExcludingTax"] == 767.8


def test_lines_without_a_taxable_tax_group_carry_no_tax(bc, bc_client):
    services.item_set(bc.company, "MUG-STEEL", taxGroupCode="NONTAXABLE")
    invoice = _invoice(bc, bc_client, discountAmount=0).json()
    tent, mugs, shipping = invoice["salesInvoiceLines"]
    assert mugs["taxCode"] == "NONTAXABLE" and mugs["taxPercent"] == 0
    assert mugs["totalTaxAmount"] == 0 and tent["taxPercent"] == 10
    assert shipping["taxCode"] == "TAXABLE"  # the shipping account's tax group
    # 698 + 15 taxed at 10 % = 71.30; 64.80 untaxed
    assert invoice["totalTaxAmount"] == 71.3 and invoice["totalAmountIncludingTax"] == 849.1
    returns = _invoice(bc, bc_client, discountAmount=0, salesInvoiceLines=[
        {"lineType": "Account", "lineObjectNumber": "40400", "quantity": 1, "unitPrice": 20}])  # fmt: skip
    (line,) = returns.json()["salesInvoiceLines"]
    assert line["taxCode"] == "" and returns.json()["totalAmountIncludingTax"] == 20
