"""The sandbox Exact Online answers as start.exactonline.* does, over real HTTP."""

import re
import time
from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from django.utils import timezone

from sandbox.exact_online.models import ExactDivision
from sandbox.exact_online.services import (
    call_counts,
    faults_set,
    record_create,
    records,
    token_calls,
)
from sandbox.models import IssuedToken, TokenRequest
from tests.support.exact_online_sandbox import CLIENT_ID, CLIENT_SECRET


def guid_of(division, resource, **data):
    for record in records(division, resource):
        if all(record.data.get(k) == v for k, v in data.items()):
            return str(record.guid)
    raise AssertionError(f"no {resource} with {data}")


def token_call(live_server, **form):
    body = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, **form}
    return requests.post(
        f"{live_server.url}/sandbox/exact_online/api/oauth2/token", data=body, timeout=10
    )


def new_account(raw_api, **fields):
    body = {"Name": "Ada Lovelace", "Status": "C", "Email": "ada@example.com", **fields}
    response = raw_api(
        "POST", "crm/Accounts", json=body, headers={"Prefer": "return=representation"}
    )
    assert response.status_code == 201, response.text
    return response.json()["d"]


# --- OAuth ----------------------------------------------------------------------------------
def test_consent_code_exchange_and_a_single_use_code(live_server, exact_app, division):
    redirect = f"{live_server.url}/exact/connect/callback/"
    params = {
        "client_id": CLIENT_ID,
        "redirect_uri": redirect,
        "response_type": "code",
        "state": "s1",
    }
    session = requests.Session()
    page = session.get(
        f"{live_server.url}/sandbox/exact_online/api/oauth2/auth", params=params, timeout=10
    )
    assert page.status_code == 200 and str(division.code) in page.text
    approved = session.post(
        f"{live_server.url}/sandbox/exact_online/api/oauth2/auth",
        data={**params, "decision": "approve", "division": division.code},
        allow_redirects=False, timeout=10,
    )  # fmt: skip
    answer = parse_qs(urlparse(approved.headers["Location"]).query)
    assert answer["state"] == ["s1"]
    exchange = {
        "grant_type": "authorization_code",
        "code": answer["code"][0],
        "redirect_uri": redirect,
    }
    tokens = token_call(live_server, **exchange)
    assert tokens.status_code == 200
    assert token_calls(CLIENT_ID) == 1
    assert tokens.json()["expires_in"] == "600" and tokens.json()["token_type"] == "bearer"
    assert token_call(live_server, **exchange).json() == {"error": "invalid_grant"}  # single use
    assert token_calls(CLIENT_ID, "authorization_code") == 2

    me = requests.get(
        f"{live_server.url}/sandbox/exact_online/api/v1/current/Me",
        params={"$select": "CurrentDivision"},
        headers={"Authorization": f"Bearer {tokens.json()['access_token']}"}, timeout=10,
    )  # fmt: skip
    assert me.json()["d"]["results"][0]["CurrentDivision"] == division.code


def test_a_refresh_token_works_once_and_reusing_it_kills_the_chain(live_server, exact_app, token):
    IssuedToken.objects.filter(pk=token.pk).update(
        issued_at=timezone.now() - timedelta(seconds=571)
    )
    first = token_call(live_server, grant_type="refresh_token", refresh_token=token.refresh_token)
    assert first.status_code == 200 and first.json()["refresh_token"] != token.refresh_token

    again = token_call(live_server, grant_type="refresh_token", refresh_token=token.refresh_token)
    assert again.status_code == 401
    assert again.json() == {
        "error": "unauthorized_client",
        "error_description": "Old refresh token used.",
    }
    # The whole chain is dead: the new pair too.
    newest = first.json()
    IssuedToken.objects.update(issued_at=timezone.now() - timedelta(seconds=600))
    dead = token_call(
        live_server, grant_type="refresh_token", refresh_token=newest["refresh_token"]
    )
    assert dead.status_code == 401
    me = requests.get(
        f"{live_server.url}/sandbox/exact_online/api/v1/current/Me",
        headers={"Authorization": f"Bearer {newest['access_token']}"}, timeout=10,
    )  # fmt: skip
    assert me.status_code == 401


