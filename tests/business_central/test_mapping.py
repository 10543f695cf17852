"""Business Central's payloads from canonical orders and customers: pure functions, no HTTP."""

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from connectors.business_central import mapping
from connectors.business_central.api import datetime_literal, plain_json
from connectors.business_central.auth import refusal_message, routed
from connectors.errors import PermanentError
from tests.support import orders

D = Decimal
ITEMS = {"TENT-2P": "TENT-2P", "MUG-STEEL": "MUG-STEEL"}
SETTINGS = mapping.MappingSettings(shipping_account="6110")


def test_an_invoice_has_item_lines_a_shipping_account_line_and_the_reference():
    order = orders.order(lines=[orders.line("tent-2p", 2, "349.0000", discount="20.0000"),
                                orders.line("MUG-STEEL", 3, "19.5000")])  # fmt: skip
    body = mapping.document_payload(order, "cust-guid", ITEMS, SETTINGS)
    assert body["customerId"] == "cust-guid"
    assert body["customerPurchaseOrderReference"] == "BigCommerce 1001"
    assert body["externalDocumentNumber"] == "1001"  # the store's number, a person quotes it
    assert body["invoiceDate"] == "2026-11-20"
    assert body["salesInvoiceLines"] == [
        {"lineType": "Item", "lineObjectNumber": "TENT-2P", "quantity": D("2"),
         "unitPrice": D("349.00"), "discountAmount": D("20.00")},
        {"lineType": "Item", "lineObjectNumber": "MUG-STEEL", "quantity": D("3"),
         "unitPrice": D("19.50")},
        {"lineType": "Account", "lineObjectNumber": "6110", "description": "Shipping: Flat rate",
         "quantity": D("1"), "unitPrice": D("10.00")},
    ]  # fmt: skip
    assert "discountAmount" not in body  # every discount is on its line
    assert body["shipToAddressLine1"] == "1 Dock Rd" and body["shipToCity"] == "Newcastle"


def test_a_sales_order_keeps_the_reference_in_external_document_number():
    settings = replace(SETTINGS, document=mapping.SALES_ORDER)
    body = mapping.document_payload(orders.order(), "cust-guid", ITEMS, settings)
    assert body["externalDocumentNumber"] == "BigCommerce 1001"
    assert "customerPurchaseOrderReference" not in body and "invoiceDate" not in body
    assert body["orderDate"] == "2026-11-20"
    assert [line["lineType"] for line in body["salesOrderLines"]] == ["Item", "Item", "Account"]
    assert settings.entity_set == "salesOrders"
    assert mapping.reference_field("salesOrders") == "externalDocumentNumber"
    assert mapping.reference_field("salesInvoices") == "customerPurchaseOrderReference"


def test_a_discount_no_line_carries_is_the_invoice_discount():
    order = replace(orders.order(lines=[orders.line("TENT-2P", 1, "100", discount="5")]),
                    discount_total=D("12.5000"))  # fmt: skip
    body = mapping.document_payload(order, "c", ITEMS, SETTINGS)
    assert body["discountAmount"] == D("7.50")
    assert body["salesInvoiceLines"][0]["discountAmount"] == D("5.00")


def test_shipping_without_an_account_names_the_setting_and_no_shipping_needs_none():
    with pytest.raises(PermanentError, match="Business Central documents"):
        mapping.document_payload(orders.order(), "c", ITEMS, mapping.MappingSettings())
    free = orders.order(shipping_ex="0", shipping_tax="0")
    body = mapping.document_payload(free, "c", ITEMS, mapping.MappingSettings())
    assert [line["lineType"] for line in body["salesInvoiceLines"]] == ["Item", "Item"]


def test_a_sku_without_an_item_names_the_sku_and_where_to_fix_it():
    with pytest.raises(PermanentError) as caught:
        mapping.document_payload(orders.order(), "c", {"TENT-2P": "TENT-2P"}, SETTINGS)
    assert "SKU MUG-STEEL" in caught.value.message and "Items page" in caught.value.message
    with pytest.raises(PermanentError, match="longer than the 20 characters"):
        mapping.item_number("A" * 21)
    assert mapping.item_number(" mug-steel ") == "MUG-STEEL"


