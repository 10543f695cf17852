"""The Acumatica connector against the sandbox over real HTTP: the check says which part failed,
customers are matched by e-mail or created once, and each document mode lands its document once
(a retry after a crash between the chain's steps finishes it without redoing a step)."""

import pytest

from audit.models import ApiCall
from connectors.acumatica.connector import AcumaticaConnector
from connectors.erp import ExternalRef
from connectors.errors import PermanentError
from sandbox.acumatica.services import licence_set, plain_records
from tenants.models import Connection, OAuthToken
from tests.erp_contract.kits.acumatica import acumatica_shop
from tests.support import orders

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def shop(live_server, tenant, settings):
    settings.ACUMATICA_ACTION_POLL_SECONDS = 0.1

    def make(**erp_settings):
        _store, connection, acu = acumatica_shop(live_server, tenant, name="conn", **erp_settings)
        return connection, acu

    return make


def connector(connection) -> AcumaticaConnector:
    return AcumaticaConnector(Connection.objects.get(pk=connection.pk))


def test_the_check_signs_in_the_api_user_and_says_which_part_failed(shop):
    connection, acu = shop()
    result = connector(connection).check()
    assert result.ok, result
    assert (
        "API user" in result.message and OAuthToken.objects.filter(connection=connection).exists()
    )

    licence_set(acu.instance, versions=["23.200.001"])
    result = connector(connection).check()
    assert not result.ok and "does not serve" in result.message and "23.200.001" in result.message
    licence_set(acu.instance, versions=["24.200.001", "23.200.001"])

    OAuthToken.objects.filter(connection=connection).delete()
    connection.erp_secrets = {**connection.erp_secrets, "password": "wrong"}
    connection.save()
    result = connector(connection).check()
    assert not result.ok and "name or password" in result.message, result

    connection.erp_secrets = {**connection.erp_secrets, "client_secret": "wrong"}
    connection.save()
    result = connector(connection).check()
    assert not result.ok and "client ID or secret" in result.message, result


def test_a_customer_is_matched_by_email_else_created_once(shop):
    connection, acu = shop()
    erp = connector(connection)
    buyer = orders.customer(source_id="41", email="grace@example.com")
    first = erp.upsert_customer(buyer)
    assert first.id == "BC41"
    again = connector(connection).upsert_customer(buyer)
    assert again == first
    customers = plain_records(acu.tenant, "Customer")
    assert [c["CustomerID"] for c in customers] == ["BC41"]
    assert customers[0]["CustomerClass"] == "WEB"
    assert customers[0]["MainContact"]["Email"] == "grace@example.com"
    # Another store customer with the same e-mail is matched, not created.
    other = connector(connection).upsert_customer(
        orders.customer(source_id="42", email="grace@example.com")
    )
    assert other.id == "BC41"


def test_a_sales_order_lands_once_with_freight_tax_and_ship_to(shop):
    connection, acu = shop()
    erp = connector(connection)
    order = orders.order("5001")
    customer = erp.upsert_customer(order.customer)
    assert erp.find_sales_document(order) is None
    ref = erp.create_sales_document(order, customer)
    assert connector(connection).find_sales_document(order) == ref
    (stored,) = plain_records(acu.tenant, "SalesOrder")
    assert stored["ExternalRef"] == "BC-5001" and stored["CustomerOrder"] == "5001"
    assert stored["Hold"] is False and stored["CustomerID"] == customer.id
    assert [(d["InventoryID"], d["OrderQty"]) for d in stored["Details"]] == [
        ("TENT-2P", 2),
        ("MUG-STEEL", 3),
    ]
    assert (
        stored["ShipToAddressOverride"] is True and stored["ShipToAddress"]["City"] == "Newcastle"
    )
    assert stored["Totals"]["Freight"] == 10.0
    assert ref.number == f"SO {stored['OrderNbr']}"
    assert connector(connection).update_sales_document(ref, order, customer) == ref


def test_a_sku_without_an_item_fails_naming_it(shop):
    connection, acu = shop()
    erp = connector(connection)
    order = orders.order("5002", [orders.line("NOPE-1", 1, "5.0000")])
    customer = erp.upsert_customer(order.customer)
    with pytest.raises(PermanentError) as failed:
        erp.create_sales_document(order, customer)
    assert "SKU NOPE-1" in failed.value.message and "Stock Items" in failed.value.message
    assert plain_records(acu.tenant, "SalesOrder") == []


def test_invoice_mode_prepares_and_releases_the_invoice_and_a_retry_finishes_a_cut_chain(shop):
    connection, acu = shop(document="order_invoice")
    erp = connector(connection)
    order = orders.order("5003")
    customer = erp.upsert_customer(order.customer)
    ref = erp.create_sales_document(order, customer)
    (invoice,) = plain_records(acu.tenant, "SalesInvoice")
    assert invoice["Status"] == "Open" and invoice["ExternalRef"] == "BC-5003"
    assert invoice["ReferenceNbr"] in ref.number
    # A second run finds the order and its invoice: nothing is prepared or released again.
    before = ApiCall.objects.filter(connection=connection, method="POST").count()
    found = connector(connection).find_sales_document(order)
    assert connector(connection).update_sales_document(found, order, customer).number == ref.number
    assert ApiCall.objects.filter(connection=connection, method="POST").count() == before
    assert len(plain_records(acu.tenant, "SalesInvoice")) == 1


def test_direct_invoice_mode_lands_a_released_invoice(shop):
    connection, acu = shop(document="invoice")
    erp = connector(connection)
    order = orders.order("5004")
    customer = erp.upsert_customer(order.customer)
    ref = erp.create_sales_document(order, customer)
    (invoice,) = plain_records(acu.tenant, "SalesInvoice")
    assert invoice["Status"] == "Open" and invoice["ExternalRef"] == "BC-5004"
    assert ref == ExternalRef(str(invoice["id"]), number=invoice["ReferenceNbr"], posted=True)
    assert plain_records(acu.tenant, "SalesOrder") == []
