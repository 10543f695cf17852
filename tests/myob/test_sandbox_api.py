"""The sandbox company-file API answers as api.myob.com does, over real HTTP."""

from decimal import Decimal

import pytest
from django.utils import timezone

from sandbox.myob.models import MyobApiKey
from sandbox.myob.oauth import issue_token
from sandbox.myob.services import faults_set, records
from tests.support.myob_sandbox import SCOPES, cftoken


def uid_of(records_qs, **data):
    return str(records_qs.get(**{f"data__{k}": v for k, v in data.items()}).uid)


@pytest.fixture
def refs(business):
    return {
        "GST": uid_of(records(business, "GeneralLedger/TaxCode"), Code="GST"),
        "FRE": uid_of(records(business, "GeneralLedger/TaxCode"), Code="FRE"),
        "TENT": uid_of(records(business, "Inventory/Item"), Number="TENT-2P"),
        "MUG": uid_of(records(business, "Inventory/Item"), Number="MUG-STEEL"),
        "SALES": uid_of(records(business, "GeneralLedger/Account"), DisplayID="4-1000"),
    }


def new_customer(raw_api, refs, **fields):
    body = {
        "IsIndividual": True, "FirstName": "Ada", "LastName": "Lovelace",
        "Addresses": [{"Location": 1, "Email": "ada@example.com", "City": "Sydney"}],
        "SellingDetails": {"TaxCode": {"UID": refs["GST"]}, "FreightTaxCode": {"UID": refs["GST"]}},
        **fields,
    }  # fmt: skip
    response = raw_api("POST", "Contact/Customer", json=body)
    assert response.status_code == 201, response.text
    return response.headers["Location"].rsplit("/", 1)[-1]


def test_every_header_is_checked_and_each_failure_names_its_header(raw_api):
    assert raw_api("GET", "").status_code == 200
    cases = [
        ({"drop": ["x-myobapi-key"]}, 403, "DeveloperInactive", "x-myobapi-key"),
        ({"headers": {"Authorization": "Bearer sbx-at-wrong"}}, 401, "OAuthTokenIsInvalid", "Authorization"),
        ({"drop": ["x-myobapi-cftoken"]}, 401, None, "x-myobapi-cftoken"),
        ({"headers": {"x-myobapi-cftoken": cftoken(password="nope")}}, 401, None, "x-myobapi-cftoken"),
        ({"drop": ["x-myobapi-version"]}, 400, None, "x-myobapi-version"),
    ]  # fmt: skip
    for kwargs, status, name, header in cases:
        response = raw_api("GET", "Contact/Customer", **kwargs)
        assert response.status_code == status, (kwargs, response.text)
        error = response.json()["Errors"][0]
        assert set(error) >= {"Name", "Message", "AdditionalDetails", "ErrorCode", "Severity"}
        assert header in error["AdditionalDetails"]
        if name:
            assert error["Name"] == name


def test_expired_foreign_and_narrow_tokens_are_refused(raw_api, myob_key, token, business):
    token.expires_at = timezone.now()
    token.save()
    assert raw_api("GET", "Contact/Customer").status_code == 401
    other = issue_token(myob_key, "00000000-0000-0000-0000-000000000001", SCOPES)
    response = raw_api(
        "GET", "Contact/Customer", headers={"Authorization": f"Bearer {other.access_token}"}
    )
    assert (
        response.status_code == 403
        and "Authorization" in response.json()["Errors"][0]["AdditionalDetails"]
    )
    # A token without the scope a resource needs.
    narrow = issue_token(myob_key, str(business.uid), "sme-company-file sme-contacts-customer")
    headers = {"Authorization": f"Bearer {narrow.access_token}"}
    assert raw_api("GET", "Contact/Customer", headers=headers).status_code == 200
    response = raw_api("GET", "Sale/Invoice/Item", headers=headers)
    assert response.status_code == 403 and "sme-sales" in response.json()["Errors"][0]["Message"]


def test_post_answers_201_with_location_and_the_entity_has_links_and_a_row_version(raw_api, refs):
    uid = new_customer(raw_api, refs)
    customer = raw_api("GET", f"Contact/Customer/{uid}").json()
    assert customer["UID"] == uid and customer["URI"].endswith(f"/Contact/Customer/{uid}")
    assert isinstance(customer["RowVersion"], str) and int(customer["RowVersion"])
    tax = customer["SellingDetails"]["TaxCode"]
    assert tax["Code"] == "GST" and tax["URI"].startswith("http") and tax["UID"] == refs["GST"]
    assert customer["DisplayID"] == "*None" and customer["IsIndividual"] is True


