"""Our subscriptions in the sandbox BC over real HTTP: the pass creates the company's items and
customers subscriptions through the real handshake with our receiver (its clientState never in
the API call log), a failed handshake is a plain error on the connection, a renewal happens
before the expiry (on BC's clock), a subscription BC deleted is recreated and a stray one
removed; and with a real worker, BC's `collection` notification re-queries the customers
changed after its filter's time and asks for their jobs."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import ApiCall
from audit.redaction import redact_body
from connectors.business_central.models import (
    Notification,
    NotificationReceiver,
    NotificationState,
    Subscription,
)
from connectors.business_central.notifications import notification_url, receiver_for
from connectors.business_central.subscriptions import (
    ERROR_PREFIX,
    SubscriptionPass,
    subscription_health,
    subscriptions_ensure,
)
from connectors.models import ExternalLink, LinkEntity
from sandbox.business_central import services
from sandbox.business_central.models import BcNotificationAttempt
from sandbox.business_central.subscriptions import as_entity
from sync.models import JobKind, SyncJob
from tenants.models import Connection, ConnectionStatus
from tenants.services import connection_activate
from tests.factories import ConnectionFactory
from tests.support.bc_sandbox import bc_sandbox
from tests.support.worker import WorkerProcess, wait_until

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture
def linked(settings, live_server, tenant):
    """A sandbox BC and an active connection to its company, as the settings form saves it."""
    settings.PUBLIC_BASE_URL = live_server.url
    settings.BC_API_URL = f"{live_server.url}/sandbox/bc"
    settings.BC_ENTRA_URL = f"{live_server.url}/sandbox/entra"
    bc = bc_sandbox(live_server)
    connection = ConnectionFactory(
        tenant=tenant, erp_kind="business_central", status=ConnectionStatus.ACTIVE,
        erp_settings={"tenant_id": str(bc.tenant.entra_id), "environment": bc.environment.name,
                      "company_id": str(bc.company.id), "client_id": bc.app.client_id},
        erp_secrets={"client_secret": bc.app.client_secret},
    )  # fmt: skip
    return bc, connection


def in_bc(bc) -> dict:
    """BC's subscriptions as its API shows them, by entity."""
    found = [as_entity(s) for s in services.subscriptions(bc.environment)]
    return {s["resource"].rsplit("/", 1)[-1]: s for s in found}


def test_the_pass_subscribes_items_and_customers_through_the_handshake(linked):
    bc, connection = linked
    health = subscriptions_ensure(connection)
    assert health["error"] == "", health
    assert sorted(health["actions"]) == ["created customers", "created items"]
    receiver = receiver_for(connection)
    subscribed = in_bc(bc)
    assert sorted(subscribed) == ["customers", "items"]
    for entity, found in subscribed.items():
        assert found["notificationUrl"] == notification_url(connection)
        assert found["resource"] == f"/api/v2.0/companies({bc.company.id})/{entity}"
        assert found["clientState"] == receiver.client_state
        row = Subscription.objects.get(connection=connection, entity=entity)
        assert (row.subscription_id, row.etag) == (found["subscriptionId"], found["@odata.etag"])
    handshakes = BcNotificationAttempt.objects.filter(subscription_ref="handshake")
    assert [a.status for a in handshakes] == [200, 200]
    assert all(a.url == notification_url(connection) for a in handshakes)
    # The clientState is the subscriptions' only proof of origin: never in the call log.
    calls = ApiCall.objects.filter(operation__startswith="subscriptions")
    assert calls.count() >= 3
    for call in calls:
        assert receiver.client_state not in f"{call.request_body}{call.response_body}{call.url}"
    # Nothing to do on the next pass: no renewal three days ahead, no duplicate.
    assert subscriptions_ensure(connection)["actions"] == []
    assert len(services.subscriptions(bc.environment)) == 2
    assert "Subscribed: customers until" in subscription_health(connection)


