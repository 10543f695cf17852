"""Fuzzing the webhook receiver over real HTTP: whatever arrives — random bytes, hostile JSON,
deep nesting, huge bodies, odd methods, encodings and header bytes, signed or not — the answer is
never a 5xx, and every event it stores is then handled by event_process (the body of the
process_events task) without an exception."""

import base64
import json
import os
import uuid
from datetime import UTC, datetime
from http.client import HTTPConnection
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from standardwebhooks import Webhook

from tenants.models import ConnectionStatus
from webhooks.models import EventState, InboundEvent
from webhooks.services import MAX_BODY_BYTES, MAX_DEPTH, event_process
from webhooks.verification import SECRET_HEADER

pytestmark = pytest.mark.embedded  # on PostgreSQL and on SQLite

FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", 150)),  # more for a deeper run by hand
    deadline=None,
    database=None,  # no example files in the checkout
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,  # one live server and connection for every example
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)

METHODS = ["GET", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD", "BREW"]
ENCODINGS = ["utf-8"] * 6 + ["utf-8-sig", "utf-16", "utf-32", "latin-1"]
EXTRA_HEADERS = [
    "User-Agent",
    "Accept",
    "X-Forwarded-For",
    "X-Request-Id",
    "Cookie",
    "Authorization",
]
SCOPES = ["store/order/created", "store/customer/updated", "store/hook/deliveryException"]
# JSON text a generator would not write but a sender could.
HOSTILE_VALUES = [
    "NaN", "Infinity", "-Infinity", "1e999", "-1e999", "1e-999", "-0", "9" * 5000, "9" * 4301,
    '"\\u0000"', '"\\ud800"', '"\\udfff\\ud800"', '"\\uDEAD"', '"x\\u0000y"', "[]", "{}", "null",
    "true", '"\\ud83d\\ude00"', '"' + "x" * 70 + '"', '"' + "9" * 65 + '"', "[" * 40 + "]" * 40, '"\\\\"',
]  # fmt: skip

json_leaves = (
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30)
)
json_values = st.recursive(
    json_leaves,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
header_bytes = st.binary(max_size=60).map(lambda b: b.replace(b"\r", b"").replace(b"\n", b""))


def stub(connection, scope="store/order/created") -> dict:
    return {
        "scope": scope,
        "store_id": "1001",
        "data": {"type": "order", "id": 101},
        "hash": "h" * 40,
        "created_at": 1_790_000_000,
        "producer": f"stores/{connection.store_hash}",
    }


@st.composite
def payload_text(draw, connection) -> str:
    """Webhook-shaped JSON: fields replaced by random values, or a hostile value spliced in, a
    value nested deep, or padding up to around the size limit."""
    payload = stub(connection, draw(st.sampled_from(SCOPES)))
    kind = draw(st.sampled_from(["hostile", "fields", "data", "deep", "padded"]))
    if kind == "fields":
        for key in draw(st.sets(st.sampled_from([*payload, "extra"]), min_size=1, max_size=2)):
            payload[key] = draw(json_values)
    elif kind == "data":
        payload["data"] |= draw(st.dictionaries(
            st.sampled_from(["id", "order_id", "type", "status"]), json_values, min_size=1
        ))  # fmt: skip
    text = json.dumps(payload, ensure_ascii=draw(st.booleans()))
    if kind == "hostile":
        where = draw(st.sampled_from(["top", "data", "list"]))
        value = draw(st.sampled_from(HOSTILE_VALUES))
        if where == "top":
            text = text[:-1] + f', "x": {value}}}'
        else:
            spliced = value if where == "data" else f"[1, {value}]"
            text = text.replace('"data": {', f'"data": {{"x": {spliced}, ', 1)
    elif kind == "deep":
        depth = draw(st.integers(MAX_DEPTH - 2, 20_000))
        opener = draw(st.sampled_from(["[", '{"a":']))
        closer = "]" if opener == "[" else "}"
        text = text[:-1] + f', "deep": {opener * depth}1{closer * depth}}}'
    elif kind == "padded":
        size = draw(st.integers(MAX_BODY_BYTES - 400, MAX_BODY_BYTES + 400))
        text = text[:-1] + f', "pad": "{"x" * max(0, size - len(text) - 10)}"}}'
    return text


@st.composite
def proven_delivery(draw, connection) -> dict:
    """A POST to the connection that passes the proof of origin, so its body reaches parsing."""
    text = draw(payload_text(connection))
    encoding = draw(st.sampled_from(ENCODINGS))
    body = text.encode(encoding, "surrogatepass" if encoding.startswith("utf") else "replace")
    headers = {"Content-Type": "application/json"}
    if draw(st.booleans()):
        headers |= signature_headers(connection.bc_client_secret, body)
    else:
        headers[SECRET_HEADER] = connection.webhook_secret
    for name in draw(st.sets(st.sampled_from(EXTRA_HEADERS), max_size=2)):
        headers[name] = draw(header_bytes)
    path = reverse("webhook-bigcommerce", args=[connection.pk])
    return {"method": "POST", "path": path, "headers": headers, "body": body}


@st.composite
def any_request(draw, connection) -> dict:
    """Anything on the wire: methods, paths, random bytes, header bytes, proofs good and bad."""
    if draw(st.booleans()):
        body = draw(st.binary(max_size=4096))
    else:
        body = draw(payload_text(connection)).encode("utf-8", "surrogatepass")
    headers = {"Content-Type": draw(st.sampled_from(
        ["application/json", "application/json; charset=utf-16", "text/plain", "", "\xff/\xfe"]
    ))}  # fmt: skip
    for name in draw(st.sets(st.sampled_from(EXTRA_HEADERS), max_size=3)):
        headers[name] = draw(header_bytes)
    proof = draw(st.sampled_from(["signed", "shared secret", "garbage", "none"]))
    if proof == "signed":
        headers |= signature_headers(connection.bc_client_secret, body)
    elif proof == "shared secret":
        headers[SECRET_HEADER] = connection.webhook_secret
    elif proof == "garbage":
        for name in draw(st.sets(st.sampled_from(
            ["webhook-id", "webhook-timestamp", "webhook-signature", SECRET_HEADER]
        ), min_size=1)):  # fmt: skip
            headers[name] = draw(header_bytes)
    path = draw(st.sampled_from([
        reverse("webhook-bigcommerce", args=[connection.pk]),
        reverse("webhook-bigcommerce", args=[uuid.uuid4()]),
        "/webhooks/bigcommerce/%ff%00/",
    ]))  # fmt: skip
    method = draw(st.sampled_from(["POST", *METHODS]))
    return {"method": method, "path": path, "headers": headers, "body": body}


def signature_headers(secret: str, body: bytes) -> dict:
    msg_id = f"msg_{uuid.uuid4().hex}"
    now = datetime.now(tz=UTC)
    text = body.decode("utf-8", "replace")  # a body that is not UTF-8 cannot be signed validly
    signature = Webhook(base64.b64encode(secret.encode()).decode()).sign(msg_id, now, text)
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": signature,
    }