def test_required_fields_and_unknown_links_answer_myobs_error_list(raw_api, refs):
    response = raw_api(
        "POST",
        "Contact/Customer",
        json={"IsIndividual": False, "SellingDetails": {"TaxCode": {"UID": refs["MUG"]}}},
    )
    assert response.status_code == 400
    errors = response.json()["Errors"]
    names = {(e["Name"], e["ErrorCode"]) for e in errors}
    assert ("Required", 100) in names and ("NotFound", 150) in names
    assert any(e["Message"] == "CompanyName is required" for e in errors)
    assert (
        raw_api(
            "POST",
            "Contact/Customer",
            data="{not json",
            headers={"Content-Type": "application/json"},
        ).json()["Errors"][0]["ErrorCode"]
        == 50
    )


def test_put_needs_the_current_row_version_and_post_refuses_one(raw_api, refs, business):
    uid = new_customer(raw_api, refs)
    current = raw_api("GET", f"Contact/Customer/{uid}").json()
    assert raw_api("POST", "Contact/Customer", json=current).status_code == 409  # UID, RowVersion
    updated = raw_api(
        "PUT",
        f"Contact/Customer/{uid}",
        json={**current, "LastName": "King"},
        params={"returnBody": "true"},
    )
    assert updated.status_code == 200 and updated.json()["LastName"] == "King"
    assert updated.json()["RowVersion"] != current["RowVersion"]
    stale = raw_api("PUT", f"Contact/Customer/{uid}", json={**current, "LastName": "Byron"})
    assert stale.status_code == 409
    assert stale.json()["Errors"][0]["Name"] == "IncorrectRowVersionSupplied"
    assert raw_api("GET", f"Contact/Customer/{uid}").json()["LastName"] == "King"
    missing = raw_api("PUT", "Contact/Customer/00000000-0000-0000-0000-000000000009", json=current)
    assert missing.status_code == 404
    # A forced conflict (the fault switch) answers 409 once.
    faults_set(business, fault_conflicts=1)
    current = raw_api("GET", f"Contact/Customer/{uid}").json()
    assert raw_api("PUT", f"Contact/Customer/{uid}", json=current).status_code == 409
    assert raw_api("PUT", f"Contact/Customer/{uid}", json=current).status_code == 200


def test_an_item_invoice_computes_tax_and_totals_from_its_lines(raw_api, refs):
    customer = new_customer(raw_api, refs)
    body = {
        "Date": "2026-11-20", "Customer": {"UID": customer}, "IsTaxInclusive": False,
        "CustomerPurchaseOrderNumber": "BC-100",
        "Lines": [
            {"ShipQuantity": 2, "UnitPrice": 349, "Total": 698, "Item": {"UID": refs["TENT"]}, "TaxCode": {"UID": refs["GST"]}},
            {"ShipQuantity": 3, "UnitPrice": 19.5, "DiscountPercent": 10, "Total": 52.65, "Item": {"UID": refs["MUG"]}, "TaxCode": {"UID": refs["FRE"]}},
        ],
        "Freight": 10, "FreightTaxCode": {"UID": refs["GST"]},
    }  # fmt: skip
    created = raw_api("POST", "Sale/Invoice/Item", json=body, params={"returnBody": "true"})
    assert created.status_code == 201, created.text
    invoice = created.json()
    assert created.headers["Location"] == invoice["URI"]
    assert invoice["Number"] == "00000001" and invoice["Status"] == "Open"
    money = {
        k: Decimal(str(invoice[k])) for k in ("Subtotal", "Freight", "TotalTax", "TotalAmount")
    }
    assert money == {
        "Subtotal": Decimal("750.65"),
        "Freight": Decimal("10"),
        "TotalTax": Decimal("70.8"),
        "TotalAmount": Decimal("831.45"),
    }
    assert invoice["Lines"][0]["Item"]["Number"] == "TENT-2P" and invoice["Lines"][0]["RowID"] == 1
    # A line whose total does not match its quantity and price is refused.
    body["Lines"][0]["Total"] = 600
    wrong = raw_api("POST", "Sale/Invoice/Item", json=body)
    assert (
        wrong.status_code == 400
        and wrong.json()["Errors"][0]["AdditionalDetails"] == "Lines[1].Total"
    )


def test_freight_is_refused_where_the_layout_has_none_and_categories_where_required(
    raw_api, refs, business
):
    customer = new_customer(raw_api, refs)
    business.supports_freight = False
    business.requires_category = True
    business.save()
    body = {
        "Date": "2026-11-20", "Customer": {"UID": customer},
        "Lines": [{"ShipQuantity": 1, "Total": 349, "Item": {"UID": refs["TENT"]}, "TaxCode": {"UID": refs["GST"]}}],
        "Freight": 10, "FreightTaxCode": {"UID": refs["GST"]},
    }  # fmt: skip
    names = {e["Name"] for e in raw_api("POST", "Sale/Invoice/Item", json=body).json()["Errors"]}
    assert names == {"FreightNotSupported", "Required"}


