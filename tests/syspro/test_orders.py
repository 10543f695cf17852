"""Orders into the sandbox SYSPRO through the connector, over real HTTP: a billing sales order
(SORTOI) invoiced at once (SORTIC) with its invoice number, its XML as the research sheet names and
sizes it; the look-up before a post; a post whose answer was lost found and invoiced, not posted
again; a normal order left open; a missing SKU named before anything is posted; SYSPRO's refusal
in its own words; ship-to cut to SYSPRO's lengths, said."""

from dataclasses import replace
from decimal import Decimal

import pytest
from defusedxml.ElementTree import fromstring

from connectors.erp import UpdateNotAllowed
from connectors.errors import AmbiguousWrite, PermanentError
from connectors.syspro.connector import SysproConnector
from connectors.syspro.mapping import FIELD_LENGTHS
from sandbox.syspro.services import (
    call_counts,
    call_log,
    customer_set,
    faults_set,
    invoices,
    stock_remove,
)
from tests.erp_contract.kits.syspro import syspro_connected, the_orders
from tests.support import orders
from tests.support.syspro_sandbox import syspro_sandbox

pytestmark = pytest.mark.django_db(transaction=True)
D = Decimal


@pytest.fixture
def company(live_server, settings):
    settings.HTTP_READ_TIMEOUT = 2
    return syspro_sandbox(live_server)


@pytest.fixture
def erp(company, tenant):
    connector = SysproConnector(syspro_connected(company, tenant))
    yield connector
    connector.close()


def discounted_order(source_id="1001", **changes):
    """Tent 2 x 349 less 20, mugs 3 x 19.50 (no tax), shipping 10, GST 10 % on the rest."""
    order = orders.order(source_id, lines=[orders.line("TENT-2P", 2, "349", discount="20"),
                                           orders.line("mug-steel", 3, "19.50", tax_rate="0")])  # fmt: skip
    return replace(order, discount_total=D("20"), **changes)


def sent(company, business_object: str) -> list:
    """The XmlIn documents of the calls of `business_object`, parsed."""
    return [fromstring(call["xml_in"].encode("utf-8")) for call in call_log(company)
            if call["business_object"] == business_object]  # fmt: skip


def names_and_lengths_fit(element) -> None:
    """Every element is one the research sheet names, within its length."""
    for child in element.iter():
        limit = FIELD_LENGTHS.get(child.tag)
        if limit:
            assert len(child.text or "") <= limit, (child.tag, child.text)


def test_an_order_becomes_an_invoiced_billing_order_found_again_by_its_reference(company, erp):
    order = discounted_order()
    customer = erp.upsert_customer(order.customer)
    assert erp.find_sales_document(order) is None
    ref = erp.create_sales_document(order, customer)
    (sales_order,) = the_orders(company, "1001")
    (invoice,) = invoices(company)
    assert ref.id == sales_order["SalesOrder"] and ref.posted and ref.warning == ""
    assert ref.number == f"order {ref.id}, invoice {invoice['Invoice']}"
    assert sales_order["OrderStatus"] == "9" and sales_order["LastInvoice"] == invoice["Invoice"]
    assert sales_order["Customer"] == customer.id == "BC7"
    # To the cent: 2 x 349 - 20 + 3 x 19.50 + 10 freight; the tent and the freight taxed at
    # the store's 10 % (SYSPRO tax code A), the mugs at 0 % (E).
    assert [(line["StockCode"], D(line["OrderQty"]), D(line["Value"]))
            for line in sales_order["lines"]] == [
        ("TENT-2P", 2, D("678.00")), ("MUG-STEEL", 3, D("58.50"))]  # fmt: skip
    assert (D(sales_order["total"]), D(sales_order["tax"])) == (D("746.50"), D("68.80"))
    # The XML sent: SORTOI's element names and sizes as the research sheet gives them.
    (document,) = sent(company, "SORTOI")
    header = document.find("Orders/OrderHeader")
    assert header.find("CustomerPoNumber").text == "BigCommerce 1001"
    assert [line.tag for line in document.find("Orders/OrderDetails")] == [
        "StockLine", "StockLine", "FreightLine"]  # fmt: skip
    assert document.find(".//StockLine/LineDiscValue").text == "20.00"
    assert [e.text for e in document.iter() if e.tag.endswith("TaxCode")] == ["A", "E", "A"]
    names_and_lengths_fit(document)
    # The next run finds it, invoiced, and changes nothing.
    found = erp.find_sales_document(order)
    assert found == replace(ref, warning="")
    with pytest.raises(UpdateNotAllowed, match="is invoiced"):
        erp.update_sales_document(found, order, customer)
    counts = call_counts(company)
    assert (counts.get("SORTOI"), counts.get("SORTIC"), counts.get("ARSSCS")) == (1, 1, 1)


