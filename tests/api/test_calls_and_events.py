"""The API call log (filters, redacted detail) and inbound events (filters, redispatch)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import ApiCall
from config.celery import app
from tests.factories import ApiCallFactory, ConnectionFactory, InboundEventFactory, SyncJobFactory
from tests.support.broker import take_queued
from webhooks.models import EventState, InboundEvent

CALLS = "/api/v1/calls/"
EVENTS = "/api/v1/events/"


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


@pytest.mark.django_db
def test_call_filters(owner_api, connection):
    job = SyncJobFactory(connection=connection)
    ok = ApiCallFactory(connection=connection, status_code=200, sync_job=job)
    refused = ApiCallFactory(connection=connection, status_code=422, system="myob")
    lost = ApiCallFactory(connection=connection, status_code=None, error_class="ConnectTimeout")
    ApiCall.objects.filter(pk=lost.pk).update(created_at=timezone.now() - timedelta(days=2))
    assert ids(owner_api.get(CALLS, {"status_class": "2xx"})) == [ok.pk]
    assert ids(owner_api.get(CALLS, {"status_class": "4xx"})) == [refused.pk]
    assert ids(owner_api.get(CALLS, {"status_class": "network"})) == [lost.pk]
    assert ids(owner_api.get(CALLS, {"system": "myob"})) == [refused.pk]
    assert ids(owner_api.get(CALLS, {"job": job.pk})) == [ok.pk]
    since = (timezone.now() - timedelta(days=1)).isoformat()
    assert ids(owner_api.get(CALLS, {"created_after": since})) == [refused.pk, ok.pk]
    # Offsets PostgreSQL cannot store are moved to UTC, not a server error (found by fuzzing).
    assert owner_api.get(CALLS, {"created_after": "0079-10-03T07:03:46-22:01"}).status_code == 200
    assert owner_api.get(CALLS, {"job": "1.5"}).status_code == 400
    assert owner_api.get(f"{CALLS}?system=myob&system=bigcommerce").status_code == 400
    elsewhere = ApiCallFactory(connection=ConnectionFactory(tenant=connection.tenant))
    assert ids(owner_api.get(CALLS, {"connection": str(elsewhere.connection_id)})) == [elsewhere.pk]
    assert ids(owner_api.get(CALLS, {"connection": str(connection.pk)})) == [
        lost.pk, refused.pk, ok.pk,
    ]  # fmt: skip


@pytest.mark.django_db
def test_call_detail_masks_a_credential_entered_after_the_call(owner_api, tenant):
    # Not one of the session's scanned markers: this row stands for an old, unredacted record.
    connection = ConnectionFactory(tenant=tenant, bc_access_token="zz-later-credential-0042")
    call = ApiCallFactory(
        connection=connection,
        request_headers={"X-Debug": "zz-later-credential-0042"},
        response_body='{"echo": "zz-later-credential-0042"}',
    )
    response = owner_api.get(f"{CALLS}{call.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert "zz-later-credential-0042" not in response.content.decode()
    assert body["response_body"] == '{"echo": "[redacted]"}'
    assert body["request_headers"] == {"X-Debug": "[redacted]"}
    # The list has no bodies at all.
    assert "response_body" not in owner_api.get(CALLS).json()["results"][0]


@pytest.mark.django_db
def test_event_filters(owner_api, connection):
    created = InboundEventFactory(connection=connection, scope="store/order/created")
    updated = InboundEventFactory(
        connection=connection, scope="store/order/updated", state=EventState.FAILED
    )
    customer = InboundEventFactory(
        connection=connection, scope="store/customer/created", resource_type="customer"
    )
    InboundEvent.objects.filter(pk=customer.pk).update(
        received_at=timezone.now() - timedelta(days=5)
    )
    assert ids(owner_api.get(EVENTS, {"scope": "store/order/updated"})) == [updated.pk]
    assert ids(owner_api.get(EVENTS, {"state": "failed"})) == [updated.pk]
    assert ids(owner_api.get(EVENTS, {"resource_id": created.resource_id})) == [created.pk]
    elsewhere = InboundEventFactory(connection=ConnectionFactory(tenant=connection.tenant))
    assert ids(owner_api.get(EVENTS, {"connection": str(elsewhere.connection_id)})) == [
        elsewhere.pk
    ]
    assert ids(owner_api.get(EVENTS, {"connection": str(connection.pk)})) == [
        customer.pk, updated.pk, created.pk,
    ]  # fmt: skip
    since = (timezone.now() - timedelta(days=1)).isoformat()
    assert ids(owner_api.get(EVENTS, {"received_before": since})) == [customer.pk]
    detail = owner_api.get(f"{EVENTS}{created.pk}/").json()
    assert detail["payload"]["data"]["id"] == int(created.resource_id)


@pytest.mark.django_db
def test_redispatch_hands_the_event_over_again(
    owner_api, connection, django_capture_on_commit_callbacks
):
    event = InboundEventFactory(connection=connection, state=EventState.FAILED, last_error="x")
    app.control.purge()
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_api.post(f"{EVENTS}{event.pk}/redispatch/")
    assert response.status_code == 202
    assert response.json()["state"] == EventState.DISPATCHED
    event.refresh_from_db()
    assert (event.state, event.last_error) == (EventState.DISPATCHED, "")
    # Handed over means a message for the workers on the broker, not only the label.
    assert take_queued("webhooks") == [("webhooks.tasks.process_event", [event.pk])]
