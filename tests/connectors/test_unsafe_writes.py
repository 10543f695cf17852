"""A request that creates something is never sent again blindly: after an ambiguous failure (no
answer, or a 5xx/408/425) of a POST or PATCH the client raises AmbiguousWrite and the job's next
attempt starts with the look-up. Definite refusals (a rate-limit answer, a 401 once) and safe
methods are still retried in place, and so is a write that carries the vendor's idempotency key."""

import pytest
from django.test import override_settings

from audit.models import ApiCall
from connectors.errors import AmbiguousWrite, TransientError
from connectors.http import ApiClient, Backoff, VendorRules
from tests.support.scripted_server import Answer, ScriptedServer

RULES = VendorRules(system="bigcommerce")
KEYED = VendorRules(system="bigcommerce", idempotency_header="Idempotency-Key")
SLOW = Answer(201, {"id": 7}, delay=1.0)  # the vendor did the work, but answers too late


@pytest.fixture
def server():
    with ScriptedServer() as srv:
        yield srv


def client(server, rules=RULES, **kwargs):
    kwargs.setdefault("backoff", Backoff(base=0.05, cap=0.2))
    kwargs.setdefault("timeout", (1, 0.3))
    return ApiClient(rules=rules, base_url=server.url, **kwargs)


@pytest.mark.django_db
def test_a_post_that_times_out_is_sent_once_and_raises_ambiguous_write(server):
    server.answer(SLOW)
    with pytest.raises(AmbiguousWrite) as caught:
        client(server).post("/v2/invoices", operation="invoice.create", json={"n": 1})
    assert [s.method for s in server.seen] == ["POST"]
    assert isinstance(caught.value, TransientError)  # the job tries again later…
    message = caught.value.message
    # …and says so in plain words: not confirmed, looked up before the next try.
    assert "did not confirm" in message and "looks it up" in message, message
    assert ApiCall.objects.get().error_class == "ReadTimeout"


@pytest.mark.django_db
@pytest.mark.parametrize("status", [500, 502, 503, 504, 408, 425])
def test_a_post_or_patch_answered_with_a_retry_status_is_sent_once(server, status):
    server.answer(Answer(status, {"title": "try later"}), Answer(201, {"id": 7}))
    with pytest.raises(AmbiguousWrite) as caught:
        client(server).post("/v2/invoices", operation="invoice.create", json={"n": 1})
    assert caught.value.status == status
    server.answer(Answer(status), Answer(200, {"id": 7}))
    with pytest.raises(AmbiguousWrite):
        client(server).patch("/v2/invoices/7", operation="invoice.patch", json={"n": 2})
    assert [s.method for s in server.seen] == ["POST", "PATCH"]


@pytest.mark.django_db
def test_a_get_that_times_out_is_retried_in_place(server):
    server.answer(SLOW, Answer(200, {"id": 7}))
    assert client(server).get("/v2/invoices/7", operation="invoice.get").json() == {"id": 7}
    assert [s.method for s in server.seen] == ["GET", "GET"]


@pytest.mark.django_db
def test_a_put_answered_503_is_retried_in_place(server):
    """PUT replaces the whole record: sending it twice leaves the same record (idempotent)."""
    server.answer(Answer(503), Answer(200, {"id": 7}))
    client(server).put("/v2/invoices/7", operation="invoice.update", json={"n": 1})
    assert [s.method for s in server.seen] == ["PUT", "PUT"]


@pytest.mark.django_db
def test_a_post_refused_by_the_rate_limit_is_retried_in_place(server):
    """A 429 is a definite refusal: the vendor did nothing, so sending again is safe."""
    server.answer(Answer(429, headers={"Retry-After": "0"}), Answer(201, {"id": 7}))
    response = client(server).post("/v2/invoices", operation="invoice.create", json={"n": 1})
    assert response.json() == {"id": 7}
    assert [s.method for s in server.seen] == ["POST", "POST"]


@pytest.mark.django_db
def test_a_post_with_the_vendors_idempotency_key_is_retried_with_the_same_key(server):
    server.answer(Answer(503), SLOW, Answer(201, {"id": 7}))
    response = client(server, KEYED).post(
        "/v2/invoices", operation="invoice.create", json={"n": 1}, idempotency_key="order-1001"
    )
    assert response.json() == {"id": 7}
    assert [s.headers.get("Idempotency-Key") for s in server.seen] == ["order-1001"] * 3


@pytest.mark.django_db
def test_only_an_idempotency_key_makes_a_post_repeatable(server):
    """A key the vendor does not honour (no header in its rules) proves nothing: still sent once."""
    server.answer(Answer(503), Answer(201, {"id": 7}))
    with pytest.raises(AmbiguousWrite):
        client(server).post(
            "/v2/invoices", operation="invoice.create", json={}, idempotency_key="order-1001"
        )
    assert len(server.seen) == 1


@pytest.mark.django_db
def test_the_read_timeout_is_a_setting():
    with override_settings(HTTP_READ_TIMEOUT=0.25):
        assert ApiClient(rules=RULES, base_url="http://127.0.0.1/").timeout[1] == 0.25
