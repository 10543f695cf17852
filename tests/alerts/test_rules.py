"""Each rule on the clock it names (the check is given the time: a frozen clock), e-mail going to
Django's test outbox: no orders for N business hours, a connection needing reconnection,
webhooks off, a price update held by its guard, the quiet period and its summary, and the daily
summary's figures."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.core import mail

from alerts.business_hours import business_hours_between, local_zone
from alerts.delivery import message_deliver
from alerts.digest import digests_send
from alerts.incidents import incidents_evaluate, jobs_failed
from alerts.models import AlertChannel, AlertMessage, Incident
from audit.models import ApiCall
from catalog.models import CatalogPush
from sync.models import SyncJob
from tests.alerts.conftest import deliver_queued
from tests.factories import SyncJobFactory

# Incidents are opened from the pipeline (a job failing for good): both backends.
pytestmark = pytest.mark.embedded
Kind, State = AlertMessage.Kind, AlertMessage.State
# Friday 27 November 2026 and the days around it, in UTC (the platform's zone in tests).
FRI = datetime(2026, 11, 27, tzinfo=UTC)


def at(day: datetime, hour: int, minute: int = 0) -> datetime:
    return day.replace(hour=hour, minute=minute)


@pytest.fixture
def inbox(tenant):
    return AlertChannel.objects.create(
        tenant=tenant, name="Accounts", kind="email", email_addresses="accounts@acme.test"
    )


def test_business_hours_leave_out_nights_and_weekends():
    zone = local_zone()
    assert business_hours_between(at(FRI, 16), at(FRI + timedelta(days=3), 10), zone) == 2
    assert business_hours_between(at(FRI, 18), at(FRI + timedelta(days=2), 23), zone) == 0
    assert business_hours_between(at(FRI, 8), at(FRI, 12, 30), zone) == 3.5


@pytest.mark.django_db
def test_no_orders_for_the_set_business_hours_alerts_once_and_clears_when_one_arrives(
    active, inbox
):
    inbox.no_orders_hours = 4
    inbox.save()
    job = SyncJobFactory(connection=active, state="succeeded")
    SyncJob.objects.filter(pk=job.pk).update(created_at=at(FRI, 16))
    monday = FRI + timedelta(days=3)
    # The weekend is not counted: Friday's last hour and Monday's first make 2 of 4.
    assert incidents_evaluate(at(monday, 10))["opened"] == 0
    assert incidents_evaluate(at(monday, 12))["opened"] == 1
    assert deliver_queued() == 1
    [message] = mail.outbox
    assert message.subject == "[ml-connector] No orders from Acme store for 4 business hours"
    assert "The last order arrived Friday 27 November at 16:00 UTC" in message.body
    assert incidents_evaluate(at(monday, 13))["opened"] == 0  # still quiet: one incident
    order = SyncJobFactory(connection=active)
    SyncJob.objects.filter(pk=order.pk).update(created_at=at(monday, 13, 30))
    assert incidents_evaluate(at(monday, 13, 31))["resolved"] == 1
    deliver_queued()
    assert mail.outbox[-1].subject.startswith("[ml-connector] Cleared: No orders from Acme store")
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_a_connection_needing_reconnection_alerts_and_clears_when_reconnected(active, inbox):
    active.status, active.last_error = "needs_reconnect", "MYOB refused the saved sign-in."
    active.save()
    assert incidents_evaluate()["opened"] == 1
    deliver_queued()
    assert mail.outbox[0].subject == "[ml-connector] Acme store needs reconnecting"
    assert "MYOB refused the saved sign-in." in mail.outbox[0].body
    # The e-mail is an outside call in the tenant's audit log, like a Slack post.
    [call] = ApiCall.objects.filter(system="email")
    assert (call.tenant_id, call.operation, call.url) == (
        active.tenant_id,
        "alert.email",
        "mailto:accounts@acme.test",
    )
    assert "MYOB refused the saved sign-in." in call.request_body and not call.error_class
    active.status = "active"
    active.save()
    assert incidents_evaluate()["resolved"] == 1
    deliver_queued()
    assert "The connection was reconnected." in mail.outbox[1].body


@pytest.mark.django_db
def test_webhooks_switched_off_and_a_held_price_update_alert(active, inbox, tenant):
    active.webhook_health = {
        "checked_at": "2026-11-27T10:00:00",
        "hooks": [{"scope": "store/order/created", "id": 1, "is_active": False}],
        "error": "",
    }
    active.save()
    CatalogPush.objects.create(
        connection=active, tenant=tenant, trigger="schedule", state="held",
        guard_moves=[{"sku": "TENT-2P", "before": "349", "after": "34.9", "change": "90.0"}],
    )  # fmt: skip
    assert incidents_evaluate()["opened"] == 2
    titles = set(Incident.objects.values_list("title", flat=True))
    assert titles == {
        "Acme store: the store is not sending orders as they happen",
        "A price update for Acme store is waiting for a person to check it",
    }


@pytest.mark.django_db
def test_an_unticked_rule_and_another_tenants_channel_hear_nothing(active, inbox, other_tenant):
    inbox.on_reconnect = False
    inbox.save()
    theirs = AlertChannel.objects.create(
        tenant=other_tenant, name="Globex", kind="email", email_addresses="ops@globex.test"
    )
    active.status = "needs_reconnect"
    active.save()
    assert incidents_evaluate()["opened"] == 1  # the incident is listed all the same
    assert not AlertMessage.objects.filter(channel__in=[inbox, theirs]).exists()


@pytest.mark.django_db
def test_one_message_per_rule_every_quarter_hour_then_one_summary(active, inbox):
    first, second, third = (SyncJobFactory(connection=active, state="failed") for _ in range(3))
    assert jobs_failed([first.pk]) == 1
    assert jobs_failed([second.pk, third.pk]) == 2
    states = dict(AlertMessage.objects.values_list("incident__subject", "state"))
    assert states == {str(first.pk): State.QUEUED, str(second.pk): State.HELD,
                      str(third.pk): State.HELD}  # fmt: skip
    deliver_queued()
    assert incidents_evaluate()["summaries"] == 0  # still inside the quiet period
    later = AlertMessage.objects.get(state=State.SENT).created_at + timedelta(minutes=16)
    assert incidents_evaluate(later)["summaries"] == 1
    deliver_queued()
    summary = mail.outbox[-1]
    assert summary.subject.startswith("[ml-connector] 2 more alerts: an order or record failed")
    assert (
        f"Order {second.source_id}" in summary.body and f"Order {third.source_id}" in summary.body
    )
    assert AlertMessage.objects.filter(state=State.SUMMARISED).count() == 2
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_the_same_failure_again_counts_but_sends_nothing(active, inbox):
    job = SyncJobFactory(connection=active, state="failed")
    assert jobs_failed([job.pk]) == 1
    SyncJob.objects.filter(pk=job.pk).update(state="pending")  # replayed: not cleared yet
    assert incidents_evaluate() == {"opened": 0, "resolved": 0, "summaries": 0, "requeued": 0}
    SyncJob.objects.filter(pk=job.pk).update(state="failed")  # and it failed the same way
    assert jobs_failed([job.pk]) == 0
    assert incidents_evaluate()["opened"] == 0
    assert Incident.objects.get().seen == 2 and AlertMessage.objects.count() == 1


@pytest.mark.django_db
def test_the_daily_summary_counts_yesterdays_orders_documents_and_total(active, inbox, tenant):
    thursday = FRI - timedelta(days=1)
    rows = [("succeeded", "INV-1", "100.00"), ("succeeded", "INV-2", "200.50"),
            ("succeeded", "INV-3", "18039.50"), ("failed", "", "75.00")]  # fmt: skip
    for state, document, total in rows:
        job = SyncJobFactory(connection=active, state=state, erp_document_id=document,
                             order_total=Decimal(total), currency="USD")  # fmt: skip
        SyncJob.objects.filter(pk=job.pk).update(created_at=at(thursday, 14))
    older = SyncJobFactory(connection=active, state="succeeded", erp_document_id="INV-0",
                           order_total=Decimal("9.99"), currency="USD")  # fmt: skip
    SyncJob.objects.filter(pk=older.pk).update(created_at=at(thursday - timedelta(days=1), 14))
    assert digests_send(at(FRI, 7, 59)) == 0  # before 8:00
    assert digests_send(at(FRI, 8, 5)) == 1
    assert digests_send(at(FRI, 9)) == 0  # once a day
    deliver_queued()
    [summary] = mail.outbox
    assert "4 orders → 3 ERP documents, $18,340.00; 1 needs attention" in summary.body
    assert summary.subject.startswith("[ml-connector] Daily summary for Thursday 26 November")


@pytest.mark.django_db
def test_a_message_the_broker_never_took_is_queued_again_and_sent_once(
    active, inbox, django_capture_on_commit_callbacks
):
    message = AlertMessage.objects.create(
        tenant=inbox.tenant, channel=inbox, kind="test", subject="Lost", body="b"
    )
    made = message.created_at
    assert incidents_evaluate(made + timedelta(minutes=5))["requeued"] == 0
    with django_capture_on_commit_callbacks() as queued:
        assert incidents_evaluate(made + timedelta(minutes=11))["requeued"] == 1
    assert len(queued) == 1
    assert deliver_queued() == 1 and len(mail.outbox) == 1
    # A second task for it (the first was only slow) finds it sent and sends nothing.
    assert message_deliver(message.pk, final=True) is None and len(mail.outbox) == 1
    assert incidents_evaluate(made + timedelta(minutes=30))["requeued"] == 0