def send(server_url: str, method: str, path: str, headers: dict, body: bytes) -> int:
    url = urlsplit(server_url)
    http = HTTPConnection(url.hostname, url.port, timeout=30)
    try:
        http.putrequest(method, path, skip_accept_encoding=True)
        for name, value in headers.items():
            http.putheader(name, value)
        http.putheader("Content-Length", str(len(body)))
        http.endheaders(body)
        response = http.getresponse()
        response.read()
        return response.status
    finally:
        http.close()


@pytest.fixture
def active(transactional_db, connection):
    connection.status = ConnectionStatus.ACTIVE
    connection.save()
    return connection


def fuzz(server_url: str, requests) -> list[int]:
    statuses = []

    @FUZZ
    @given(requests)
    def deliver(sent):
        status = send(server_url, **sent)
        assert status < 500, (sent["method"], sorted(sent["headers"]), sent["body"][:300])
        statuses.append(status)

    deliver()
    return statuses


def assert_every_stored_event_is_handled():
    for event in InboundEvent.objects.all():
        event_process(event.pk)
        event.refresh_from_db()
        assert event.state in (EventState.PROCESSED, EventState.IGNORED), event.payload


def test_proven_deliveries_with_hostile_bodies_never_get_a_5xx(live_server, active):
    statuses = fuzz(live_server.url, proven_delivery(active))
    assert {200, 400, 413} <= set(statuses)  # it reached storing and each refusal
    assert_every_stored_event_is_handled()


def test_anything_on_the_wire_never_gets_a_5xx(live_server, active):
    statuses = fuzz(live_server.url, any_request(active))
    assert {200, 400, 401, 404, 405} <= set(statuses)
    assert_every_stored_event_is_handled()