def test_a_refresh_sooner_than_570_seconds_is_refused(live_server, exact_app, token):
    early = token_call(live_server, grant_type="refresh_token", refresh_token=token.refresh_token)
    assert (
        early.status_code == 401 and early.json()["error_description"] == "Access token not expired"
    )
    assert early.reason == "Access token not expired"  # Exact's documented reason phrase
    IssuedToken.objects.filter(pk=token.pk).update(
        issued_at=timezone.now() - timedelta(seconds=570)
    )
    later = token_call(live_server, grant_type="refresh_token", refresh_token=token.refresh_token)
    assert later.status_code == 200  # the refused attempt did not spend the refresh token


def test_token_calls_per_day_are_capped(live_server, exact_app, token):
    exact_app.token_calls_per_day = 2
    exact_app.save()
    answers = [
        token_call(live_server, grant_type="refresh_token", refresh_token="x").status_code
        for _ in range(3)
    ]
    assert answers == [400, 400, 429]
    assert TokenRequest.objects.filter(vendor="exact_online", client_id=CLIENT_ID).count() == 3


def test_a_refresh_token_unused_for_30_days_has_expired(live_server, exact_app, token):
    IssuedToken.objects.filter(pk=token.pk).update(issued_at=timezone.now() - timedelta(days=31))
    stale = token_call(live_server, grant_type="refresh_token", refresh_token=token.refresh_token)
    assert stale.status_code == 400 and stale.json()["error"] == "invalid_request"
    assert re.fullmatch(
        r"The refresh token expired at .+ and it is now .+\.", stale.json()["error_description"]
    )


def test_wrong_client_secret_and_expired_access_token(live_server, exact_app, token, raw_api):
    wrong = token_call(live_server, client_secret="nope", grant_type="refresh_token")
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_client"
    IssuedToken.objects.filter(pk=token.pk).update(expires_at=timezone.now())
    assert raw_api("GET", "financial/Journals").status_code == 401


# --- REST -----------------------------------------------------------------------------------
def test_collections_use_the_verbose_envelope_with_dates_in_ms(raw_api, division):
    body = raw_api("GET", "financial/Journals", params={"$filter": "Type eq 20"}).json()
    (journal,) = body["d"]["results"]
    assert (
        journal["Code"] == "70" and journal["__metadata"]["type"] == "Exact.Web.Api.Models.Journal"
    )
    assert re.fullmatch(r"/Date\(\d{13}\)/", journal["Modified"])
    assert "__next" not in body["d"]


def test_sixty_rows_a_page_and_next_links_walk_every_row(raw_api, division):
    for n in range(130):
        record_create(division, "crm/Accounts", {"Name": f"Shopper {n}", "Status": "C"})
    seen, url, params = [], "crm/Accounts", {"$select": "ID,Name", "$filter": "Status eq 'C'"}
    while url:
        page = raw_api("GET", url, params=params).json()["d"]
        assert len(page["results"]) <= 60
        seen += [row["ID"] for row in page["results"]]
        assert set(page["results"][0]) == {"__metadata", "ID", "Name"}
        url, params = page.get("__next"), None
    assert len(seen) == len(set(seen)) == 130


def test_select_is_required_on_large_collections(raw_api):
    refused = raw_api("GET", "crm/Accounts")
    assert refused.status_code == 400
    assert refused.json()["error"]["message"]["value"] == (
        "Please add a $select or a $top=1 statement to the query string."
    )
    assert raw_api("GET", "crm/Accounts", params={"$top": "1"}).status_code == 200


def test_account_codes_are_right_aligned_in_18_and_filters_need_the_spaces(raw_api):
    account = new_account(raw_api, Code="25")
    assert account["Code"] == " " * 16 + "25" and account["Status"] == "C"
    padded = raw_api(
        "GET", "crm/Accounts", params={"$select": "ID", "$filter": f"Code eq '{'25':>18}'"}
    )
    assert [row["ID"] for row in padded.json()["d"]["results"]] == [account["ID"]]
    bare = raw_api("GET", "crm/Accounts", params={"$select": "ID", "$filter": "Code eq '25'"})
    assert bare.json()["d"]["results"] == []
    by_email = raw_api(
        "GET", "crm/Accounts", params={"$select": "ID", "$filter": "Email eq 'ada@example.com'"}
    )
    assert len(by_email.json()["d"]["results"]) == 1


