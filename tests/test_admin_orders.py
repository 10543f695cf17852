"""The Orders view in the admin: the list in plain words, its search (order number, customer
e-mail, SKU, error text, an earlier attempt's error), its filters, each order's page (timeline,
lines side by side, attempt history for viewers too) and who may replay, scoped by tenant."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from sync.models import JobState, SyncAttempt, SyncJob
from tests.factories import (
    ApiCallFactory,
    ConnectionFactory,
    InboundEventFactory,
    SyncJobFactory,
)

pytestmark = pytest.mark.embedded  # the Orders view on PostgreSQL and on SQLite

LIST = "admin:sync_orderjob_changelist"


def orders_page(client, **params):
    page = client.get(reverse(LIST), params)
    assert page.status_code == 200
    return page.content.decode()


def change_url(job):
    return reverse("admin:sync_orderjob_change", args=[job.pk])


@pytest.fixture
def orders(connection, other_connection):
    """Two orders of Acme (one failed twice, once for a reason a replay later cleared) and one
    of Globex that matches every search below."""
    ledgered = SyncJobFactory(
        connection=connection, source_id="1042", state=JobState.SUCCEEDED,
        customer_name="Ada Lovelace", customer_email="ada@example.com",
        order_total=Decimal("1234.50"), currency="AUD", skus="TENT-2P MUG-STEEL",
        placed_at=timezone.now(), erp_document_id="doc-1", erp_document_number="INV00017",
        details={"status_id": 11},
    )  # fmt: skip
    failed = SyncJobFactory(
        connection=connection, source_id="1043", state=JobState.FAILED,
        customer_name="Grace Hopper", customer_email="grace@example.com",
        order_total=Decimal("19.50"), currency="AUD", skus="HAMMOCK-1",
        last_error="SKU HAMMOCK-1 has no item in the ERP: map it, then replay.",
    )  # fmt: skip
    SyncAttempt.objects.create(
        job=failed, number=1, trigger="webhook", outcome=JobState.FAILED,
        error="The customer's tax code XYZ is unknown.",
    )  # fmt: skip
    SyncAttempt.objects.create(
        job=failed, number=2, trigger="replay", outcome=JobState.FAILED, error=failed.last_error
    )
    theirs = SyncJobFactory(
        connection=other_connection, source_id="1044", state=JobState.FAILED,
        customer_name="Globex Buyer", customer_email="ada@globex.example.com",
        skus="TENT-2P HAMMOCK-1", last_error="SKU HAMMOCK-1 has no item; tax code XYZ",
    )  # fmt: skip
    SyncJobFactory(connection=connection, kind="customer", source_id="77")  # not an order
    return ledgered, failed, theirs


@pytest.mark.django_db
def test_the_list_speaks_plain_words(client, owner, orders):
    client.force_login(owner)
    html = orders_page(client)
    for words in ("#1042", "Ada Lovelace", "1,234.50 AUD", "In the ledger", "INV00017",
                  "#1043", "Failed — needs attention", "Placed", "ERP document"):  # fmt: skip
        assert words in html, words
    for developer_word in ("Source id", "Lane", "source_id"):
        assert developer_word not in html
    assert "#77" not in html  # a customer job is not an order
    assert "#1044" not in html  # another tenant's


@pytest.mark.django_db
@pytest.mark.parametrize(
    "term, found",
    [
        ("1042", ["#1042"]),
        ("#1043", ["#1043"]),
        ("grace@example", ["#1043"]),
        ("TENT-2P", ["#1042"]),
        ("HAMMOCK-1", ["#1043"]),  # its SKU and its error text
        ("tax code XYZ", ["#1043"]),  # only in an earlier attempt's reason
    ],
)
def test_search_by_number_email_sku_and_error_text_within_the_tenant(
    client, owner, orders, term, found
):
    client.force_login(owner)
    html = orders_page(client, q=term)
    for number in ("#1042", "#1043", "#1044"):
        assert (number in html) == (number in found), f"{term!r}: {number}"


@pytest.mark.django_db
def test_filters_by_state_and_connection_keep_to_the_tenant(
    client, owner, orders, connection, other_connection
):
    client.force_login(owner)
    html = orders_page(client, state="failed")
    assert "#1043" in html and "#1042" not in html
    html = orders_page(client, connection=other_connection.pk)
    assert "#1044" not in html and "Globex" not in html
    assert "#1042" in orders_page(client, connection=connection.pk)
    # A second store of the same tenant: the filter keeps to the connection named.
    second = SyncJobFactory(
        connection=ConnectionFactory(tenant=connection.tenant), source_id="2001"
    )
    html = orders_page(client, connection=connection.pk)
    assert "#1042" in html and "#2001" not in html
    assert "#2001" in orders_page(client, connection=second.connection_id)
    # Placed between two days, the last one included (#1042 was placed today).
    today = timezone.localdate()
    html = orders_page(client, placed_at_from=f"{today:%Y-%m-%d}", placed_at_to=f"{today:%Y-%m-%d}")
    assert "#1042" in html and "#1043" not in html
    yesterday = f"{today - timedelta(days=1):%Y-%m-%d}"
    assert "#1042" not in orders_page(client, placed_at_from=yesterday, placed_at_to=yesterday)


@pytest.mark.django_db
def test_another_tenants_order_is_not_found(client, owner, outsider, orders):
    ledgered, _, theirs = orders
    client.force_login(owner)
    assert client.get(change_url(theirs)).status_code == 404
    replay = reverse("admin:sync_orderjob_replay", args=[theirs.pk])
    assert client.post(replay).status_code == 404
    assert SyncJob.objects.get(pk=theirs.pk).state == JobState.FAILED
    client.force_login(outsider)
    assert client.get(change_url(ledgered)).status_code == 404


@pytest.mark.django_db
def test_the_order_page_is_a_timeline_with_its_calls_and_lines(client, owner, orders):
    ledgered, _, _ = orders
    InboundEventFactory(connection=ledgered.connection, resource_id="1042")
    for operation in ("order.get", "order.transactions"):
        ApiCallFactory(connection=ledgered.connection, sync_job=ledgered, operation=operation)
    ApiCallFactory(
        connection=ledgered.connection, sync_job=ledgered, system="myob",
        operation="invoice.create", url="https://api.myob.com/x",
    )  # fmt: skip
    client.force_login(owner)
    html = client.get(change_url(ledgered)).content.decode()
    for words in ("Order #1042", "In the ledger", "INV00017", "Webhook received",
                  "Order fetched from BigCommerce", "Customer matched or created",
                  "Document created", "Payments recorded", "2 calls for this step",
                  "See the 3 calls made for this order"):  # fmt: skip
        assert words in html, words
    assert "Not recorded" in html  # synced before the lines were kept: said, not left blank
    assert '"status_id"' not in html  # no raw JSON


@pytest.mark.django_db
def test_a_viewer_sees_the_attempt_history_but_cannot_replay(client, member, orders):
    _, failed, _ = orders
    client.force_login(member)
    html = client.get(change_url(failed)).content.decode()
    assert "The customer&#x27;s tax code XYZ is unknown." in html  # the first failure's reason
    assert "Replay by a person" in html
    assert "replay-order" not in html
    assert client.post(reverse("admin:sync_orderjob_replay", args=[failed.pk])).status_code == 404
    jobs_page = client.get(reverse("admin:sync_syncjob_change", args=[failed.pk]))
    assert "tax code XYZ" in jobs_page.content.decode()  # the Jobs page shows it too


@pytest.mark.django_db
def test_an_owner_replays_from_the_order_page_and_comes_back_to_it(client, owner, orders):
    _, failed, _ = orders
    client.force_login(owner)
    assert "replay-order" in client.get(change_url(failed)).content.decode()
    answer = client.post(reverse("admin:sync_orderjob_replay", args=[failed.pk]))
    assert answer.status_code == 302 and answer.url == change_url(failed)
    assert SyncJob.objects.get(pk=failed.pk).state == JobState.PENDING
    assert failed.attempt_log.count() == 2  # the history stays


@pytest.mark.django_db
def test_most_recent_activity_first_and_a_retry_says_when(client, owner, active, orders):
    ledgered, failed, _ = orders
    oldest = SyncJobFactory(connection=active, source_id="1045", state=JobState.SUCCEEDED)
    now, later = timezone.now(), timezone.now() + timedelta(minutes=20)
    SyncJob.objects.filter(pk=ledgered.pk).update(
        state=JobState.PENDING, next_attempt_at=later, updated_at=now - timedelta(hours=1)
    )
    SyncJob.objects.filter(pk=failed.pk).update(updated_at=now)  # a retry or replay just now
    SyncJob.objects.filter(pk=oldest.pk).update(updated_at=now - timedelta(days=2))
    client.force_login(owner)
    html = orders_page(client)
    # Neither by id nor by id backwards: by the last thing that happened to each order.
    assert html.index("#1043") < html.index("#1042") < html.index("#1045")
    assert f"Waiting to retry at {timezone.localtime(later):%H:%M}" in html
