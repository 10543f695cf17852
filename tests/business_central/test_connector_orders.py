"""Orders into the sandbox Business Central through the connector, over real HTTP: a posted sales
invoice with item, shipping and discount lines; a sales order in order mode; the look-up before a
create and a draft finished on retry; a missing SKU named; BC's total checked against the
store's."""

from dataclasses import replace
from decimal import Decimal

import pytest

from connectors.business_central.connector import BusinessCentralConnector
from connectors.errors import AmbiguousWrite, PermanentError
from sandbox.business_central.models import BcRecord
from sandbox.business_central.services import faults_set, records
from tests.erp_contract.kits.business_central import bc_connected, bc_use_sandbox
from tests.support import orders
from tests.support.bc_sandbox import bc_sandbox

pytestmark = pytest.mark.django_db(transaction=True)
D = Decimal


@pytest.fixture
def bc(live_server, settings):
    bc_use_sandbox(settings, live_server)
    settings.HTTP_READ_TIMEOUT = 2
    return bc_sandbox(live_server)


def discounted_order(source_id="1001"):
    """Tent 2 x 349 less 20, mugs 3 x 19.50, shipping 10, GST 10 % on all of it, as the store
    totals it."""
    order = orders.order(source_id, lines=[orders.line("TENT-2P", 2, "349", discount="20"),
                                           orders.line("mug-steel", 3, "19.50")])  # fmt: skip
    ex = D("678") + D("58.50") + D("10")
    return replace(order, discount_total=D("20"), total_ex_tax=ex, total_tax=D("74.65"),
                   total_inc_tax=ex + D("74.65"))  # fmt: skip


def lines_of(document: dict, lines: str) -> list[tuple]:
    return [
        (line["lineType"], line["lineObjectNumber"], D(str(line["quantity"])),
         D(str(line["unitPrice"])), D(str(line.get("discountAmount") or 0)))
        for line in document[lines]
    ]  # fmt: skip


def the(company, entity_set, record_id) -> dict:
    (found,) = [r for r in records(company, entity_set) if r["id"] == record_id]
    return found


def test_an_order_becomes_a_posted_invoice_with_item_shipping_and_discount_lines(bc, tenant):
    erp = BusinessCentralConnector(bc_connected(bc, tenant))
    order = discounted_order()
    customer = erp.upsert_customer(order.customer)
    assert erp.find_sales_document(order) is None
    ref = erp.create_sales_document(order, customer)
    assert ref.posted and ref.warning == "", ref
    invoice = the(bc.company, "salesInvoices", ref.id)
    assert invoice["status"] == "Open" and invoice["number"] == ref.number
    assert invoice["customerPurchaseOrderReference"] == "BigCommerce 1001"
    assert invoice["customerId"] == customer.id
    assert lines_of(invoice, "salesInvoiceLines") == [
        ("Item", "TENT-2P", D("2"), D("349"), D("20")),
        ("Item", "MUG-STEEL", D("3"), D("19.5"), D("0")),
        ("Account", "40200", D("1"), D("10"), D("0")),
    ]
    assert D(str(invoice["totalAmountIncludingTax"])) == order.total_inc_tax
    # The next run finds it, posted, and changes nothing.
    assert erp.find_sales_document(order) == replace(ref, warning="")
    assert len(records(bc.company, "salesInvoices")) == 1


def test_order_mode_makes_a_sales_order_keyed_by_its_external_document_number(bc, tenant):
    erp = BusinessCentralConnector(bc_connected(bc, tenant, document="sales_order"))
    order = discounted_order("1002")
    ref = erp.create_sales_document(order, erp.upsert_customer(order.customer))
    assert not ref.posted and ref.warning == ""
    sales_order = the(bc.company, "salesOrders", ref.id)
    assert sales_order["externalDocumentNumber"] == "BigCommerce 1002"
    assert [line[:3] for line in lines_of(sales_order, "salesOrderLines")] == [
        ("Item", "TENT-2P", D("2")), ("Item", "MUG-STEEL", D("3")), ("Account", "40200", D("1")),
    ]  # fmt: skip
    assert records(bc.company, "salesInvoices") == []
    assert erp.find_sales_document(order).id == ref.id


def test_an_unanswered_create_is_found_as_a_draft_and_posted_not_created_again(bc, tenant):
    erp = BusinessCentralConnector(bc_connected(bc, tenant))
    order = discounted_order("1003")
    customer = erp.upsert_customer(order.customer)
    faults_set(bc.environment, fault_create_resource="salesInvoices", fault_create_then_error=3)
    with pytest.raises(AmbiguousWrite):
        erp.create_sales_document(order, customer)
    found = erp.find_sales_document(order)
    assert found is not None and not found.posted
    ref = erp.update_sales_document(found, order, customer)
    assert ref.posted and ref.id == found.id
    (invoice,) = records(bc.company, "salesInvoices")
    assert invoice["status"] == "Open"


def test_a_sku_without_an_item_fails_naming_it_and_creates_nothing(bc, tenant):
    BcRecord.objects.filter(company=bc.company, entity_set="items", number="MUG-STEEL").delete()
    erp = BusinessCentralConnector(bc_connected(bc, tenant))
    order = discounted_order("1004")
    customer = erp.upsert_customer(order.customer)
    with pytest.raises(PermanentError) as caught:
        erp.create_sales_document(order, customer)
    assert "SKU mug-steel" in caught.value.message and "Items page" in caught.value.message
    assert records(bc.company, "salesInvoices") == []


def test_a_total_more_than_a_cent_from_the_stores_is_a_warning(bc, tenant):
    erp = BusinessCentralConnector(bc_connected(bc, tenant))
    order = discounted_order("1005")
    order = replace(order, total_inc_tax=order.total_inc_tax + D("0.05"))
    ref = erp.create_sales_document(order, erp.upsert_customer(order.customer))
    assert ref.posted
    assert f"invoice {ref.number}" in ref.warning and "0.05" in ref.warning, ref.warning
    off = BusinessCentralConnector(bc_connected(bc, tenant, tax_check="off"))
    other = replace(discounted_order("1006"), total_inc_tax=D("1"))
    assert off.create_sales_document(other, off.upsert_customer(other.customer)).warning == ""
