"""Customers both ways with the sandbox Business Central: found by e-mail or created like the
template customer; updated by PATCH with the ETag, a stale one read again and retried; changes
listed by lastModifiedDateTime for the store."""

from dataclasses import replace
from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import ApiCall
from connectors.business_central.api import BusinessCentralApi
from connectors.business_central.connector import BusinessCentralConnector
from connectors.business_central.customers import _update
from sandbox.business_central.services import customer_set, records
from tests.erp_contract.kits.business_central import bc_connected, bc_use_sandbox
from tests.support import orders
from tests.support.bc_sandbox import bc_sandbox

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def bc(live_server, settings):
    bc_use_sandbox(settings, live_server)
    return bc_sandbox(live_server)


def customers(bc) -> list[dict]:
    return [c for c in records(bc.company, "customers") if c["number"] != bc.customer_template]


def test_a_new_buyer_is_created_like_the_template_and_found_by_email_next_time(bc, tenant):
    connection = bc_connected(bc, tenant)
    erp = BusinessCentralConnector(connection)
    first = erp.upsert_customer(orders.customer(source_id="guest:ada@example.com",
                                                email="Ada@Example.com", modified_at=None))  # fmt: skip
    (created,) = customers(bc)
    assert created["id"] == first.id and created["email"] == "ada@example.com"
    template = next(c for c in records(bc.company, "customers")
                    if c["number"] == bc.customer_template)  # fmt: skip
    assert created["taxAreaId"] == template["taxAreaId"] and created["taxLiable"] is True
    # Another store customer with the same e-mail: the same Business Central customer.
    again = BusinessCentralConnector(connection).upsert_customer(orders.customer(source_id="8"))
    assert again.id == first.id and len(customers(bc)) == 1


def test_a_stale_etag_is_read_again_and_the_update_retried(bc, tenant):
    connection = bc_connected(bc, tenant)
    erp = BusinessCentralConnector(connection)
    ref = erp.upsert_customer(orders.customer())
    api = BusinessCentralApi(connection)
    read = api.get("customers", ref.id)
    # A person changes the customer after we read it: our etag is stale.
    customer_set(bc.company, ref.number, website="https://ada.example.com")
    moved = replace(orders.customer(), billing_address=orders.address(city="Perth"))
    written = _update(api, read, moved)
    assert written["city"] == "Perth" and written["website"] == "https://ada.example.com"
    conflicts = ApiCall.objects.filter(connection=connection, operation="customers.update")
    assert sorted(conflicts.values_list("status_code", flat=True)) == [200, 409]


def test_newer_store_data_updates_the_customer_and_older_does_not(bc, tenant):
    connection = bc_connected(bc, tenant)
    erp = BusinessCentralConnector(connection)
    ada = orders.customer()
    erp.upsert_customer(ada)
    erp.upsert_customer(replace(ada, billing_address=orders.address(city="Hobart")))
    assert customers(bc)[0]["city"] == "Sydney"  # not newer than what we wrote
    later = replace(ada, billing_address=orders.address(city="Hobart"),
                    modified_at=ada.modified_at + timedelta(hours=1))  # fmt: skip
    erp.upsert_customer(later)
    assert customers(bc)[0]["city"] == "Hobart"


def test_changed_customers_are_listed_oldest_first_with_their_etag(bc, tenant):
    connection = bc_connected(bc, tenant)
    erp = BusinessCentralConnector(connection)
    since = timezone.now() - timedelta(minutes=1)
    ref = erp.upsert_customer(orders.customer())
    customer_set(bc.company, ref.number, displayName="Ada King")
    pages = list(erp.changed_customers(since))
    found = [record for page in pages for record in page]
    assert [record.erp_id for record in found][-1] == ref.id  # the last changed comes last
    assert [r.modified_at for r in found] == sorted(r.modified_at for r in found)
    assert found[-1].data.name == "Ada King" and found[-1].version.startswith("W/")
    listed = ApiCall.objects.filter(connection=connection, operation="customers.list")
    # The date-time literal is not quoted: `lastModifiedDateTime gt 2026-…Z`.
    assert listed.filter(url__contains="lastModifiedDateTime+gt+20").exists()
    assert erp.customer_record(ref.id).version == found[-1].version