def test_a_failed_handshake_is_a_plain_error_on_the_connection_until_a_pass_succeeds(linked):
    bc, connection = linked
    services.faults_set(bc.environment, fault_handshake_timeout=1)
    health = subscriptions_ensure(connection)
    assert health["error"].startswith(ERROR_PREFIX)
    assert "handshake" in health["error"] and notification_url(connection) in health["error"]
    assert "poll" in health["error"]
    connection.refresh_from_db()
    assert connection.last_error == health["error"] and connection.last_error_at is not None
    assert connection.status == ConnectionStatus.ACTIVE  # the poll still runs
    assert subscription_health(connection) == health["error"]
    health = subscriptions_ensure(connection)  # the fault is used up
    assert health["error"] == "" and len(in_bc(bc)) == 2
    connection.refresh_from_db()
    assert connection.last_error == ""


def test_the_subscriptions_are_renewed_before_they_expire_on_bcs_clock(linked):
    bc, connection = linked
    subscriptions_ensure(connection)
    first = {entity: s["expirationDateTime"] for entity, s in in_bc(bc).items()}
    services.clock_advance(86_400)  # two days left: nothing to do
    assert subscriptions_ensure(connection)["actions"] == []
    services.clock_advance(86_400 + 3_600)  # 23 hours left
    health = subscriptions_ensure(connection)
    assert sorted(health["actions"]) == ["renewed customers", "renewed items"]
    for entity, found in in_bc(bc).items():
        assert found["expirationDateTime"] > first[entity]
        row = Subscription.objects.get(connection=connection, entity=entity)
        assert row.renewed_at is not None and row.etag == found["@odata.etag"]
    assert BcNotificationAttempt.objects.filter(subscription_ref="handshake").count() == 4
    services.clock_advance(2 * 86_400)  # a day after the old expiry: the renewed ones live
    assert services.notifications_send()["expired"] == 0


def test_a_subscription_bc_deleted_is_recreated_and_a_stray_one_removed(linked, settings):
    bc, connection = linked
    subscriptions_ensure(connection)
    old = in_bc(bc)["customers"]["subscriptionId"]
    services.subscription_remove(bc.environment, old)  # BC deleted it (failures, a 4xx)
    stray = services.subscription_add(
        bc.environment, notification_url=notification_url(connection),
        resource=f"/api/v2.0/companies({bc.company.id})/items", client_state="someone else's",
    )  # fmt: skip
    health = subscriptions_ensure(connection)
    assert sorted(health["actions"]) == ["created customers",
                                         "deleted a stray subscription (items)"]  # fmt: skip
    now = in_bc(bc)
    assert sorted(now) == ["customers", "items"] and now["customers"]["subscriptionId"] != old
    assert stray.subscription_id not in {s["subscriptionId"] for s in now.values()}
    row = Subscription.objects.get(connection=connection, entity="customers")
    assert row.subscription_id == now["customers"]["subscriptionId"]


