"""The receiver: proof of origin, bad input refused, nothing processed, redeliveries harmless."""

import base64
import json
import time
import uuid

import pytest
from django.urls import reverse
from standardwebhooks import Webhook

from tenants.models import ConnectionStatus
from webhooks.models import EventState, InboundEvent
from webhooks.verification import SECRET_HEADER

pytestmark = pytest.mark.embedded  # on PostgreSQL and on the README's default, SQLite


def stub(connection, order_id=101, scope="store/order/created", **extra):
    return {
        "scope": scope,
        "store_id": "1001",
        "data": {"type": "order", "id": order_id},
        "hash": f"h{order_id:040d}"[:40],
        "created_at": 1_790_000_000 + order_id,
        "producer": f"stores/{connection.store_hash}",
        **extra,
    }


def signed_headers(secret: str, body: bytes, *, msg_id=None, timestamp=None) -> dict:
    from datetime import UTC, datetime

    msg_id = msg_id or f"msg_{uuid.uuid4().hex}"
    when = datetime.fromtimestamp(timestamp or time.time(), tz=UTC)
    signature = Webhook(base64.b64encode(secret.encode()).decode()).sign(
        msg_id, when, body.decode()
    )
    return {
        "HTTP_WEBHOOK_ID": msg_id,
        "HTTP_WEBHOOK_TIMESTAMP": str(int(when.timestamp())),
        "HTTP_WEBHOOK_SIGNATURE": signature,
    }


def post(client, connection, body: bytes, **headers):
    url = reverse("webhook-bigcommerce", args=[connection.pk])
    return client.post(url, data=body, content_type="application/json", **headers)


@pytest.mark.django_db
def test_signed_delivery_is_stored_and_dispatched(
    client, active, django_capture_on_commit_callbacks
):
    body = json.dumps(stub(active)).encode()
    with django_capture_on_commit_callbacks() as callbacks:
        response = post(client, active, body, **signed_headers(active.bc_client_secret, body))
    assert response.status_code == 200
    event = InboundEvent.objects.get()
    assert (event.scope, event.resource_type, event.resource_id) == (
        "store/order/created",
        "order",
        "101",
    )
    assert event.state == EventState.DISPATCHED and len(callbacks) == 1
    assert event.headers["webhook-signature"] == "[redacted]"
    assert event.headers["x-verified-by"] == "signature"


@pytest.mark.django_db
def test_the_shared_secret_header_is_the_fallback(client, active):
    body = json.dumps(stub(active)).encode()
    response = post(
        client,
        active,
        body,
        **{f"HTTP_{SECRET_HEADER.upper().replace('-', '_')}": active.webhook_secret},
    )
    assert response.status_code == 200
    assert InboundEvent.objects.get().headers["x-verified-by"] == "shared-secret"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "case",
    [
        "no signature",
        "wrong secret",
        "tampered body",
        "stale timestamp",
        "future timestamp",
        "wrong shared secret",
    ],
)
def test_bad_proof_is_refused_with_401_and_nothing_stored(client, active, case, caplog):
    body = json.dumps(stub(active)).encode()
    headers = signed_headers(active.bc_client_secret, body)
    if case == "no signature":
        headers = {}
    elif case == "wrong secret":
        headers = signed_headers("not-the-client-secret", body)
    elif case == "tampered body":
        body = json.dumps(stub(active, order_id=999)).encode()
    elif case == "stale timestamp":
        headers = signed_headers(active.bc_client_secret, body, timestamp=time.time() - 600)
    elif case == "future timestamp":
        headers = signed_headers(active.bc_client_secret, body, timestamp=time.time() + 600)
    elif case == "wrong shared secret":
        headers = {f"HTTP_{SECRET_HEADER.upper().replace('-', '_')}": "guess"}
    response = post(client, active, body, **headers)
    assert response.status_code == 401
    assert InboundEvent.objects.count() == 0
    assert any("bad signature" in r.getMessage() for r in caplog.records)  # the security audit line


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"{not json", "not valid JSON"),
        (b"[1, 2]", "Expected a BigCommerce webhook"),
        (None, "Unknown scope"),
    ],
)
def test_malformed_bodies_are_refused_with_400(client, active, body, message):
    if body is None:
        body = json.dumps(stub(active, scope="store/unknown/thing")).encode()
    response = post(client, active, body, **signed_headers(active.bc_client_secret, body))
    assert response.status_code == 400
    assert message in response.json()["error"]
    assert InboundEvent.objects.count() == 0


