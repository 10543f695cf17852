"""Customers into the sandbox SYSPRO through the connector, over real HTTP: a new shopper added
with ARSSCS (its XML as the research sheet names and sizes it) and linked; a returning one found
by its link, one SYSPRO already has found by e-mail, neither added again; a store change sent as
an ARSSCS Update, and only when something changed and the store's data is newer."""

from dataclasses import replace
from datetime import timedelta

import pytest
from defusedxml.ElementTree import fromstring

from connectors.errors import PermanentError
from connectors.links import customer_link
from connectors.syspro.connector import SysproConnector
from connectors.syspro.mapping import FIELD_LENGTHS, customer_version
from sandbox.syspro.services import call_counts, call_log, customer, customer_set
from tests.erp_contract.kits.syspro import syspro_connected
from tests.support import orders

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def company(live_server):
    from tests.support.syspro_sandbox import syspro_sandbox

    return syspro_sandbox(live_server)


@pytest.fixture
def erp(company, tenant):
    connector = SysproConnector(syspro_connected(company, tenant))
    yield connector
    connector.close()


def setups(company) -> list[tuple[str, object]]:
    """(method, XmlIn parsed) of each ARSSCS call."""
    return [(call["method"], fromstring(call["xml_in"].encode("utf-8")))
            for call in call_log(company) if call["business_object"] == "ARSSCS"]  # fmt: skip


def test_a_new_shopper_is_added_then_found_and_kept_in_step(company, erp):
    shopper = orders.customer(
        source_id="42", email="Grace@Example.com", company="Hopper & Co",
        billing_address=orders.address(street_1="1 A Very Long Street Name In The Suburbs Of Town"),
    )  # fmt: skip
    ref = erp.upsert_customer(shopper)
    assert ref.id == ref.number == "BC42"
    assert "address line 1" in ref.warning and "40 characters" in ref.warning, ref.warning
    row = customer(company, "BC42")
    assert row["Name"] == "Hopper & Co" and row["Email"] == "grace@example.com"
    assert row["SoldToAddr1"] == "1 A Very Long Street Name In The Suburbs"
    ((method, document),) = setups(company)
    assert method.lower() == "setup/add"
    item = document.find("Item")
    assert item.find("Key/Customer").text == "BC42"
    for child in list(item)[1:]:  # after the Key
        limit = FIELD_LENGTHS.get(child.tag)
        assert limit, f"{child.tag} is not a field the research sheet or the team names"
        assert len(child.text or "") <= limit
    link = customer_link(erp.connection, "42")
    assert link.erp_id == "BC42" and link.written_version == customer_version(row)

    # Returning, unchanged: found by its link, nothing written.
    assert erp.upsert_customer(shopper).id == "BC42"
    # Changed in the store later: the managed fields are updated.
    moved = replace(shopper, billing_address=orders.address(city="Hobart"),
                    modified_at=shopper.modified_at + timedelta(days=1))  # fmt: skip
    assert erp.upsert_customer(moved).id == "BC42"
    assert customer(company, "BC42")["SoldToAddr3"] == "Hobart"
    # Older store data does not overwrite what SYSPRO has.
    assert erp.upsert_customer(shopper).id == "BC42"
    assert customer(company, "BC42")["SoldToAddr3"] == "Hobart"
    assert [m.lower() for m, _ in setups(company)] == ["setup/add", "setup/update"]


def test_a_shopper_syspro_has_is_found_by_email_and_a_code_too_long_is_never_sent(company, erp):
    customer_set(company, "0000123", Name="Ada Lovelace", Email="ADA@example.com")
    shopper = orders.customer(source_id="7", email="ada@example.com", modified_at=None)
    assert erp.upsert_customer(shopper).id == "0000123"
    assert "ARSSCS" not in call_counts(company)
    assert customer_link(erp.connection, "7").erp_id == "0000123"
    # A code longer than SYSPRO's customer codes is refused before anything is sent.
    long_prefix = SysproConnector(syspro_connected(company, erp.connection.tenant,
                                                   customer_code_prefix="ZZZZZ"))  # fmt: skip
    try:
        with pytest.raises(PermanentError, match="longer than SYSPRO's 15"):
            long_prefix.upsert_customer(orders.customer(source_id="1234567890123", email="x@y.z"))
    finally:
        long_prefix.close()
