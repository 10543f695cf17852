"""Hostile deliveries are refused with a plain 4xx, never a 500: a shared-secret header that is not
ASCII, a signed body nested deeper than any BigCommerce payload, a body over the size limit (also
when only its declared length says so, before a byte of it is read)."""

import json
from http.client import HTTPConnection
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from tests.webhooks.test_intake import signed_headers, stub
from webhooks.models import InboundEvent
from webhooks.services import MAX_BODY_BYTES, MAX_DEPTH
from webhooks.verification import SECRET_HEADER

pytestmark = pytest.mark.embedded  # on PostgreSQL and on SQLite

SECRET_META = f"HTTP_{SECRET_HEADER.upper().replace('-', '_')}"


def post(client, connection, body: bytes, **headers):
    url = reverse("webhook-bigcommerce", args=[connection.pk])
    return client.post(url, data=body, content_type="application/json", **headers)


def nested(payload: dict, depth: int) -> dict:
    """The payload with a value `depth` levels deep under data.extra."""
    value = 0
    for _ in range(depth):
        value = [value]
    return {**payload, "data": {**payload["data"], "extra": value}}


@pytest.mark.django_db
@pytest.mark.parametrize("presented", ["sécret", "秘密", "\u00ff" * 40])
def test_a_non_ascii_shared_secret_is_refused_401_not_a_crash(client, active, presented, settings):
    settings.DEBUG = True  # the traceback page would go to an anonymous caller
    body = json.dumps(stub(active)).encode()
    response = post(client, active, body, **{SECRET_META: presented})
    assert response.status_code == 401
    assert response.json() == {"error": "Signature verification failed."}
    assert InboundEvent.objects.count() == 0


@pytest.mark.django_db
def test_the_right_shared_secret_is_still_accepted(client, active):
    body = json.dumps(stub(active)).encode()
    assert post(client, active, body, **{SECRET_META: active.webhook_secret}).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 1000, 30_000])
def test_a_signed_body_nested_too_deep_is_refused_400(client, active, depth):
    body = json.dumps(nested(stub(active), 1)).encode()
    # Built as text: json.dumps itself cannot write 100,000 levels.
    body = body.replace(b"[0]", b"[" * depth + b"0" + b"]" * depth)
    response = post(client, active, body, **signed_headers(active.bc_client_secret, body))
    assert response.status_code == 400
    assert f"nested deeper than {MAX_DEPTH} levels" in response.json()["error"]
    assert InboundEvent.objects.count() == 0


@pytest.mark.django_db
def test_nesting_inside_strings_does_not_count(client, active):
    payload = {**stub(active), "note": "[[[[" * MAX_DEPTH + "{{{{" * MAX_DEPTH}
    body = json.dumps(nested(payload, MAX_DEPTH - 3)).encode()
    response = post(client, active, body, **signed_headers(active.bc_client_secret, body))
    assert response.status_code == 200, response.content


@pytest.mark.django_db
def test_a_signed_body_over_the_size_limit_is_refused_413(client, active):
    payload = {**stub(active), "padding": "x" * MAX_BODY_BYTES}
    body = json.dumps(payload).encode()
    response = post(client, active, body, **signed_headers(active.bc_client_secret, body))
    assert response.status_code == 413
    assert f"larger than {MAX_BODY_BYTES} bytes" in response.json()["error"]
    assert InboundEvent.objects.count() == 0


@pytest.mark.django_db
def test_a_body_just_under_the_limit_is_accepted(client, active):
    payload = {**stub(active), "padding": ""}
    room = MAX_BODY_BYTES - len(json.dumps(payload).encode())
    body = json.dumps({**payload, "padding": "x" * room}).encode()
    assert len(body) == MAX_BODY_BYTES
    response = post(client, active, body, **signed_headers(active.bc_client_secret, body))
    assert response.status_code == 200, response.content


@pytest.mark.django_db(transaction=True)
def test_a_declared_length_over_the_limit_is_refused_before_the_body_is_read(live_server, active):
    """Content-Length says 50 MB and nothing follows: the answer comes at once, not after a
    read that would wait for (or buffer) 50 MB."""
    url = urlsplit(live_server.url)
    http = HTTPConnection(url.hostname, url.port, timeout=10)
    http.putrequest("POST", reverse("webhook-bigcommerce", args=[active.pk]))
    http.putheader("Content-Type", "application/json")
    http.putheader("Content-Length", str(50 * 1024 * 1024))
    http.endheaders()
    response = http.getresponse()
    assert response.status == 413
    assert "larger than" in json.loads(response.read())["error"]
    http.close()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("splice", "says"),
    [
        ('"x": "\\ud800"', "unpaired surrogate"),
        ('"x": ["ok", {"k": "\\udfff\\ud800"}]', "unpaired surrogate"),
        ('"x": 1e999', "not valid JSON"),
        ('"x": NaN', "not valid JSON"),
        ('"x": -Infinity', "not valid JSON"),
        ('"scope": ["store/order/created"]', "Unknown scope"),
        ('"scope": {"a": 1}', "Unknown scope"),
        ('"data": {"type": "order", "id": "' + "9" * 65 + '"}', "not a BigCommerce record"),
        (
            '"scope": "store/customer/updated", "data": {"type": "' + "t" * 31 + '", "id": 1}',
            "not a BigCommerce record",
        ),
        ('"data": {"type": "order", "id": [' + "1," * 40 + "1]}", "not a BigCommerce record"),
    ],
)
def test_signed_json_that_cannot_be_stored_is_refused_400(client, active, splice, says):
    """Each of these failed the INSERT (jsonb, varchar) or the scope look-up with a 500."""
    body = (json.dumps(stub(active))[:-1] + ", " + splice + "}").encode()
    response = post(client, active, body, **signed_headers(active.bc_client_secret, body))
    assert response.status_code == 400, response.content
    assert says in response.json()["error"]
    assert InboundEvent.objects.count() == 0


@pytest.mark.django_db
def test_a_body_in_utf16_is_refused_400(client, active):
    body = json.dumps(stub(active)).encode("utf-16")
    response = post(client, active, body, **{SECRET_META: active.webhook_secret})
    assert response.status_code == 400
    assert "not UTF-8" in response.json()["error"]


@pytest.mark.django_db
def test_a_nul_in_a_header_is_stored_replaced_not_a_500(client, active):
    """Headers are kept for the record; jsonb cannot hold U+0000, so it is replaced."""
    body = json.dumps(stub(active)).encode()
    headers = {SECRET_META: active.webhook_secret, "HTTP_USER_AGENT": "curl\x00/8"}
    response = post(client, active, body, **headers)
    assert response.status_code == 200, response.content
    assert InboundEvent.objects.get().headers["user-agent"] == "curl\ufffd/8"
