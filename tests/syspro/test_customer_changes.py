"""SYSPRO → store customers: the customers stream of the linked customers, over real HTTP to
the sandbox store and the sandbox SYSPRO. A rename in SYSPRO reaches the store's customer once;
our own writes (the customer added for the store, a store edit written to SYSPRO) never come
back. Pure: the batch query."""

import pytest

from audit.models import ApiCall
from connectors.bigcommerce.mapping import customer_from_v3
from connectors.bigcommerce.store import BigCommerceStore
from connectors.links import customer_link
from connectors.syspro.connector import SysproConnector
from connectors.syspro.customer_changes import _where
from sandbox.syspro.services import call_log, customer_set
from tenants.models import Connection, ConnectionStatus
from tests.erp_contract.kits.syspro import syspro_shop
from tests.support.streams import customers_polled


def test_a_batch_of_codes_is_one_where_of_ors():
    assert _where(["BC1", "BC2", "BC3"]) == [
        ("Customer", "EQ", "BC1"), ("Or", "Customer", "EQ", "BC2"), ("Or", "Customer", "EQ", "BC3"),
    ]  # fmt: skip


def store_writes(connection) -> int:
    return ApiCall.objects.filter(
        connection=connection, system="bigcommerce", operation__startswith="customer.update"
    ).count()


def listed(connection) -> list:
    """What the connector's customers stream lists now (the poll's own filter aside)."""
    erp = SysproConnector(connection)
    try:
        return [record.erp_id for page in erp.changed_customers(None) for record in page]
    finally:
        erp.close()


def upserted(connection, customer_id) -> str:
    """The store's customer carried into SYSPRO, as its webhook's job does; its code."""
    raw = BigCommerceStore(connection).customer(customer_id)
    erp = SysproConnector(connection)
    try:
        return erp.upsert_customer(customer_from_v3(raw)).id
    finally:
        erp.close()


@pytest.mark.django_db(transaction=True)
def test_a_rename_in_syspro_reaches_the_store_once_and_our_own_writes_never_come_back(
    live_server, tenant
):
    store, connection, company = syspro_shop(live_server, tenant, name="sysprocust")
    Connection.objects.filter(pk=connection.pk).update(status=ConnectionStatus.ACTIVE)
    connection.refresh_from_db()
    ada = store.customers.get(email="ada@example.com")
    code = upserted(connection, ada.pk)
    # The customer as our ARSSCS Add left it is no change.
    assert listed(connection) == [] and customers_polled(connection) == 0
    assert store_writes(connection) == 0
    asked = [c for c in call_log(company) if c["business_object"] == "COMFND"]
    assert any("<Value>" + code + "</Value>" in c["xml_in"] for c in asked)
    # A store edit written to SYSPRO (ARSSCS Update) does not come back either.
    ada.phone = "0499 111 222"
    ada.save()
    assert upserted(connection, ada.pk) == code
    assert [c["method"] for c in call_log(company)].count("setup/update") == 1
    assert listed(connection) == [] and customers_polled(connection) == 0
    assert store_writes(connection) == 0
    # A person renames the customer in SYSPRO: the store's customer takes it, once.
    customer_set(company, code, Name="Ada King")
    assert listed(connection) == [code] and customers_polled(connection) == 1
    ada.refresh_from_db()
    assert (ada.first_name, ada.last_name, ada.phone) == ("Ada", "King", "0499 111 222")
    assert listed(connection) == [] and customers_polled(connection) == 0
    link = customer_link(connection, str(ada.pk))
    assert link.seen_version and link.seen_version != link.written_version
