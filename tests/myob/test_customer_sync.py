"""Customers both ways: MYOB-side edits of linked cards reach the store; our own writes coming
back (from either side) change nothing, so nothing ping-pongs."""

import pytest
from django.utils import timezone

from audit.models import ApiCall
from connectors.bigcommerce.mapping import customer_from_v3
from connectors.bigcommerce.store import BigCommerceStore
from connectors.links import customer_link
from connectors.models import ExternalLink
from connectors.myob.connector import MyobConnector
from sandbox.bigcommerce.services import store_create
from sandbox.myob.models import new_row_version
from sandbox.myob.services import records
from sync.jobs import job_request, job_run
from sync.models import JobKind, JobState, SyncJob
from tenants.models import Connection, ConnectionStatus
from tests.support.streams import customers_polled


@pytest.fixture
def linked(live_server, myob_connection, business):
    """The store's customer Ada, already carried into MYOB by the connector."""
    store = store_create(f"myobcust{myob_connection.pk.hex[:8]}")
    Connection.objects.filter(pk=myob_connection.pk).update(
        store_hash=store.store_hash, bc_api_url=f"{live_server.url}/sandbox/bigcommerce",
        bc_access_token=store.access_token, status=ConnectionStatus.ACTIVE,
    )  # fmt: skip
    connection = Connection.objects.get(pk=myob_connection.pk)
    ada = store.customers.get(email="ada@example.com")
    raw = BigCommerceStore(connection).customer(ada.pk)
    ref = MyobConnector(connection).upsert_customer(customer_from_v3(raw))
    return connection, ada, records(business, "Contact/Customer").get(uid=ref.id)


def edit_in_myob(card, **changes):
    """A person saves the card in MYOB."""
    data = {**card.data, **changes}
    card.data, card.row_version, card.last_modified = data, new_row_version(), timezone.now()
    card.save()


def store_reads() -> int:
    return ApiCall.objects.filter(system="bigcommerce", operation="customer.get").count()


def test_our_own_write_is_not_pushed_back(linked):
    connection, _, _ = linked
    before = store_reads()
    assert customers_polled(connection) == 0
    assert store_reads() == before  # recognised as our echo without even asking the store
    assert not SyncJob.objects.filter(kind=JobKind.CUSTOMER_TO_STORE).exists()
    assert ApiCall.objects.filter(system="myob", operation="contact.customer.list").exists()


def test_a_myob_edit_reaches_the_store_once_and_the_echo_changes_nothing_in_myob(linked):
    connection, ada, card = linked
    address = {
        **card.data["Addresses"][0],
        "Street": "3 New Rd",
        "City": "Parramatta",
        "PostCode": "2150",
    }
    edit_in_myob(card, LastName="King", Addresses=[address])
    assert customers_polled(connection) == 1
    ada.refresh_from_db()
    assert ada.last_name == "King" and ada.first_name == "Ada"
    assert ada.addresses[0]["address1"] == "3 New Rd" and ada.addresses[0]["city"] == "Parramatta"
    # The store's customer/updated webhook brings the change back: MYOB is not written.
    raw = BigCommerceStore(connection).customer(ada.pk)
    version = records(card.business, "Contact/Customer").get(pk=card.pk).row_version
    MyobConnector(connection).upsert_customer(customer_from_v3(raw))
    assert records(card.business, "Contact/Customer").get(pk=card.pk).row_version == version
    assert not ApiCall.objects.filter(operation="contact.customer.update").exists()
    # And the next poll does not push the same card again.
    before = store_reads()
    assert customers_polled(connection) == 0 and store_reads() == before
    link = customer_link(connection, str(ada.pk))
    assert link.seen_version == version


def test_a_card_that_is_not_linked_is_left_alone(linked, business):
    connection, _, card = linked
    ExternalLink.objects.filter(connection=connection).delete()
    edit_in_myob(card, LastName="Somebody Else")
    before = store_reads()
    assert customers_polled(connection) == 0 and store_reads() == before


def test_a_job_for_our_own_write_writes_nothing_to_the_store(linked):
    """The run reads the card again: one that is as our own write left it (the job waited while
    the pipeline wrote the card) sends nothing to the store."""
    connection, _, card = linked
    job, _ = job_request(
        connection=connection, kind=JobKind.CUSTOMER_TO_STORE, source_id=str(card.uid),
        trigger="replay",
    )  # fmt: skip
    before = store_reads()
    assert job_run(job.pk, trigger="replay").state == JobState.SKIPPED
    assert store_reads() == before
