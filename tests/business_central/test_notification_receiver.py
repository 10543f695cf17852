"""The change-notification receiver over real HTTP: the validation handshake echoes the token,
a batch is stored once and answered 202, a wrong clientState or an unreadable body is answered
202 and never acted on (any 4xx makes Business Central delete the subscription), and a stored
batch asks for the customer jobs and the catalog push it names."""

import json
import uuid

import pytest
import requests

from catalog.models import CatalogPush, PushState, Trigger
from catalog.services import settings_update
from connectors.business_central.models import Notification, NotificationState
from connectors.business_central.notifications import (
    MAX_BODY_BYTES,
    RETRY_SECONDS,
    notification_process,
    notification_url,
    push_signal,
    receiver_for,
)
from connectors.models import ExternalLink, LinkEntity
from sync.models import JobKind, SyncJob
from tenants.models import Connection, ConnectionStatus
from tests.factories import ConnectionFactory

pytestmark = [pytest.mark.django_db(transaction=True)]

COMPANY = "5c7e6a1e-8d1f-4f35-9a7e-3f6f0d7a1b2c"


def bc_connection(tenant, **fields) -> Connection:
    return ConnectionFactory(
        tenant=tenant, erp_kind="business_central", erp_settings={"company_id": COMPANY},
        erp_secrets={}, **fields,
    )  # fmt: skip


@pytest.fixture
def receiving(settings, live_server, tenant):
    settings.PUBLIC_BASE_URL = live_server.url
    connection = bc_connection(tenant)
    return connection, receiver_for(connection), notification_url(connection)


def change(receiver, entity: str, record_id: str, change_type="updated", **extra) -> dict:
    return {
        "subscriptionId": uuid.uuid4().hex, "clientState": receiver.client_state,
        "expirationDateTime": "2026-11-30T07:00:00Z",
        "resource": f"api/v2.0/companies({COMPANY})/{entity}({record_id})",
        "changeType": change_type, "lastModifiedDateTime": "2026-11-27T07:00:00Z", **extra,
    }  # fmt: skip


def post(url, body) -> requests.Response:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return requests.post(url, data=data, headers={"Content-Type": "application/json"}, timeout=10)


def test_the_handshake_echoes_the_token_as_plain_text_on_get_and_post(receiving, live_server):
    connection, _, url = receiving
    assert url == f"{live_server.url}/business_central/notifications/{connection.pk}/"
    token = "tok+/= with spaces & ümlauts"
    for method in (requests.get, requests.post):
        answer = method(url, params={"validationToken": token}, timeout=10)
        assert answer.status_code == 200, answer.text
        assert answer.headers["Content-Type"].startswith("text/plain")
        assert answer.content.decode() == token
    # No receiver at an address no connection of ours has: BC may delete what points there.
    stranger = url.replace(str(connection.pk), str(uuid.uuid4()))
    assert requests.get(stranger, params={"validationToken": "x"}, timeout=10).status_code == 404
    assert not Notification.objects.exists()


def test_a_batch_is_stored_once_without_its_client_state_and_answered_202(receiving):
    connection, receiver, url = receiving
    body = {"value": [change(receiver, "items", str(uuid.uuid4())),
                      change(receiver, "customers", str(uuid.uuid4()))]}  # fmt: skip
    for _ in range(2):  # BC resends a body it got no 2xx for
        answer = post(url, body)
        assert answer.status_code == 202, answer.text
    stored = Notification.objects.get()
    assert (stored.connection, stored.state, stored.count, stored.refused) == (
        connection, NotificationState.RECEIVED, 2, 0
    )  # fmt: skip
    assert stored.entities == ["customers", "items"]
    assert receiver.client_state not in json.dumps(stored.payload)
    assert [item["resource"] for item in stored.payload["value"]] == [
        item["resource"] for item in body["value"]
    ]
    receiver.refresh_from_db()
    assert receiver.last_notification_at is not None