def test_post_without_prefer_returns_nulls_and_put_answers_204(raw_api):
    bare = raw_api("POST", "crm/Accounts", json={"Name": "Grace", "Status": "C"})
    assert bare.status_code == 201
    entity = bare.json()["d"]
    assert entity["ID"] and entity["Name"] is None
    put = raw_api("PUT", f"crm/Accounts(guid'{entity['ID']}')", json={"City": "Utrecht"})
    assert put.status_code == 204 and put.content == b""
    again = raw_api("GET", f"crm/Accounts(guid'{entity['ID']}')").json()["d"]
    assert again["City"] == "Utrecht" and again["Name"] == "Grace"


def test_an_invoice_with_lines_gl_cost_centre_and_vat(raw_api, division):
    account = new_account(raw_api)
    tent = guid_of(division, "logistics/Items", Code="TENT-2P")
    wholesale = guid_of(division, "financial/GLAccounts", Code="8010")
    body = {
        "OrderedBy": account["ID"], "Journal": "70", "YourRef": "BC-1001", "Description": "Order 1001",
        "SalesInvoiceLines": [
            {"Item": tent, "Quantity": 2, "NetPrice": 100, "CostCenter": "EU", "VATCode": "2"},
            {"Item": tent, "Quantity": 1, "NetPrice": 10, "GLAccount": wholesale, "VATCode": "0"},
        ],
    }  # fmt: skip
    created = raw_api(
        "POST", "salesinvoice/SalesInvoices", json=body, headers={"Prefer": "return=representation"}
    )
    assert created.status_code == 201, created.text
    invoice = created.json()["d"]
    assert invoice["AmountFCExclVat"] == 210.0 and invoice["VATAmountFC"] == 42.0
    assert invoice["InvoiceTo"] == account["ID"] and invoice["Status"] == 20
    lines = invoice["SalesInvoiceLines"]["results"]
    assert lines[0]["GLAccount"] == guid_of(
        division, "financial/GLAccounts", Code="8000"
    )  # the item's
    assert lines[0]["CostCenter"] == "EU" and lines[1]["GLAccount"] == wholesale

    found = raw_api(
        "GET", "salesinvoice/SalesInvoices",
        params={"$select": "InvoiceID,InvoiceNumber,SalesInvoiceLines", "$filter": "YourRef eq 'BC-1001'"},
    ).json()["d"]["results"]  # fmt: skip
    assert [f["InvoiceID"] for f in found] == [invoice["InvoiceID"]]
    assert "__deferred" in found[0]["SalesInvoiceLines"]  # lines only with $expand
    line_rows = raw_api(
        "GET", "salesinvoice/SalesInvoiceLines", params={"$filter": f"InvoiceID eq guid'{invoice['InvoiceID']}'"}
    ).json()["d"]["results"]  # fmt: skip
    assert len(line_rows) == 2


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"Journal": "10"}, "Journal: '10' is not a sales journal."),
        ({"SalesInvoiceLines": []}, "SalesInvoiceLines: an invoice needs at least one line."),
        ({"line": {"CostCenter": "MARS"}}, "CostCenter: 'MARS' does not exist."),
        ({"line": {"VATCode": "99"}}, "VATCode: '99' does not exist or is blocked."),
        ({"line": {"Item": "not-a-guid"}}, "Item: 'not-a-guid' is not a valid Guid."),
        ({"OrderedBy": None}, "Mandatory: OrderedBy"),
    ],
)
def test_invoice_validation_errors_use_exacts_error_body(raw_api, division, change, message):
    account = new_account(raw_api)
    line = {
        "Item": guid_of(division, "logistics/Items", Code="MUG-STEEL"),
        "Quantity": 1,
        **change.pop("line", {}),
    }
    body = {"OrderedBy": account["ID"], "Journal": "70", "SalesInvoiceLines": [line], **change}
    refused = raw_api("POST", "salesinvoice/SalesInvoices", json=body)
    assert refused.status_code == 400
    assert refused.json() == {"error": {"code": "", "message": {"lang": "", "value": message}}}
    assert not records(division, "salesinvoice/SalesInvoices").exists()


