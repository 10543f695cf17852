"""SYSPRO's business-object XML from canonical orders and customers: pure functions, no HTTP."""

from dataclasses import replace
from decimal import Decimal

import pytest
from defusedxml.ElementTree import fromstring

from connectors.errors import PermanentError
from connectors.syspro import mapping
from connectors.syspro.config import SysproConfig
from tests.support import orders

D = Decimal
SETTINGS = mapping.MappingSettings(tax_codes="10=A, 0=E", product_class="_WEB")


def tree(document: str):
    assert document.startswith('<?xml version="1.0" encoding="Windows-1252"?>')
    return fromstring(document.encode("cp1252"))


def children(element) -> list[tuple[str, str]]:
    return [(child.tag, child.text or "") for child in element]


def test_an_order_is_stock_lines_a_freight_line_and_the_reference_in_customer_po_number():
    order = orders.order(lines=[orders.line("tent-2p", 2, "349.1234", discount="20.0000"),
                                orders.line("MUG-STEEL", 3, "19.5000", tax_rate="0")])  # fmt: skip
    document, cuts = mapping.sortoi_xml(
        order, "BC7", SETTINGS, {"TENT-2P": "TENT-2P", "MUG-STEEL": "Mug-Steel"}
    )
    root = tree(document)
    assert cuts == []
    header = root.find("Orders/OrderHeader")
    assert children(header) == [
        ("CustomerPoNumber", "BigCommerce 1001"), ("OrderActionType", "A"), ("Customer", "BC7"),
        ("OrderDate", "2026-11-20"), ("Email", "ada@example.com"), ("CustomerName", "Ada Lovelace"),
        ("ShipAddress1", "1 Dock Rd"), ("ShipAddress2", ""), ("ShipAddress3", "Newcastle"),
        ("ShipAddress4", "NSW"), ("ShipAddress5", "Australia"), ("ShipPostalCode", "2000"),
        ("ShippingInstrs", "Flat rate"), ("Warehouse", "WH01"),
    ]  # fmt: skip
    details = root.find("Orders/OrderDetails")
    assert [children(line) for line in details] == [
        [("CustomerPoLine", "1"), ("LineActionType", "A"), ("StockCode", "TENT-2P"),
         ("Warehouse", "WH01"), ("OrderQty", "2"), ("Price", "349.1234"),
         ("LineDiscValue", "20.00"), ("StockTaxCode", "A")],
        [("CustomerPoLine", "2"), ("LineActionType", "A"), ("StockCode", "Mug-Steel"),
         ("Warehouse", "WH01"), ("OrderQty", "3"), ("Price", "19.5000"), ("StockTaxCode", "E")],
        [("FreightValue", "10.00"), ("FreightCost", "0.00"), ("FreightTaxCode", "A")],
    ]  # fmt: skip
    assert [line.tag for line in details] == ["StockLine", "StockLine", "FreightLine"]


def test_a_discount_no_line_carries_is_a_negative_charge_on_the_product_class_to_the_cent():
    order = replace(orders.order(lines=[orders.line("TENT-2P", 1, "100", discount="5")]),
                    discount_total=D("12.5050"), handling_ex_tax=D("3.3333"))  # fmt: skip
    root = tree(mapping.sortoi_xml(order, "BC7", SETTINGS)[0])
    charges = [children(c) for c in root.iter("MiscChargeLine")]
    assert charges == [
        [("MiscChargeValue", "3.33"), ("MiscQuantity", "1"), ("MiscProductClass", "_WEB"),
         ("MiscDescription", "Handling")],
        [("MiscChargeValue", "-7.51"), ("MiscQuantity", "1"), ("MiscProductClass", "_WEB"),
         ("MiscDescription", "Discount")],
    ]  # fmt: skip
    assert root.find(".//StockLine/LineDiscValue").text == "5.00"
    # Without a product class such a charge has nowhere to go: the setting is named.
    with pytest.raises(PermanentError, match="Product class for charges"):
        mapping.sortoi_xml(order, "BC7", replace(SETTINGS, product_class=""))
    # An order with no such charge needs none.
    mapping.sortoi_xml(orders.order(), "BC7", replace(SETTINGS, product_class=""))


def test_long_ship_to_fields_are_cut_to_syspros_lengths_and_each_cut_is_said():
    long_street = "Unit 4, The Very Long Industrial Estate Name, 1234 Harbour Road"
    ship_to = orders.address(street_1=long_street, postcode="NW1 6XE-EXTRA-LONG-CODE",
                             company="Ampersand & <Angle> Brackets Holdings International Pty Ltd")  # fmt: skip
    order = orders.order(ship_to=ship_to)
    document, cuts = mapping.sortoi_xml(order, "BC7", SETTINGS)
    header = tree(document).find("Orders/OrderHeader")
    assert header.find("ShipAddress1").text == long_street[:40]
    assert header.find("ShipPostalCode").text == "NW1 6XE-EXTRA-L"
    assert header.find("CustomerName").text == ship_to.company[:50]  # escaped, read back intact
    assert len(cuts) == 3, cuts
    assert f"sent as '{long_street[:40]}' (ShipAddress1)" in cuts[1]
    assert "ship-to address line 1" in cuts[1] and "40 characters" in cuts[1]
    assert "ship-to postcode" in cuts[2] and "15 characters" in cuts[2]


def test_text_windows_1252_cannot_hold_is_replaced_and_said_and_control_characters_dropped():
    ship_to = orders.address(street_1="東京 1-2-3\x00", city="Zürich")
    document, cuts = mapping.sortoi_xml(orders.order(ship_to=ship_to), "BC7", SETTINGS)
    header = tree(document).find("Orders/OrderHeader")
    assert header.find("ShipAddress1").text == "?? 1-2-3"
    assert header.find("ShipAddress3").text == "Zürich"  # in Windows-1252: kept
    assert cuts == ["The ship-to address line 1 '東京 1-2-3' has characters SYSPRO's Windows-1252 "
                    "text cannot hold: sent as '?? 1-2-3' (ShipAddress1)."]  # fmt: skip