@pytest.mark.worker
def test_activation_subscribes_and_a_collection_re_queries_the_customers_changed_after_it(
    linked, settings, live_server
):
    bc, connection = linked
    settings.SANDBOX_BC_COLLECTION_AFTER = 1
    Connection.objects.filter(pk=connection.pk).update(
        status=ConnectionStatus.DRAFT, bc_api_url=f"{live_server.url}/sandbox/bigcommerce"
    )
    connection.refresh_from_db()
    named = {}
    for number, source in (("C-LINK-1", "41"), ("C-LINK-2", "42"), ("C-OTHER", "")):
        record = services.customer_set(bc.company, number, displayName=f"Customer {number}")
        named[number] = str(record.record_id)
        if source:
            ExternalLink.objects.create(
                connection=connection, entity=LinkEntity.CUSTOMER, source_id=source,
                erp_id=named[number],
            )  # fmt: skip
    worker = WorkerProcess(extra_env={
        "PUBLIC_BASE_URL": live_server.url, "BC_API_URL": settings.BC_API_URL,
        "BC_ENTRA_URL": settings.BC_ENTRA_URL,
    }).start()  # fmt: skip
    try:
        connection_activate(connection=connection)  # a worker subscribes after commit
        wait_until(lambda: len(services.subscriptions(bc.environment)) == 2, timeout=60)
        assert sorted(in_bc(bc)) == ["customers", "items"]
        for number in named:  # three changes in one window: past the threshold of 1
            services.customer_set(bc.company, number, phoneNumber="+61 2 5550 1234")
        services.clock_advance(31)
        assert services.notifications_send()["sent"] == 1
        note = Notification.objects.get()
        (item,) = note.payload["value"]
        assert item["changeType"] == "collection"
        assert "$filter=lastModifiedDateTime" in item["resource"]
        wait_until(
            lambda: SyncJob.objects.filter(kind=JobKind.CUSTOMER_TO_STORE).count() == 2,
            timeout=60,
        )
    finally:
        worker.stop()
    jobs = SyncJob.objects.filter(kind=JobKind.CUSTOMER_TO_STORE)
    assert sorted(jobs.values_list("source_id", flat=True)) == sorted(
        [named["C-LINK-1"].lower(), named["C-LINK-2"].lower()]
    )
    note.refresh_from_db()
    assert note.state == NotificationState.PROCESSED and "2 customer job(s)" in note.note
    query = ApiCall.objects.filter(operation="customers.list").order_by("-id").first()
    assert "lastModifiedDateTime" in query.url and "gt" in query.url


def test_client_state_is_masked_by_its_name_in_any_logged_body():
    body = redact_body({"notificationUrl": "https://x", "clientState": "not-yet-registered-1"})
    assert "not-yet-registered-1" not in body and "clientState" in body


def test_the_connection_page_shows_the_subscriptions_health_line(client, owner, tenant):
    connection = ConnectionFactory(
        tenant=tenant, erp_kind="business_central", status=ConnectionStatus.ACTIVE,
        erp_settings={"company_id": "5c7e6a1e-8d1f-4f35-9a7e-3f6f0d7a1b2c"}, erp_secrets={},
    )  # fmt: skip
    client.force_login(owner)
    url = reverse("admin:tenants_connection_change", args=[connection.pk])
    page = client.get(url).content.decode()
    assert "Change notifications from the ERP" in page
    assert "Not subscribed yet: activate the connection." in page
    receiver = receiver_for(connection)
    now = timezone.now()
    for entity in ("customers", "items"):
        Subscription.objects.create(
            connection=connection, entity=entity, subscription_id=f"{entity}-1", resource="r",
            expires_at=now + timedelta(days=3), created_at=now - timedelta(days=1),
            renewed_at=now,
        )  # fmt: skip
    NotificationReceiver.objects.filter(pk=receiver.pk).update(checked_at=now)
    line = subscription_health(connection)
    assert line.startswith("Subscribed: customers until") and "items until" in line
    assert f"last renewed {now:%Y-%m-%d %H:%M} UTC" in line and "none yet" in line
    assert line in client.get(url).content.decode()


def test_a_renewal_reads_a_stale_etag_again_and_finds_a_deleted_subscription_gone(linked):
    bc, connection = linked
    subscriptions_ensure(connection)
    found = in_bc(bc)["items"]
    work = SubscriptionPass(connection, receiver_for(connection), timezone.now())
    stale = {**found, "@odata.etag": 'W/"JzE5OzE7Jw=="'}
    renewed = work.renew(stale)  # 409 Request_EntityChanged: read again, then renewed
    assert renewed is not None and renewed["@odata.etag"] != found["@odata.etag"]
    assert renewed["expirationDateTime"] >= found["expirationDateTime"]
    services.subscription_remove(bc.environment, found["subscriptionId"])
    assert work.renew(renewed) is None  # 404: the pass creates it again