def test_malformed_json_and_another_divisions_url(raw_api, live_server, division, token):
    broken = raw_api(
        "POST", "crm/Accounts", data=b"{nope", headers={"Content-Type": "application/json"}
    )
    assert broken.status_code == 400 and "not valid JSON" in broken.text
    other = raw_api("GET", f"{live_server.url}/sandbox/exact_online/api/v1/999/financial/Journals")
    assert (
        other.status_code == 403
        and other.json()["error"]["message"]["value"] == "Forbidden - WrongDivision"
    )


# --- limits and faults ----------------------------------------------------------------------
def test_rate_limit_headers_in_epoch_ms_and_429_over_the_minutely_limit(raw_api, division):
    faults_set(division, minutely_limit=3, window_seconds=60)
    answers = [raw_api("GET", "financial/Journals") for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    first = answers[0].headers
    assert (
        first["X-RateLimit-Minutely-Limit"] == "3"
        and first["X-RateLimit-Minutely-Remaining"] == "2"
    )
    assert first["X-RateLimit-Limit"] == "5000" and first["X-RateLimit-Remaining"] == "4999"
    reset_ms = int(first["X-RateLimit-Minutely-Reset"])
    assert time.time() * 1000 < reset_ms <= (time.time() + 60) * 1000
    # Over the minutely quota only the minutely headers come.
    assert "X-RateLimit-Limit" not in answers[3].headers
    assert answers[3].headers["X-RateLimit-Minutely-Remaining"] == "0"
    assert call_counts(division) == {"calls": 4, "429": 1, "peak": 3}


def test_the_daily_limit(raw_api, division):
    faults_set(division, daily_limit=2)
    assert [raw_api("GET", "financial/Journals").status_code for _ in range(3)] == [200, 200, 429]


def test_ten_errors_an_hour_on_one_endpoint_block_it(raw_api, division):
    for _ in range(10):
        assert (
            raw_api("GET", "crm/Accounts(guid'00000000-0000-0000-0000-000000000000')").status_code
            == 404
        )
    blocked = raw_api("GET", "crm/Accounts", params={"$top": "1"})
    assert blocked.status_code == 403 and "too many errors" in blocked.text
    assert raw_api("GET", "financial/Journals").status_code == 200  # other endpoints still work


def test_fault_switches(raw_api, division):
    faults_set(division, fault_unauthorized=1, fault_server_errors=1)
    assert raw_api("GET", "financial/Journals").status_code == 401
    assert raw_api("GET", "financial/Journals").status_code == 503
    assert raw_api("GET", "financial/Journals").status_code == 200
    faults_set(division, fault_error_rate=1.0)
    failed = raw_api("GET", "financial/Journals")
    assert failed.status_code == 500 and failed.json()["error"]["message"]["value"].startswith(
        "A problem"
    )


def test_me_names_the_current_division_and_is_not_rate_limited(live_server, division, token):
    me = requests.get(
        f"{live_server.url}/sandbox/exact_online/api/v1/current/Me",
        headers={"Authorization": f"Bearer {token.access_token}", "Accept": "application/json"},
        timeout=10,
    )
    (user,) = me.json()["d"]["results"]
    assert user["CurrentDivision"] == division.code and re.fullmatch(
        r"[0-9a-f-]{36}", user["UserID"]
    )
    assert "X-RateLimit-Minutely-Remaining" not in me.headers
    assert call_counts(division)["calls"] == 0


# --- OData ----------------------------------------------------------------------------------
def codes(raw_api, path, **params):
    response = raw_api("GET", path, params={"$select": "Code", **params})
    assert response.status_code == 200, response.text
    return [row["Code"] for row in response.json()["d"]["results"]]


def test_filter_operators_literals_orderby_and_top(raw_api, division):
    vat = "vat/VATCodes"
    assert codes(raw_api, vat, **{"$filter": "Percentage gt 0.1"}) == ["2"]
    assert codes(raw_api, vat, **{"$filter": "Percentage ge 0.09 and Percentage le 0.21"}) == [
        "2",
        "1",
    ]
    assert codes(raw_api, vat, **{"$filter": "Percentage lt 0.09 or Code eq '2'"}) == ["2", "0"]
    assert codes(raw_api, vat, **{"$filter": "Code ne '2'", "$orderby": "Code"}) == ["0", "1"]
    gl = "financial/GLAccounts"
    assert codes(raw_api, gl, **{"$filter": "Type eq 20"}) == ["1300"]
    assert codes(raw_api, gl, **{"$orderby": "Code desc", "$top": "2"}) == ["8050", "8010"]
    revenue = guid_of(division, gl, Code="8000")
    assert codes(raw_api, gl, **{"$filter": f"ID eq guid'{revenue}'"}) == ["8000"]
    assert len(codes(raw_api, gl, **{"$filter": "Modified ge datetime'2020-01-01T00:00:00'"})) == 4
    assert codes(raw_api, gl, **{"$filter": "Modified lt datetime'2020-01-01'"}) == []
    broken = raw_api("GET", gl, params={"$filter": "Code eq"})
    assert broken.status_code == 400 and broken.json()["error"]["message"]["value"]


def test_select_names_only_the_types_properties_and_unset_ones_come_null(raw_api):
    account = new_account(raw_api)
    row = raw_api(
        "GET", f"crm/Accounts(guid'{account['ID']}')", params={"$select": "Name,Website"}
    ).json()["d"]
    assert row["Name"] == "Ada Lovelace" and row["Website"] is None
    assert set(row) == {"__metadata", "Name", "Website"}
    refused = raw_api("GET", "crm/Accounts", params={"$select": "ID,Nickname"})
    assert refused.status_code == 400
    assert refused.json()["error"]["message"]["value"] == (
        "No property 'Nickname' exists in type 'Exact.Web.Api.Models.Account' at position 3."
    )


def test_bulk_and_sync_endpoints_want_select_page_by_1000_and_sync_follows_timestamps(
    raw_api, division
):
    for n in range(70):
        record_create(division, "crm/Accounts", {"Name": f"Shopper {n}", "Status": "C"})
    assert raw_api("GET", "bulk/CRM/Accounts").status_code == 400
    bulk = raw_api("GET", "bulk/CRM/Accounts", params={"$select": "ID,Name"}).json()["d"]
    assert len(bulk["results"]) == 70 and "__next" not in bulk  # 60 a page on crm/Accounts

    first = raw_api("GET", "sync/CRM/Accounts", params={"$select": "ID,Timestamp"}).json()["d"]
    stamps = [row["Timestamp"] for row in first["results"]]
    assert stamps == sorted(stamps) and len(set(stamps)) == 70
    changed = first["results"][5]["ID"]
    assert (
        raw_api("PUT", f"crm/Accounts(guid'{changed}')", json={"City": "Delft"}).status_code == 204
    )
    since = raw_api(
        "GET", "sync/CRM/Accounts",
        params={"$select": "ID,City,Timestamp", "$filter": f"Timestamp gt {max(stamps)}"},
    ).json()["d"]["results"]  # fmt: skip
    assert [(row["ID"], row["City"]) for row in since] == [(changed, "Delft")]
    assert raw_api("POST", "sync/CRM/Accounts", json={"Name": "x"}).status_code == 405


# --- writes ---------------------------------------------------------------------------------
def test_a_property_the_type_lacks_is_refused(raw_api, division):
    account = new_account(raw_api)
    line = {"Item": guid_of(division, "logistics/Items", Code="MUG-STEEL"), "Quantity": 1}
    body = {"OrderedBy": account["ID"], "Journal": "70", "SalesInvoiceLines": [line]}
    for wrong, type_name in (
        ({"YourReference": "BC-1"}, "SalesInvoice"),
        ({"DeliveryAddress": account["ID"]}, "SalesInvoice"),  # a sales order's field
        ({"SalesInvoiceLines": [{**line, "Price": 3}]}, "SalesInvoiceLine"),
    ):
        refused = raw_api("POST", "salesinvoice/SalesInvoices", json={**body, **wrong})
        assert refused.status_code == 400
        name = next(iter(wrong)) if type_name == "SalesInvoice" else "Price"
        assert refused.json()["error"]["message"]["value"] == (
            f"Error processing request stream. The property name '{name}' specified for type "
            f"'Exact.Web.Api.Models.{type_name}' is not valid."
        )
    put = raw_api("PUT", f"crm/Accounts(guid'{account['ID']}')", json={"Nickname": "Ada"})
    assert put.status_code == 400 and "'Nickname'" in put.text
    assert not records(division, "salesinvoice/SalesInvoices").exists()


def test_an_invoice_delivered_to_an_address_and_its_lines_one_by_one(raw_api, division):
    account = new_account(raw_api)
    address = raw_api(
        "POST", "crm/Addresses",
        json={"Account": account["ID"], "Type": 4, "AddressLine1": "Dam 1", "City": "Amsterdam"},
    ).json()["d"]  # fmt: skip
    line = {"Item": guid_of(division, "logistics/Items", Code="STOVE-1"), "Quantity": 1}
    body = {"OrderedBy": account["ID"], "Journal": "70", "SalesInvoiceLines": [line]}
    stranger = new_account(raw_api, Email="eve@example.com")
    wrong = raw_api(
        "POST", "salesinvoice/SalesInvoices",
        json={**body, "DeliverTo": stranger["ID"], "DeliverToAddress": address["ID"]},
    )  # fmt: skip
    assert wrong.status_code == 400 and "does not belong" in wrong.text
    created = raw_api(
        "POST", "salesinvoice/SalesInvoices", json={**body, "DeliverToAddress": address["ID"]},
        headers={"Prefer": "return=representation"},
    ).json()["d"]  # fmt: skip
    assert created["DeliverToAddress"] == address["ID"]
    assert created["AmountFCExclVat"] == 89.0  # the item's StandardSalesPrice
    (expanded,) = created["SalesInvoiceLines"]["results"]
    assert expanded["InvoiceID"] == created["InvoiceID"]
    assert expanded["__metadata"]["type"] == "Exact.Web.Api.Models.SalesInvoiceLine"
    one = raw_api("GET", f"salesinvoice/SalesInvoiceLines(guid'{expanded['ID']}')").json()["d"]
    assert one["Item"] == line["Item"] and one["VATPercentage"] == 0.21


def test_delete_answers_204_and_the_entity_is_gone(raw_api):
    account = new_account(raw_api)
    gone = raw_api("DELETE", f"crm/Accounts(guid'{account['ID']}')")
    assert gone.status_code == 204 and gone.content == b""
    assert raw_api("GET", f"crm/Accounts(guid'{account['ID']}')").status_code == 404


# --- more faults, the admin -----------------------------------------------------------------
def test_a_429_storm_and_latency(raw_api, division):
    faults_set(division, fault_rate_limited=2)
    answers = [raw_api("GET", "financial/Journals") for _ in range(3)]
    assert [a.status_code for a in answers] == [429, 429, 200]
    assert answers[0].headers["X-RateLimit-Minutely-Remaining"] == "0"
    assert "X-RateLimit-Remaining" not in answers[0].headers
    assert call_counts(division)["429"] == 2
    faults_set(division, fault_latency_ms=300)
    started = time.monotonic()
    assert raw_api("GET", "financial/Journals").status_code == 200
    assert time.monotonic() - started >= 0.3


def test_the_admin_is_for_superusers_and_switches_faults_off(admin_client, client, division):
    faults_set(division, fault_error_rate=0.5, fault_rate_limited=3)
    url = "/admin/sandbox_exact_online/exactdivision/"
    assert admin_client.get(url).status_code == 200
    admin_client.post(url, {"action": "clear_faults", "_selected_action": [division.pk]})
    division = ExactDivision.objects.get(pk=division.pk)
    assert division.fault_error_rate == 0 and division.fault_rate_limited == 0
    assert client.get(url).status_code == 302  # not signed in: to the login page
