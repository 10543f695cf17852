"""The push notification receiver over real HTTP: the shared secret is checked (wrong or missing
→ 401 and nothing stored), a notification is stored once per Id, a malformed body is a 400 kept
as failed, and a stored notification asks for the connection's catalog push."""

import json
import uuid

import pytest
import requests
from django.urls import reverse

from catalog.models import CatalogPush, PushState, Trigger
from catalog.services import settings_update
from connectors.acumatica.models import NotificationState, PushNotification, PushReceiver
from connectors.acumatica.push import (
    HEADER_NAME,
    MAX_BODY_BYTES,
    RETRY_SECONDS,
    notification_process,
    push_setup,
    secret_rotate,
)
from tenants.models import Connection, ConnectionStatus
from tests.factories import ConnectionFactory

pytestmark = [pytest.mark.embedded, pytest.mark.django_db(transaction=True)]


def acumatica_connection(tenant, **fields) -> Connection:
    return ConnectionFactory(
        tenant=tenant, erp_kind="acumatica", erp_settings={}, erp_secrets={}, **fields
    )


@pytest.fixture
def receiver(settings, live_server, tenant):
    settings.PUBLIC_BASE_URL = live_server.url
    connection = acumatica_connection(tenant)
    return connection, push_setup(connection)


def notification(*skus, ident=None, **extra) -> dict:
    return {
        "Inserted": [{"InventoryID": sku, "DefaultPrice": 12.5, "QtyOnHand": 3} for sku in skus],
        "Deleted": [{"InventoryID": sku, "DefaultPrice": 10.0, "QtyOnHand": 4} for sku in skus],
        "Query": "ML-StockItems", "CompanyId": "Acme", "Id": ident or str(uuid.uuid4()),
        "TimeStamp": 638_700_000_000_000_000, "AdditionalInfo": {}, **extra,
    }  # fmt: skip


def send(setup, body, secret=None, *, header=HEADER_NAME, address=None) -> requests.Response:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = {"Content-Type": "application/json"}
    if secret is not False:
        headers[header] = setup["header_value"] if secret is None else secret
    return requests.post(address or setup["address"], data=data, headers=headers, timeout=10)


def test_a_notification_with_the_secret_is_stored_once_per_id(receiver):
    connection, setup = receiver
    assert setup["address"].endswith(f"/acumatica/push/{connection.pk}/")
    assert setup["header_name"] == HEADER_NAME and len(setup["header_value"]) >= 40
    body = notification("TENT-2P", "MUG-STEEL")
    for _ in range(3):  # Acumatica's redeliveries carry the same Id
        answer = send(setup, body)
        assert answer.status_code == 200, answer.text
    stored = PushNotification.objects.get()
    assert (stored.connection, stored.tenant, stored.notification_id) == (
        connection, connection.tenant, f"id:{body['Id']}"
    )  # fmt: skip
    assert (stored.query, stored.rows, stored.skus) == (
        "ML-StockItems",
        4,
        ["MUG-STEEL", "TENT-2P"],
    )
    assert stored.payload == body and stored.state == NotificationState.RECEIVED
    # Another Id is another notification.
    assert send(setup, notification("TENT-2P")).status_code == 200
    assert PushNotification.objects.count() == 2


def test_a_wrong_or_missing_secret_is_a_401_and_nothing_is_stored(receiver, tenant, other_tenant):
    connection, setup = receiver
    other = push_setup(acumatica_connection(other_tenant))
    for secret in [False, "", "wrong", setup["header_value"][:-1], other["header_value"], "é"]:
        answer = send(setup, notification("TENT-2P"), secret)
        assert answer.status_code == 401, (secret, answer.text)
        assert setup["header_value"] not in answer.text
    # The right value under another header name proves nothing.
    assert send(setup, notification("TENT-2P"), header="X-Other").status_code == 401
    # Nor does a malformed body with a wrong secret get stored as failed.
    assert send(setup, b"{not json", "wrong").status_code == 401
    assert not PushNotification.objects.exists()
    # A rotated secret: the old one is refused from then on.
    old = setup["header_value"]
    new = secret_rotate(connection).secret
    assert new != old
    assert send(setup, notification("TENT-2P"), old).status_code == 401
    assert send(setup, notification("TENT-2P"), new).status_code == 200


def test_no_receiver_is_a_404(receiver, tenant):
    connection, setup = receiver
    myob = ConnectionFactory(tenant=tenant)  # not an Acumatica connection
    for address in [setup["address"].replace(str(connection.pk), str(myob.pk)),
                    setup["address"].replace(str(connection.pk), str(uuid.uuid4()))]:  # fmt: skip
        assert send(setup, notification("X"), address=address).status_code == 404
    unset = acumatica_connection(tenant)  # no secret issued yet
    address = setup["address"].replace(str(connection.pk), str(unset.pk))
    assert send(setup, notification("X"), "", address=address).status_code == 404
    assert not PushNotification.objects.exists()