def test_a_wrong_client_state_is_answered_202_and_not_acted_on(receiving, caplog):
    connection, receiver, url = receiving
    Connection.objects.filter(pk=connection.pk).update(status=ConnectionStatus.ACTIVE)
    wrong = change(receiver, "customers", str(uuid.uuid4()), clientState="guessed")
    missing = change(receiver, "items", str(uuid.uuid4()))
    del missing["clientState"]
    with caplog.at_level("WARNING", logger="ml_connector.security"):
        answer = post(url, {"value": [wrong, missing]})
    assert answer.status_code == 202, answer.text
    stored = Notification.objects.get()
    assert (stored.state, stored.count, stored.refused) == (NotificationState.REFUSED, 0, 2)
    assert stored.payload is None
    assert "clientState" in caplog.text
    assert notification_process(stored.pk) is False
    assert not SyncJob.objects.exists() and not CatalogPush.objects.exists()
    # One right among wrong ones: only the right one is kept and acted on.
    right = change(receiver, "items", str(uuid.uuid4()))
    assert post(url, {"value": [wrong, right]}).status_code == 202
    mixed = Notification.objects.exclude(pk=stored.pk).get()
    assert (mixed.state, mixed.count, mixed.refused) == (NotificationState.RECEIVED, 1, 1)


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"\xff\xfe",
        b'{"value": "x"}',
        b'{"value": [{"resource": 1}]}',
        b"[1, 2]",
        b'{"value": [NaN]}',
    ],
)
def test_an_unreadable_body_is_answered_202_and_kept_as_failed(receiving, body):
    _, _, url = receiving
    answer = post(url, body)
    assert answer.status_code == 202, answer.text
    stored = Notification.objects.get()
    assert stored.state == NotificationState.FAILED and stored.note.startswith("Unreadable")


def test_a_body_past_the_limit_is_answered_202_unread(receiving):
    _, receiver, url = receiving
    body = {"value": [change(receiver, "items", str(uuid.uuid4()))], "pad": "x" * MAX_BODY_BYTES}
    assert post(url, body).status_code == 202
    assert not Notification.objects.exists()


def stored(connection, receiver, *items, received_at=None) -> Notification:
    post(notification_url(connection), {"value": list(items)})
    note = Notification.objects.order_by("-id").first()
    if received_at is not None:
        Notification.objects.filter(pk=note.pk).update(received_at=received_at)
    return note


def test_customer_notifications_ask_for_the_linked_records_jobs(receiving):
    connection, receiver, _ = receiving
    linked, unlinked, gone = (str(uuid.uuid4()) for _ in range(3))
    for erp_id, source in ((linked, "41"), (gone, "42")):
        ExternalLink.objects.create(
            connection=connection, entity=LinkEntity.CUSTOMER, source_id=source, erp_id=erp_id
        )
    note = stored(connection, receiver, change(receiver, "customers", linked))
    assert notification_process(note.pk) is False  # a paused connection: nothing asked
    note.refresh_from_db()
    assert note.state == NotificationState.IGNORED and "not active" in note.note
    Connection.objects.filter(pk=connection.pk).update(status=ConnectionStatus.ACTIVE)
    other_company = change(receiver, "customers", linked)
    other_company["resource"] = other_company["resource"].replace(COMPANY, str(uuid.uuid4()))
    note = stored(
        connection, receiver, change(receiver, "customers", linked.upper()),
        change(receiver, "customers", unlinked), change(receiver, "customers", gone, "deleted"),
        other_company,
    )  # fmt: skip
    assert notification_process(note.pk) is False
    note.refresh_from_db()
    assert note.state == NotificationState.PROCESSED
    assert "2 customer job(s)" in note.note and "1 notification(s) not for" in note.note
    jobs = SyncJob.objects.filter(kind=JobKind.CUSTOMER_TO_STORE)
    assert sorted(jobs.values_list("source_id", flat=True)) == sorted([linked, gone])
    assert notification_process(note.pk) is False  # processed once
    assert not CatalogPush.objects.exists()


def test_item_notifications_ask_for_a_catalog_push_and_wait_for_one_started_after(receiving):
    connection, receiver, _ = receiving
    Connection.objects.filter(pk=connection.pk).update(status=ConnectionStatus.ACTIVE)
    off = stored(connection, receiver, change(receiver, "items", str(uuid.uuid4())))
    assert notification_process(off.pk) is True
    assert push_signal(off.pk) is None
    off.refresh_from_db()
    assert off.state == NotificationState.PROCESSED and "push is off" in off.note
    assert not CatalogPush.objects.exists()

    settings_update(connection, enabled=True)
    first = stored(connection, receiver, change(receiver, "items", str(uuid.uuid4())))
    assert notification_process(first.pk) is True and push_signal(first.pk) is None
    push = CatalogPush.objects.get()
    assert (push.trigger, push.state) == (Trigger.SIGNAL, PushState.PLANNING)
    first.refresh_from_db()
    assert (first.state, first.push_id) == (NotificationState.PROCESSED, push.pk)
    late = stored(connection, receiver, change(receiver, "items", str(uuid.uuid4())))
    assert notification_process(late.pk) is True
    assert push_signal(late.pk) == RETRY_SECONDS  # the push under way may have read too early
    CatalogPush.objects.filter(pk=push.pk).update(state=PushState.DONE)
    assert push_signal(late.pk, 2) is None
    late.refresh_from_db()
    assert late.state == NotificationState.PROCESSED and late.push_id != push.pk
