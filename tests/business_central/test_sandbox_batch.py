"""$batch in the sandbox Business Central: inner requests answered in order with their own
statuses, a Company header instead of companies(<id>), at most 100 operations, and
`Isolation: snapshot` undoing the whole batch when one fails."""

from sandbox.business_central import services


def _batch(bc, client, requests, **headers):
    return client.post(f"{bc.api_url}/$batch", json={"requests": requests},
                       headers=headers, timeout=20)  # fmt: skip


def test_inner_requests_are_answered_in_order(bc, bc_client):
    item = bc.items["STOVE-1"]
    answer = _batch(bc, bc_client, [
        {"id": "1", "method": "PATCH", "url": f"companies({bc.company.id})/items({item})",
         "headers": {"If-Match": "*", "Content-Type": "application/json"},
         "body": {"unitPrice": 91}},
        {"id": "2", "method": "GET", "url": "items?$filter=number eq 'STOVE-1'",
         "headers": {"Company": "CRONUS"}},
        {"id": "3", "method": "POST", "url": "customers", "headers": {"Company": "CRONUS"},
         "body": {"displayName": "Batch Buyer"}},
        {"id": "4", "method": "PATCH", "url": f"items({item})",
         "headers": {"Company": "CRONUS", "If-Match": "*"}, "body": {"type": "Invalid Type"}},
    ])  # fmt: skip
    assert answer.status_code == 200, answer.text
    responses = answer.json()["responses"]
    assert [(r["id"], r["status"]) for r in responses] == [
        ("1", 200), ("2", 200), ("3", 201), ("4", 400)]  # fmt: skip
    assert responses[0]["body"]["unitPrice"] == 91
    assert responses[1]["body"]["value"][0]["unitPrice"] == 91
    assert responses[3]["body"]["error"]["code"] == "Unknown"
    assert "'Invalid Type' is not an option" in responses[3]["body"]["error"]["message"]
    numbers = [c["displayName"] for c in services.records(bc.company, "customers")]
    assert "Batch Buyer" in numbers  # without snapshot isolation each request stands


def test_snapshot_isolation_undoes_the_whole_batch(bc, bc_client):
    answer = _batch(bc, bc_client, [
        {"method": "POST", "url": f"companies({bc.company.id})/customers",
         "body": {"displayName": "Never Kept"}},
        {"method": "POST", "url": f"companies({bc.company.id})/salesInvoices",
         "body": {"salesInvoiceLines": []}},
    ], Isolation="snapshot")  # fmt: skip
    statuses = [r["status"] for r in answer.json()["responses"]]
    assert statuses == [201, 400]
    names = [c["displayName"] for c in services.records(bc.company, "customers")]
    assert "Never Kept" not in names


def test_at_most_100_operations(bc, bc_client):
    many = [{"method": "GET", "url": f"companies({bc.company.id})/items"}] * 101
    answer = _batch(bc, bc_client, many)
    assert answer.status_code == 400 and answer.json()["error"]["code"] == "BadRequest"
    assert _batch(bc, bc_client, many[:100]).status_code == 200