@pytest.mark.parametrize(
    ("body", "said"),
    [
        (b'{"Inserted": [', "not valid JSON"),
        (b"\xff\xfe", "not UTF-8"),
        (b"[]", "Expected a push notification"),
        (json.dumps({"Inserted": []}).encode(), "no Id"),
        (json.dumps(notification("A", Inserted={"InventoryID": "A"})).encode(), "Inserted is not"),
        (json.dumps(notification("A", Deleted=[{"InventoryID": {"value": "A"}}])).encode(),
         "Deleted is not a list of flat rows"),
        (json.dumps(notification("A", Query=7)).encode(), "Query"),
        (b'{"Id": "x", "Inserted": [], "Deleted": [], "TimeStamp": NaN}', "not valid JSON"),
        (b"[" * 100_000, "not valid JSON"),
    ],
)  # fmt: skip
def test_a_malformed_body_is_a_400_and_kept_as_failed(receiver, body, said):
    _, setup = receiver
    answer = send(setup, body)
    assert answer.status_code == 400 and said in answer.json()["error"], answer.text
    failed = PushNotification.objects.get()
    assert failed.state == NotificationState.FAILED and said in failed.note
    assert failed.notification_id.startswith("body:") and failed.payload is None
    assert failed.body and len(failed.body) <= 2000
    assert send(setup, body).status_code == 400  # the same body again: kept once
    assert PushNotification.objects.count() == 1


def test_an_oversized_body_is_refused_unread(receiver):
    _, setup = receiver
    answer = send(setup, b" " * (MAX_BODY_BYTES + 1))
    assert answer.status_code == 413
    assert not PushNotification.objects.exists()


def stored(connection, received_at=None) -> PushNotification:
    note = PushNotification.objects.create(
        connection=connection, tenant=connection.tenant, notification_id=f"id:{uuid.uuid4()}",
        payload=notification("TENT-2P"),
    )  # fmt: skip
    if received_at is not None:
        PushNotification.objects.filter(pk=note.pk).update(received_at=received_at)
    return note


def test_a_notification_asks_for_a_push_and_waits_for_one_that_started_after_it(tenant):
    connection = acumatica_connection(tenant)
    first = stored(connection)
    assert notification_process(first.pk) is None  # a draft connection
    first.refresh_from_db()
    assert first.state == NotificationState.IGNORED and "not active" in first.note
    Connection.objects.filter(pk=connection.pk).update(status=ConnectionStatus.ACTIVE)
    connection.refresh_from_db()
    off = stored(connection)
    assert notification_process(off.pk) is None
    off.refresh_from_db()
    assert off.state == NotificationState.IGNORED and "push is off" in off.note
    assert not CatalogPush.objects.exists()

    settings_update(connection, enabled=True)
    burst = [stored(connection) for _ in range(3)]
    assert notification_process(burst[0].pk) is None
    push = CatalogPush.objects.get()
    assert (push.trigger, push.state, push.dry_run) == (Trigger.SIGNAL, PushState.PLANNING, False)
    # The rest of the burst arrived before the push started: they join it.
    for note in burst[1:]:
        assert notification_process(note.pk) is None
    assert CatalogPush.objects.count() == 1
    for note in burst:
        note.refresh_from_db()
        assert (note.state, note.push_id) == (NotificationState.PUSHED, push.pk)
    # One that arrived after the push started may name a change it read too early: it waits.
    late = stored(connection)
    assert notification_process(late.pk) == RETRY_SECONDS
    late.refresh_from_db()
    assert late.state == NotificationState.RECEIVED
    CatalogPush.objects.filter(pk=push.pk).update(state=PushState.DONE)
    assert notification_process(late.pk, 2) is None
    late.refresh_from_db()
    again = CatalogPush.objects.exclude(pk=push.pk).get()
    assert (late.state, late.push) == (NotificationState.PUSHED, again)
    assert notification_process(late.pk) is None  # processed once
    assert CatalogPush.objects.count() == 2


def test_the_set_up_page_shows_what_to_paste_and_rotates_only_for_a_writer(
    client, receiver, owner, member, outsider
):
    connection, setup = receiver
    page = reverse("acumatica:push-settings", args=[connection.pk])
    for person, status in [(member, 403), (outsider, 404)]:
        client.force_login(person)
        assert client.get(page).status_code == status
        assert client.post(page).status_code == status
    assert PushReceiver.objects.get(connection=connection).secret == setup["header_value"]
    client.force_login(owner)
    shown = client.get(page).content.decode()
    assert "None has arrived yet" in shown
    for value in setup.values():
        assert value in shown
    assert "ML-StockItems" in shown and "SM302000" in shown
    assert client.post(page).status_code == 302
    rotated = PushReceiver.objects.get(connection=connection).secret
    assert rotated != setup["header_value"] and rotated in client.get(page).content.decode()
    assert send(setup, notification("TENT-2P")).status_code == 401
    assert send(setup, notification("TENT-2P"), rotated).status_code == 200
    assert send(setup, b"{broken", rotated).status_code == 400
    listed = client.get(page).content.decode()
    assert "TENT-2P" in listed and "ML-StockItems" in listed and "not valid JSON" in listed