@pytest.mark.django_db
def test_another_stores_delivery_is_refused(client, active):
    body = json.dumps({**stub(active), "producer": "stores/someoneelse"}).encode()
    response = post(client, active, body, **signed_headers(active.bc_client_secret, body))
    assert response.status_code == 400 and InboundEvent.objects.count() == 0


@pytest.mark.django_db
def test_unknown_connection_is_404(client, active):
    body = json.dumps(stub(active)).encode()
    url = reverse("webhook-bigcommerce", args=[uuid.uuid4()])
    assert client.post(url, data=body, content_type="application/json").status_code == 404


@pytest.mark.django_db
def test_a_redelivery_is_a_no_op_that_still_answers_200(
    client, active, django_capture_on_commit_callbacks
):
    body = json.dumps(stub(active)).encode()
    with django_capture_on_commit_callbacks() as callbacks:
        for _ in range(3):
            assert (
                post(
                    client, active, body, **signed_headers(active.bc_client_secret, body)
                ).status_code
                == 200
            )
    assert InboundEvent.objects.count() == 1 and len(callbacks) == 1


@pytest.mark.django_db
def test_two_events_about_one_order_are_both_kept(client, active):
    for scope in ("store/order/created", "store/order/updated"):
        body = json.dumps(stub(active, scope=scope)).encode()
        post(client, active, body, **signed_headers(active.bc_client_secret, body))
    assert InboundEvent.objects.count() == 2


@pytest.mark.django_db
def test_a_paused_connection_stores_but_does_not_process(
    client, connection, django_capture_on_commit_callbacks
):
    connection.status = ConnectionStatus.PAUSED
    connection.save()
    body = json.dumps(stub(connection)).encode()
    with django_capture_on_commit_callbacks() as callbacks:
        assert (
            post(
                client, connection, body, **signed_headers(connection.bc_client_secret, body)
            ).status_code
            == 200
        )
    assert InboundEvent.objects.get().state == EventState.RECEIVED and callbacks == []


@pytest.mark.django_db
def test_get_is_not_allowed(client, active):
    assert client.get(reverse("webhook-bigcommerce", args=[active.pk])).status_code == 405


@pytest.fixture
def broker_down():
    """Point the Celery app at a port nothing listens on, for this test only."""
    from config.celery import app

    original, options = app.conf.broker_url, app.conf.broker_transport_options
    _reset_pools(app)
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    app.conf.broker_transport_options = {**app.conf.broker_transport_options, "max_retries": 1}
    yield
    _reset_pools(app)
    app.conf.broker_url, app.conf.broker_transport_options = original, options
    _reset_pools(app)  # later tests get fresh pools on the real broker


def _reset_pools(app):
    """Close and forget the broker pools. kombu keeps pools in a global registry keyed by the
    connection URL, so it must be reset too, or the closed pool comes back ('closed pool')."""
    from kombu import pools

    app.pool.force_close_all()
    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


@pytest.mark.django_db(transaction=True)
def test_a_broker_outage_loses_nothing(client, active, broker_down, caplog):
    from datetime import timedelta

    from django.utils import timezone

    from webhooks.handover import handover
    from webhooks.services import stuck_event_ids

    body = json.dumps(stub(active)).encode()
    response = post(client, active, body, **signed_headers(active.bc_client_secret, body))
    assert response.status_code == 200  # BigCommerce is told yes: the event is stored
    handover.flush()  # the batch goes now, to the broker that is down
    assert any("broker unavailable" in r.getMessage() for r in caplog.records)
    event = InboundEvent.objects.get()
    assert event.state == EventState.DISPATCHED
    InboundEvent.objects.filter(pk=event.pk).update(
        dispatched_at=timezone.now() - timedelta(minutes=6)
    )
    assert stuck_event_ids() == [event.pk]  # the sweeper sends it again once the broker is back


@pytest.mark.django_db
def test_a_nul_character_is_refused_with_400_not_a_server_error(client, active):
    # PostgreSQL's jsonb cannot hold U+0000: storing it failed with a 500 on every redelivery.
    body = json.dumps(stub(active, store_id="1001\u0000")).encode()
    response = post(client, active, body, **signed_headers(active.bc_client_secret, body))
    assert response.status_code == 400
    assert "NUL" in response.json()["error"]
    assert InboundEvent.objects.count() == 0