def test_a_post_whose_answer_was_lost_is_found_and_invoiced_not_posted_again(company, erp):
    order = discounted_order("1002")
    customer = erp.upsert_customer(order.customer)
    faults_set(company, fault_create_resource="SORTOI", fault_create_then_error=3)
    with pytest.raises(AmbiguousWrite):
        erp.create_sales_document(order, customer)
    found = erp.find_sales_document(order)
    assert found is not None and not found.posted and found.number == f"order {found.id}"
    ref = erp.update_sales_document(found, order, customer)
    assert ref.posted and ref.id == found.id and ", invoice " in ref.number
    assert [o["OrderStatus"] for o in the_orders(company, "1002")] == ["9"]
    assert call_counts(company)["SORTOI"] == 1


def test_a_normal_order_is_left_open_for_syspros_users(company, tenant):
    erp = SysproConnector(syspro_connected(company, tenant, order_mode="normal"))
    try:
        order = discounted_order("1003")
        ref = erp.create_sales_document(order, erp.upsert_customer(order.customer))
        assert not ref.posted and ref.number == f"order {ref.id}"
        assert [o["OrderStatus"] for o in the_orders(company, "1003")] == ["1"]
        assert invoices(company) == [] and "SORTIC" not in call_counts(company)
        with pytest.raises(UpdateNotAllowed, match="exists"):
            erp.update_sales_document(erp.find_sales_document(order), order, None)
    finally:
        erp.close()


def test_a_missing_sku_is_named_before_anything_is_posted_and_syspros_refusal_is_quoted(
    company, erp
):
    order = discounted_order("1004")
    customer = erp.upsert_customer(order.customer)
    stock_remove(company, "MUG-STEEL")
    with pytest.raises(PermanentError) as caught:
        erp.create_sales_document(order, customer)
    assert "SKU mug-steel" in caught.value.message, caught.value.message
    assert "Stock Code Maintenance" in caught.value.message
    assert "SORTOI" not in call_counts(company)
    # SYSPRO's own refusal (a customer on hold) in its words; nothing is made.
    customer_set(company, customer.id, CustomerOnHold="Y")
    with pytest.raises(PermanentError) as refused:
        erp.create_sales_document(discounted_order("1005", lines=order.lines[:1]), customer)
    assert f"Customer '{customer.id}' is on hold" in refused.value.message, refused.value.message
    assert the_orders(company, "1005") == []


def test_a_ship_to_too_long_for_syspro_is_cut_and_said_in_the_warning(company, erp):
    street = "Unit 4, The Very Long Industrial Estate Name, 1234 Harbour Road"
    order = orders.order("1006", ship_to=orders.address(street_1=street))
    ref = erp.create_sales_document(order, erp.upsert_customer(order.customer))
    assert f"sent as '{street[:40]}' (ShipAddress1)" in ref.warning, ref.warning
    (document,) = sent(company, "SORTOI")
    assert document.find("Orders/OrderHeader/ShipAddress1").text == street[:40]
    (sales_order,) = the_orders(company, "1006")
    assert sales_order["OrderStatus"] == "9"


def test_an_order_too_long_for_syspros_web_server_says_what_to_raise(company, erp):
    order = orders.order("1007", lines=[orders.line("TENT-2P", 1, "349", source_id=str(n))
                                        for n in range(60)])  # fmt: skip
    customer = erp.upsert_customer(order.customer)
    faults_set(company, max_request_bytes=16_384)  # HTTP.sys's default
    with pytest.raises(PermanentError) as caught:
        erp.create_sales_document(order, customer)
    assert "60 lines" in caught.value.message and "MaxRequestBytes" in caught.value.message
    assert the_orders(company, "1007") == []
