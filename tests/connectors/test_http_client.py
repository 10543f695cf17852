"""The one client: retries, backoff, Retry-After, permanent failures, audit rows."""

import time

import pytest

from audit.models import ApiCall
from connectors.auth import StaticHeaderAuth
from connectors.errors import PermanentError, RateLimited, TransientError
from connectors.http import ApiClient, Backoff, RateBudget, VendorRules
from connectors.ratelimit import RatePolicy, Window, limiter
from tests.support.scripted_server import Answer, ScriptedServer

RULES = VendorRules(system="bigcommerce")


@pytest.fixture
def server():
    with ScriptedServer() as srv:
        yield srv


def client(server, **kwargs):
    kwargs.setdefault("backoff", Backoff(base=0.05, cap=0.2))
    return ApiClient(rules=RULES, base_url=server.url, **kwargs)


@pytest.mark.django_db
def test_success_is_recorded_with_timing_and_bodies(server, connection):
    server.answer(Answer(200, {"id": 7, "name": "Acme"}))
    response = client(server, connection=connection).post(
        "/v2/things", operation="things.create", json={"name": "Acme"}
    )
    assert response.json()["id"] == 7
    call = ApiCall.objects.get()
    assert (call.method, call.status_code, call.operation, call.attempt) == (
        "POST",
        200,
        "things.create",
        1,
    )
    assert call.url == f"{server.url}/v2/things"
    assert call.tenant_id == connection.tenant_id and call.connection_id == connection.pk
    assert '"name": "Acme"' in call.request_body and '"id": 7' in call.response_body


@pytest.mark.django_db
def test_5xx_is_retried_then_succeeds(server):
    server.answer(Answer(503), Answer(502), Answer(200, {"ok": True}))
    assert client(server).get("/x", operation="x.get").json() == {"ok": True}
    assert [c.status_code for c in ApiCall.objects.order_by("id")] == [503, 502, 200]
    assert [c.attempt for c in ApiCall.objects.order_by("id")] == [1, 2, 3]


@pytest.mark.django_db
def test_retries_exhausted_raise_transient_with_retry_after(server):
    server.answer(Answer(500, {"error": "boom"}))
    with pytest.raises(TransientError) as caught:
        client(server, max_attempts=2).get("/x", operation="x.get")
    assert caught.value.retry_after > 0
    assert len(server.seen) == 2


@pytest.mark.django_db
def test_retry_after_is_never_undercut(server):
    server.answer(Answer(429, headers={"Retry-After": "1"}), Answer(200))
    client(server).get("/x", operation="x.get")
    gap = server.seen[1].at - server.seen[0].at
    assert gap >= 1.0


@pytest.mark.django_db
def test_long_retry_after_goes_back_to_the_queue_not_to_sleep(server):
    server.answer(Answer(429, headers={"Retry-After": "120"}))
    started = time.monotonic()
    with pytest.raises(RateLimited) as caught:
        client(server).get("/x", operation="x.get")
    assert time.monotonic() - started < 2
    assert caught.value.retry_after >= 120
    assert len(server.seen) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("status", [400, 403, 404, 409, 422])
def test_other_4xx_fail_at_once_and_are_not_retried(server, status):
    server.answer(Answer(status, {"title": "nope"}))
    with pytest.raises(PermanentError) as caught:
        client(server).get("/x", operation="x.get")
    assert caught.value.status == status
    assert len(server.seen) == 1


@pytest.mark.django_db
def test_timeouts_and_refused_connections_are_transient_and_recorded(server):
    server.answer(Answer(200, delay=1.0))
    with pytest.raises(TransientError, match="did not answer"):
        client(server, timeout=(1, 0.2), max_attempts=1).get("/slow", operation="slow.get")
    call = ApiCall.objects.get()
    assert call.status_code is None and call.error_class in ("ReadTimeout", "ConnectionError")


@pytest.mark.django_db
def test_a_429_blocks_the_shared_budget_for_every_process(server):
    key = "test:shared-429"
    limiter().reset(key)
    budget = RateBudget(key=key, policy=RatePolicy(windows=(Window(1, 100),)))
    server.answer(Answer(429, headers={"Retry-After": "30"}))
    with pytest.raises(RateLimited):
        client(server, budget=budget).get("/x", operation="x.get")
    # Another client (another worker, another tenant) on the same budget now waits too.
    assert limiter().try_acquire(key, budget.policy) >= 25
    limiter().reset(key)


@pytest.mark.django_db
def test_secret_headers_are_redacted_in_the_audit_row(server):
    server.answer(Answer(200, {"access_token": "tok-in-response-123456"}))
    auth = StaticHeaderAuth({"X-Auth-Token": "static-token-abcdef"})
    client(server, auth=auth).get("/x?client_secret=zzzzzz123&page=2", operation="x.get")
    call = ApiCall.objects.get()
    assert call.request_headers["X-Auth-Token"] == "[redacted]"
    assert "static-token-abcdef" not in str(call.request_headers)
    assert "zzzzzz123" not in call.url and "page=2" in call.url
    assert "tok-in-response-123456" not in call.response_body
    assert server.seen[0].headers["X-Auth-Token"] == "static-token-abcdef"  # sent, just not kept
