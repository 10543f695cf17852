"""Sales credit memos in the sandbox Business Central: created against a posted invoice
(invoiceId or invoiceNumber; a draft or unknown one refused), with lines, posted once with
Microsoft.NAV.post (204), items back in stock, the invoice's remaining amount lowered."""

from sandbox.business_central import services


def _posted_invoice(bc, bc_client):
    invoice = bc_client.post(f"{bc.company_url}/salesInvoices", json={
        "customerNumber": bc.customer_template,
        "salesInvoiceLines": [{"lineObjectNumber": "PACK-30L", "quantity": 2}],
    }, timeout=10).json()  # fmt: skip
    url = f"{bc.company_url}/salesInvoices({invoice['id']})"
    assert bc_client.post(f"{url}/Microsoft.NAV.post", timeout=10).status_code == 204
    return bc_client.get(url, timeout=10).json()


def _error(answer, status, code):
    assert answer.status_code == status, answer.text
    assert answer.json()["error"]["code"] == code, answer.text
    return answer.json()["error"]["message"]


def test_a_credit_memo_against_a_posted_invoice_is_posted_once(bc, bc_client):
    invoice = _posted_invoice(bc, bc_client)
    assert invoice["totalAmountIncludingTax"] == 285.89  # 2 x 129.95 = 259.90 + 10 % GST
    made = bc_client.post(f"{bc.company_url}/salesCreditMemos", json={
        "invoiceNumber": invoice["number"], "externalDocumentNumber": "BC-1-R1",
        "salesCreditMemoLines": [{"lineType": "Item", "lineObjectNumber": "PACK-30L",
                                  "quantity": 1}],
    }, timeout=10)  # fmt: skip
    assert made.status_code == 201, made.text
    memo = made.json()
    assert memo["invoiceId"] == invoice["id"] and memo["customerNumber"] == bc.customer_template
    assert memo["number"] == "S-CR104001" and memo["status"] == "Draft"
    assert memo["totalAmountIncludingTax"] == 142.95
    url = f"{bc.company_url}/salesCreditMemos({memo['id']})"
    assert bc_client.post(f"{url}/Microsoft.NAV.post", timeout=10).status_code == 204
    posted = bc_client.get(url, timeout=10).json()
    assert posted["status"] == "Paid" and posted["number"] == "104001"
    again = bc_client.post(f"{url}/Microsoft.NAV.post", timeout=10)
    _error(again, 400, "Application_DialogException")
    after = bc_client.get(f"{bc.company_url}/salesInvoices({invoice['id']})", timeout=10).json()
    assert after["remainingAmount"] == 142.94 and after["status"] == "Open"
    stock = {i["number"]: i["inventory"] for i in services.records(bc.company, "items")}
    assert stock["PACK-30L"] == 24  # 25, two sold, one back


def test_a_credit_memo_needs_a_posted_invoice(bc, bc_client):
    draft = bc_client.post(f"{bc.company_url}/salesInvoices", json={
        "customerNumber": bc.customer_template}, timeout=10).json()  # fmt: skip
    url = f"{bc.company_url}/salesCreditMemos"
    by_draft = bc_client.post(url, json={"invoiceId": draft["id"]}, timeout=10)
    assert 'The "invoiceId" does not match to an Invoice.' in _error(
        by_draft, 400, "Application_DialogException")  # fmt: skip
    by_number = bc_client.post(url, json={"invoiceNumber": "999999"}, timeout=10)
    _error(by_number, 400, "Application_DialogException")
    plain = bc_client.post(url, json={"customerNumber": bc.customer_template}, timeout=10)
    assert plain.status_code == 201 and plain.json()["invoiceNumber"] == ""