def test_the_reference_fits_30_characters_and_a_missing_sku_names_the_sku_and_the_place():
    assert mapping.order_reference(orders.order(source_id="9" * 40)) == "BigCommerce " + "9" * 18
    with pytest.raises(PermanentError) as missing:
        mapping.sortoi_xml(orders.order(), "BC7", SETTINGS, {"TENT-2P": "TENT-2P"})
    assert "SKU MUG-STEEL" in missing.value.message
    assert "Stock Code Maintenance" in missing.value.message
    with pytest.raises(PermanentError, match="longer than the 30 characters"):
        mapping.stock_code("X" * 31)


def test_parameters_billing_orders_are_status_8_normal_ones_status_1():
    billing = tree(mapping.sortoi_parameters(SETTINGS)).find("Parameters")
    assert children(billing) == [
        ("Process", "Import"), ("ValidateOnly", "N"), ("IgnoreWarnings", "W"),
        ("AlwaysUsePriceEntered", "Y"), ("AllowZeroPrice", "Y"), ("OrderStatus", "8"),
        ("WarehouseListToUse", "WH01"), ("AllocationAction", "S"),
        ("CheckForCustomerPoNumbers", "Y"),
    ]  # fmt: skip
    normal = replace(SETTINGS, order_mode="normal", price_handling="syspro", warehouse="E")
    params = tree(mapping.sortoi_parameters(normal)).find("Parameters")
    assert params.find("OrderStatus").text == "1"
    assert params.find("AlwaysUsePriceEntered").text == "N"
    # SYSPRO's prices: no Price is sent.
    root = tree(mapping.sortoi_xml(orders.order(), "BC7", normal)[0])
    assert root.find(".//StockLine/Price") is None
    assert root.find(".//StockLine/Warehouse").text == "E"
    assert children(tree(mapping.sortic_xml("000123")).find("Item")) == [("SalesOrder", "000123")]


def test_a_customer_is_the_stores_name_address_and_email_under_its_code():
    customer = orders.customer(email="Ada@Example.com", company="Analytical Engines")
    root = tree(mapping.customer_xml(customer, "BC7", SETTINGS))
    item = root.find("Item")
    assert children(item.find("Key")) == [("Customer", "BC7")]
    assert children(item)[1:] == [
        ("Name", "Analytical Engines"), ("Telephone", "0400 000 000"),
        ("Contact", "Ada Lovelace"), ("Email", "ada@example.com"),
        ("SoldToAddr1", "12 Analytical St"), ("SoldToAddr2", ""), ("SoldToAddr3", "Sydney"),
        ("SoldToAddr4", "NSW"), ("SoldToAddr5", "Australia"), ("SoldPostalCode", "2000"),
        ("ShipToAddr1", "12 Analytical St"), ("ShipToAddr2", ""), ("ShipToAddr3", "Sydney"),
        ("ShipToAddr4", "NSW"), ("ShipToAddr5", "Australia"), ("ShipPostalCode", "2000"),
    ]  # fmt: skip
    params = tree(mapping.customer_parameters()).find("Parameters")
    assert params.find("ApplyIfEntireDocumentValid").text == "Y"
    row = {"Customer": "BC7", **dict(children(item)[1:])}
    assert not mapping.customer_differs(row, customer)
    assert mapping.customer_differs({**row, "SoldToAddr3": "Melbourne"}, customer)
    wanted = mapping.store_customer({**row, "Name": "Analytical Engines"})
    assert wanted.fields == {"email": "ada@example.com", "phone": "0400 000 000"}
    assert wanted.address["city"] == "Sydney" and wanted.name == "Analytical Engines"


def test_customer_codes_prefix_and_store_id_guests_a_stable_code_or_syspros_next_number():
    assert mapping.customer_code(orders.customer(source_id="123"), SETTINGS) == "BC123"
    guest = orders.customer(source_id="guest:ada@example.com")
    code = mapping.customer_code(guest, SETTINGS)
    assert code.startswith("BCG") and len(code) == 11
    assert mapping.customer_code(replace(guest, email="ADA@example.com "), SETTINGS) == code
    assert mapping.customer_code(guest, replace(SETTINGS, customer_code_scheme="next")) == ""
    with pytest.raises(PermanentError, match="customer code prefix"):
        mapping.customer_code(orders.customer(source_id="1" * 14), SETTINGS)


def test_tax_codes_map_the_stores_rate_and_the_form_refuses_a_bad_rule():
    assert mapping.tax_rules("10=a; 0 = E\n12.5%=C") == {D("10"): "A", D("0"): "E", D("12.5"): "C"}
    assert SETTINGS.tax_code(D("3.3"), D("33")) == "A"
    assert SETTINGS.tax_code(D("1"), D("33")) == ""  # not listed: SYSPRO's default
    base = {"server_url": "https://syspro.example.com/SYSPROWCFService/Rest", "operator": "MLC",
            "company_id": "EDU1", "warehouse": "WH01"}  # fmt: skip
    form = SysproConfig({**base, "tax_codes": "ten percent"})
    assert not form.is_valid() and "is not a rule" in str(form.errors["tax_codes"])
    form = SysproConfig({**base, "customer_code_prefix": "web"})
    assert form.is_valid(), form.errors
    settings, _ = form.split()
    assert settings["order_mode"] == "billing" and settings["customer_code_prefix"] == "WEB"
    assert mapping.MappingSettings.from_settings(settings).billing