def test_sale_invoice_lists_every_type_and_is_read_only(raw_api, refs):
    customer = new_customer(raw_api, refs)
    service = {
        "Date": "2026-11-21T10:00:00", "Customer": {"UID": customer}, "CustomerPurchaseOrderNumber": "BC-7",
        "Lines": [{"Description": "Engraving", "Total": 20, "Account": {"UID": refs["SALES"]}, "TaxCode": {"UID": refs["GST"]}}],
    }  # fmt: skip
    assert raw_api("POST", "Sale/Invoice/Service", json=service).status_code == 201
    listed = raw_api(
        "GET", "Sale/Invoice", params={"$filter": "CustomerPurchaseOrderNumber eq 'BC-7'"}
    ).json()
    assert listed["Count"] == 1 and listed["Items"][0]["InvoiceType"] == "Service"
    assert raw_api("POST", "Sale/Invoice", json=service).status_code == 405


def test_odata_filter_order_and_paging(raw_api, refs, myob_key, business):
    MyobApiKey.objects.filter(pk=myob_key.pk).update(per_second_limit=1000)
    for i in range(7):
        new_customer(
            raw_api, refs, LastName=f"Person {i}", Addresses=[{"Email": f"p{i}@example.com"}]
        )
    page = raw_api(
        "GET", "Contact/Customer", params={"$top": 3, "$orderby": "LastName desc"}
    ).json()
    assert page["Count"] == 7 and [c["LastName"] for c in page["Items"]] == [
        "Person 6",
        "Person 5",
        "Person 4",
    ]
    following = raw_api("GET", page["NextPageLink"]).json()
    assert [c["LastName"] for c in following["Items"]] == ["Person 3", "Person 2", "Person 1"]
    last = raw_api("GET", following["NextPageLink"]).json()
    assert len(last["Items"]) == 1 and last["NextPageLink"] is None
    found = raw_api(
        "GET",
        "Contact/Customer",
        params={
            "$filter": "Addresses/any(a: a/Email eq 'P3@EXAMPLE.COM') or (LastName eq 'Person 5' and IsIndividual eq true)"
        },
    ).json()
    assert sorted(c["LastName"] for c in found["Items"]) == ["Person 3", "Person 5"]
    since = records(business, "Contact/Customer")[3].last_modified.replace(tzinfo=None)
    newer = raw_api(
        "GET",
        "Contact/Customer",
        params={"$filter": f"LastModified gt datetime'{since.isoformat()}'"},
    ).json()
    assert newer["Count"] == 3
    assert raw_api("GET", "Contact/Customer", params={"$filter": "LastName eq"}).status_code == 400
    assert raw_api("GET", "Contact/Customer", params={"$top": 5000}).json()["Count"] == 7
    starts = raw_api(
        "GET",
        "Contact/Customer",
        params={"$filter": "startswith(LastName, 'person') and not (LastName eq 'Person 0')"},
    ).json()
    assert starts["Count"] == 6


def test_the_rate_limit_is_per_api_key_across_company_files(raw_api, myob_key):
    MyobApiKey.objects.filter(pk=myob_key.pk).update(per_second_limit=3)
    statuses = [raw_api("GET", "GeneralLedger/TaxCode").status_code for _ in range(8)]
    assert 403 in statuses and statuses[:3] == [200, 200, 200]
    refused = raw_api("GET", "GeneralLedger/TaxCode")
    if refused.status_code == 403:  # still inside the same second
        error = refused.json()["Errors"][0]
        assert error["Name"] == "RateLimitError" and "per-second" in error["Message"]
    MyobApiKey.objects.filter(pk=myob_key.pk).update(
        per_second_limit=1000, daily_limit=1, day_count=5
    )
    daily = raw_api("GET", "GeneralLedger/TaxCode").json()["Errors"][0]
    assert daily["Name"] == "RateLimitError" and "daily" in daily["Message"]
    assert daily["AdditionalDetails"] == "Header: x-myobapi-key"


def test_fault_switches(raw_api, business):
    faults_set(business, fault_rate_limited=2)
    assert [raw_api("GET", "GeneralLedger/TaxCode").status_code for _ in range(3)] == [
        403,
        403,
        200,
    ]
    faults_set(business, fault_error_rate=1.0)
    response = raw_api("GET", "GeneralLedger/TaxCode")
    assert (
        response.status_code == 500
        and response.json()["Errors"][0]["Name"] == "InternalServerError"
    )


def test_paths_ignore_case_and_a_trailing_slash_and_sso_files_need_no_cftoken(raw_api, business):
    assert raw_api("GET", "generalledger/taxcode/").json()["Count"] == 4
    assert raw_api("GET", "Company").json()["CompanyName"]
    assert raw_api("GET", "Nope/Thing").status_code == 404
    business.requires_cftoken = False
    business.save()
    assert raw_api("GET", "", drop=["x-myobapi-cftoken"]).json()["CompanyFile"]["Id"] == str(
        business.uid
    )
