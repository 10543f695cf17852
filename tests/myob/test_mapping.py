"""Canonical → MYOB payloads, without HTTP."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from connectors.bigcommerce.customers import bigcommerce_customer_changes
from connectors.myob.mapping import (
    MappingError,
    MappingSettings,
    Resolved,
    customer_payload,
    customer_update,
    invoice_payload,
    store_customer,
)
from tests.support.orders import D, address, customer, line, order

TAX = {"GST": {"UID": "gst-uid"}, "FRE": {"UID": "fre-uid"}}
ITEMS = {"TENT-2P": {"UID": "tent-uid"}, "MUG-STEEL": {"UID": "mug-uid", "IncomeAccount": {"UID": "acc-4000"}},
         "SHIPPING": {"UID": "ship-uid", "IncomeAccount": {"UID": "acc-freight"}}}  # fmt: skip
RESOLVED = Resolved(tax_codes=TAX, items=ITEMS, accounts={"4-1100": {"UID": "acc-other"}})


def test_an_item_invoice_has_a_line_per_product_freight_and_the_reference():
    kind, body = invoice_payload(order(), "cust-uid", MappingSettings(), RESOLVED)
    assert kind == "Item"
    assert body["Customer"] == {"UID": "cust-uid"} and body["IsTaxInclusive"] is False
    assert body["CustomerPurchaseOrderNumber"] == "BC-1001"
    assert "BC-1001" in body["JournalMemo"] and "#1001" in body["JournalMemo"]
    tent, mug = body["Lines"]
    assert tent == {
        "Type": "Transaction", "Description": "Product TENT-2P (TENT-2P)", "UnitPrice": D("349.0000"),
        "DiscountPercent": D("0"), "Total": D("698.00"), "TaxCode": {"UID": "gst-uid"},
        "ShipQuantity": D("2"), "Item": {"UID": "tent-uid"},
    }  # fmt: skip
    assert mug["Total"] == D("58.50") and all(
        isinstance(v, Decimal) for v in (mug["Total"], mug["UnitPrice"])
    )
    assert body["Freight"] == D("10.00") and body["FreightTaxCode"] == {"UID": "gst-uid"}
    assert body["ShipToAddress"].splitlines() == [
        "Ada Lovelace",
        "1 Dock Rd",
        "Newcastle NSW 2000",
        "Australia",
    ]
    assert "Number" not in body  # MYOB numbers it


def test_tax_inclusive_prices_untaxed_lines_discounts_and_order_numbers():
    free = line("MUG-STEEL", 4, "19.5000", tax_rate=D("0"), discount=D("7.80"))
    settings = MappingSettings(
        tax_inclusive="inclusive", invoice_number="order", invoice_number_prefix="W"
    )
    _, body = invoice_payload(order(lines=[free], shipping_tax=D("0")), "c", settings, RESOLVED)
    (mug,) = body["Lines"]
    assert mug["TaxCode"] == {"UID": "fre-uid"} and mug["DiscountPercent"] == D("10.0000")
    assert mug["Total"] == D("70.20") and body["IsTaxInclusive"] is True
    assert body["FreightTaxCode"] == {"UID": "fre-uid"}  # untaxed shipping
    assert body["Number"] == "W1001"
    with pytest.raises(MappingError, match="13 characters"):
        invoice_payload(
            order(source_id="12345678901"),
            "c",
            MappingSettings(invoice_number="order", invoice_number_prefix="WEB-X"),
            RESOLVED,
        )


def test_inclusive_follows_the_store_by_default():
    _, body = invoice_payload(order(tax_inclusive=True), "c", MappingSettings(), RESOLVED)
    assert body["IsTaxInclusive"] is True and body["Lines"][0]["UnitPrice"] == D("383.9000")
    assert body["Freight"] == D("11.00")


def test_an_unknown_sku_fails_naming_it_and_the_setting_or_becomes_a_service_invoice():
    unknown = order(lines=[line("KAYAK-9", 1, "999"), line("MUG-STEEL", 1, "19.5")])
    with pytest.raises(
        MappingError, match=r"SKU KAYAK-9 .*Income account for SKUs without a MYOB item"
    ):
        invoice_payload(unknown, "c", MappingSettings(), RESOLVED)
    kind, body = invoice_payload(
        unknown, "c", MappingSettings(unmapped_sku_account="4-1100"), RESOLVED
    )
    assert kind == "Service"
    assert [ln["Account"] for ln in body["Lines"]] == [{"UID": "acc-other"}, {"UID": "acc-4000"}]
    assert body["Lines"][0]["UnitCount"] == D("1")


def test_an_unknown_tax_code_names_the_code_and_the_setting():
    with pytest.raises(MappingError, match=r"Tax code XYZ .*'Tax code for taxable lines'"):
        invoice_payload(order(), "c", MappingSettings(tax_code_taxable="XYZ"), RESOLVED)


def test_freight_as_a_line_for_files_without_a_freight_field():
    _, body = invoice_payload(order(), "c", MappingSettings(freight_item="SHIPPING"), RESOLVED)
    assert "Freight" not in body
    freight = body["Lines"][-1]
    assert freight["Item"] == {"UID": "ship-uid"} and freight["Total"] == D("10.00")
    assert freight["Description"] == "Flat rate" and freight["TaxCode"] == {"UID": "gst-uid"}


def test_blank_settings_keep_the_defaults():
    assert (
        MappingSettings.from_settings({"tax_code_taxable": "", "category": None, "other": 1})
        == MappingSettings()
    )


def test_an_individual_or_a_company_customer_with_selling_tax_codes():
    person = customer_payload(customer(), "gst", "gst2")
    assert (
        person["IsIndividual"] is True
        and person["LastName"] == "Lovelace"
        and person["CompanyName"] is None
    )
    assert (
        person["Addresses"][0]["Email"] == "ada@example.com"
        and person["Addresses"][0]["Location"] == 1
    )
    assert person["SellingDetails"] == {
        "TaxCode": {"UID": "gst"},
        "FreightTaxCode": {"UID": "gst2"},
    }
    company = customer_payload(customer(billing_address=address(company="Cobol Pty Ltd")), "g", "g")
    assert company["IsIndividual"] is False and company["CompanyName"] == "Cobol Pty Ltd"
    long_name = customer_payload(customer(first_name="A" * 40, last_name="B" * 40), "g", "g")
    assert len(long_name["FirstName"]) == 20 and len(long_name["LastName"]) == 30


def test_a_customer_update_keeps_other_fields_and_is_none_when_nothing_changed():
    existing = {**customer_payload(customer(), "g", "g"), "UID": "u", "RowVersion": "1", "Notes": "VIP",
                "SellingDetails": {"TaxCode": {"UID": "g", "Code": "GST"}}}  # fmt: skip
    assert customer_update(existing, customer()) is None
    moved = customer_update(existing, customer(billing_address=address(city="Perth", state="WA")))
    assert moved["Addresses"][0]["City"] == "Perth" and moved["Notes"] == "VIP"
    assert moved["RowVersion"] == "1" and moved["SellingDetails"]["TaxCode"]["Code"] == "GST"


def test_myob_card_changes_map_to_bigcommerce_fields_only_where_different():
    card = {"IsIndividual": True, "FirstName": "Ada", "LastName": "King",
            "Addresses": [{"Location": 1, "Email": "ADA@example.com", "Street": "3 New Rd\nUnit 2", "City": "Sydney",
                           "State": "NSW", "PostCode": "2000", "Phone1": "0400 000 000"}]}  # fmt: skip
    bc = {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com", "phone": "0400 000 000",
          "addresses": [{"id": 5, "address1": "12 Analytical St", "address2": "", "city": "Sydney",
                         "state_or_province": "NSW", "postal_code": "2000"}]}  # fmt: skip
    changes = bigcommerce_customer_changes(store_customer(card), bc)
    assert changes["customer"] == {"last_name": "King"}
    assert changes["address"] == {"address1": "3 New Rd", "address2": "Unit 2", "id": 5}
    same = {
        **bc,
        "last_name": "King",
        "addresses": [{**bc["addresses"][0], "address1": "3 New Rd", "address2": "Unit 2"}],
    }
    assert bigcommerce_customer_changes(store_customer(card), same) == {
        "customer": {},
        "address": {},
    }


def test_the_invoice_date_is_the_order_date():
    _, body = invoice_payload(order(), "c", MappingSettings(), RESOLVED)
    assert (
        body["Date"] == datetime(2026, 11, 20, 9, 30, tzinfo=UTC).replace(tzinfo=None).isoformat()
    )