def test_a_new_customer_copies_the_templates_tax_area_terms_and_currency():
    template = {"number": "WEB", "taxAreaId": "tax-area", "taxLiable": True,
                "paymentTermsId": "terms", "currencyCode": "",
                "displayName": "Template", "email": "t@example.com"}  # fmt: skip
    body = mapping.customer_payload(orders.customer(email="Ada@Example.com"), template)
    assert body == {
        "type": "Person", "email": "ada@example.com", "displayName": "Ada Lovelace",
        "phoneNumber": "0400 000 000", "addressLine1": "12 Analytical St", "city": "Sydney",
        "state": "NSW", "country": "AU", "postalCode": "2000", "taxAreaId": "tax-area",
        "taxLiable": True, "paymentTermsId": "terms",
    }  # fmt: skip
    company = mapping.customer_payload(orders.customer(company="Analytical Engines Ltd"))
    assert company["type"] == "Company" and company["displayName"] == "Analytical Engines Ltd"


def test_only_the_managed_fields_that_differ_are_patched():
    customer = orders.customer()
    existing = {**mapping.customer_payload(customer), "id": "x", "number": "C00010"}
    assert mapping.customer_changes(existing, customer) == {}
    moved = replace(customer, billing_address=orders.address(city="Perth"))
    assert mapping.customer_changes(existing, moved) == {"city": "Perth"}


def test_a_total_more_than_a_cent_off_is_a_warning_and_within_a_cent_none():
    order = orders.order()
    total = order.total_inc_tax
    assert mapping.total_warning({"totalAmountIncludingTax": total + D("0.01")}, order, "x") == ""
    assert mapping.total_warning({}, order, "x") == ""
    warning = mapping.total_warning({"totalAmountIncludingTax": total + D("0.02")}, order,
                                    "invoice 103001")  # fmt: skip
    assert "invoice 103001" in warning and "0.02" in warning and "tax area" in warning


def test_a_business_central_customer_as_the_store_should_have_it():
    wanted = mapping.store_customer({"displayName": "Ada Lovelace", "email": "ADA@example.com",
                                     "phoneNumber": "", "addressLine1": "1 Main St",
                                     "city": "Perth", "country": "AU"})  # fmt: skip
    assert wanted.name == "Ada Lovelace" and wanted.fields == {"email": "ada@example.com"}
    assert wanted.address["address1"] == "1 Main St" and wanted.address["city"] == "Perth"


def test_date_times_are_unquoted_utc_literals_and_money_goes_as_numbers():
    assert datetime_literal(datetime(2019, 8, 18, 20, 5, 51, 603000, tzinfo=UTC)) == (
        "2019-08-18T20:05:51.603Z"
    )
    assert plain_json({"a": [D("19.50")], "b": "x"}) == {"a": [19.5], "b": "x"}


def test_settings_fill_blanks_with_defaults():
    settings = mapping.MappingSettings.from_settings({"document": "", "shipping_account": "6110"})
    assert settings.document == mapping.SALES_INVOICE and settings.entity_set == "salesInvoices"
    assert settings.shipping_account == "6110" and settings.tax_check == "warn"


def test_entras_refusals_are_said_plainly():
    wrong = {"error": "invalid_client", "error_codes": [7000215],
             "error_description": "AADSTS7000215: Invalid client secret provided."}  # fmt: skip
    assert "client secret is wrong or expired: create a new one" in refusal_message(wrong)
    assert "AADSTS7000215" in refusal_message(wrong)
    other = {"error": "unauthorized_client", "error_description": "AADSTS1: Something.\nTrace"}
    assert refusal_message(other) == (
        "Microsoft Entra ID refused the sign-in (unauthorized_client). AADSTS1: Something."
    )


def test_microsofts_login_host_goes_to_the_stand_in_in_demo_mode_only(settings):
    url = "https://login.microsoftonline.com/t-1/oauth2/v2.0/token"
    settings.BC_ENTRA_URL = "http://127.0.0.1:9/sandbox/entra"
    settings.DEMO_MODE = True
    assert routed(url) == "http://127.0.0.1:9/sandbox/entra/t-1/oauth2/v2.0/token"
    assert routed("https://example.com/x") == "https://example.com/x"
    settings.DEMO_MODE = False
    assert routed(url) == url
