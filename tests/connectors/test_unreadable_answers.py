"""Malformed vendor answers become plain errors, never a crash: an unreadable Retry-After, a 2xx
or 3xx that is not JSON (on a job and on Test connection), JSON of the wrong shape, absurd
values. Each failed with a 500 or "Internal error (...)" before."""

from dataclasses import replace

import pytest
from django.urls import reverse

from audit.models import ApiCall
from connectors.http import MAX_SERVER_WAIT, ApiClient, Backoff
from sync.models import JobState
from tests.support.hostile_answers import Vendor, run_afresh
from tests.support.scripted_server import Answer
from tests.support.well_formed_answers import BIGCOMMERCE_ROUTES, ORDER, STORE, Route

BUDGET = f"bigcommerce:{STORE}"


def spoil(pattern: str, answer: Answer) -> Vendor:
    """The well-formed store with the route of `pattern` answering `answer`."""
    return Vendor([replace(r, answer=answer) if r.pattern == pattern else r for r in BIGCOMMERCE_ROUTES])  # fmt: skip


ORDER_ROUTE = r"^GET /stores/\w+/v2/orders/100$"
STORE_ROUTE = r"^GET /stores/\w+/v2/store$"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "value", ["Thu, 01 Jan 10000 00:00:00 GMT", "Mon, 99 Foo 2024 99:99:99 GMT", "1e309", "inf"]
)
def test_a_rate_limit_with_an_unreadable_retry_after_waits_and_retries(
    vendor_server, store_connection, value
):
    vendor_server.route = spoil(ORDER_ROUTE, Answer(429, {}, headers={"X-Retry-After": value}))
    job = run_afresh(store_connection, "order", "100", budgets=[BUDGET])
    assert job.state == JobState.PENDING, job.last_error
    assert job.last_error.startswith("BigCommerce answered 429"), job.last_error
    assert "Trying again at" in job.last_error


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("header", "value", "expected"),
    [
        ("Retry-After", "garbage", None),
        ("Retry-After", "Thu, 01 Jan 10000 00:00:00 GMT", None),
        ("Retry-After", "nan", None),
        ("Retry-After", "inf", MAX_SERVER_WAIT),
        ("Retry-After", "1e309", MAX_SERVER_WAIT),
        ("Retry-After", "-5", 0.0),
        ("Retry-After", "7", 7.0),
    ],
)
def test_retry_after_is_read_when_it_can_be_and_ignored_when_not(
    vendor_server, header, value, expected
):
    from connectors.bigcommerce.client import RULES

    vendor_server.answer(Answer(200, {}, headers={header: value}))
    client = ApiClient(rules=RULES, base_url=vendor_server.url, backoff=Backoff(0.01, 0.02))
    assert RULES.retry_after(client.get("x", operation="x.get")) == expected


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "answer",
    [
        Answer(
            200, b"<html><body>Down for maintenance</body></html>", {"Content-Type": "text/html"}
        ),
        Answer(200, b'{"id": 100, "status": "cut o'),
        Answer(301, b"<html>Moved</html>", {"Content-Type": "text/html"}),
        Answer(200, b"[" * 3000 + b"]" * 3000),
        Answer(200, b"\x00\x00\xff"),
    ],
)
def test_an_order_answer_that_is_not_json_is_retried_with_a_plain_message(
    vendor_server, store_connection, answer
):
    vendor_server.route = spoil(ORDER_ROUTE, answer)
    job = run_afresh(store_connection, "order", "100", budgets=[BUDGET])
    assert job.state == JobState.PENDING, job.last_error
    assert job.last_error.startswith(f"BigCommerce answered HTTP {answer.status} with a body that is not JSON")  # fmt: skip
    assert ApiCall.objects.filter(operation="order.get").exists()  # the answer is in the log


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("body", "says"),
    [
        (
            [ORDER],
            "BigCommerce answered GET v2/orders/100 with a list where an object was expected",
        ),
        ({**ORDER, "date_created": "not a date"}, "BigCommerce answered an order in a form"),
        ({**ORDER, "total_inc_tax": "1e400"}, "'1e400' is out of range"),
        ({**ORDER, "id": [100]}, "is not a record id"),
        ({**ORDER, "billing_address": "Sydney"}, "BigCommerce answered an order in a form"),
        ({k: v for k, v in ORDER.items() if k != "date_modified"}, "KeyError: 'date_modified'"),
        # The lines and ship-to addresses come inside the order (include=consignments...).
        ({**ORDER, "consignments": "shipping"}, "BigCommerce answered an order in a form"),
        ({**ORDER, "consignments": {"shipping": [{"line_items": []}]}}, "KeyError: 'id'"),
    ],
)
def test_an_order_of_the_wrong_shape_fails_with_a_plain_message(
    vendor_server, store_connection, body, says
):
    vendor_server.route = spoil(ORDER_ROUTE, Answer(200, body))
    job = run_afresh(store_connection, "order", "100", budgets=[BUDGET])
    assert job.state == JobState.FAILED, job.last_error
    assert says in job.last_error, job.last_error
    assert "API call log" in job.last_error


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "answer",
    [
        Answer(200, b"<html><body>Welcome to nginx</body></html>", {"Content-Type": "text/html"}),
        Answer(302, b"", {"Location": "https://login.example.com/"}),
        Answer(200, b"[1, 2, 3]"),
        Answer(200, b'{"a":' * 3000 + b"1" + b"}" * 3000),
    ],
)
def test_test_connection_says_the_store_answered_something_unreadable(
    client, owner, vendor_server, store_connection, answer
):
    """Through the admin's Test connection button: a message, not a 500."""
    vendor_server.route = spoil(STORE_ROUTE, answer)
    client.force_login(owner)
    url = reverse("admin:tenants_connection_test", args=[store_connection.pk])
    response = client.post(url, follow=True)
    assert response.status_code == 200
    shown = " ".join(str(m) for m in response.context["messages"])
    assert "BigCommerce answered" in shown, shown


@pytest.mark.django_db(transaction=True)
def test_a_nul_in_an_answers_headers_and_text_is_stored_replaced(vendor_server, store_connection):
    """PostgreSQL stores no U+0000: the audit row and the order keep U+FFFD instead."""
    body = {**ORDER, "customer_message": "Leave at\u0000the door"}
    vendor_server.route = spoil(ORDER_ROUTE, Answer(200, body, headers={"X-Request-Id": "a\x00b"}))
    job = run_afresh(store_connection, "order", "100", budgets=[BUDGET])
    assert job.state == JobState.SUCCEEDED, job.last_error
    call = ApiCall.objects.get(operation="order.get")
    assert call.response_headers["X-Request-Id"] == "a\ufffdb"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "answer",
    [
        Answer(422, [{"status": 422, "message": "Invalid\u0000field"}]),
        Answer(403, b"Forbidden\x00by policy", {"Content-Type": "text/plain"}),
    ],
)
def test_an_error_answer_quoting_a_nul_fails_the_job_with_it_replaced(
    vendor_server, store_connection, answer
):
    vendor_server.route = spoil(ORDER_ROUTE, answer)
    job = run_afresh(store_connection, "order", "100", budgets=[BUDGET])
    assert job.state == JobState.FAILED, job.last_error
    assert job.last_error.startswith(f"BigCommerce answered {answer.status}")
    assert "\ufffd" in job.last_error


ORDERS_ROUTE = r"^GET /stores/\w+/v2/orders$"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("orders", "says"),
    [
        ([{"id": 100}], "KeyError: 'date_modified'"),
        ([{**ORDER, "id": "9" * 70}], "is not a record id"),
        ([{**ORDER, "date_modified": 5}], "the list of changed orders in a form"),
    ],
)
def test_a_catch_up_poll_of_malformed_orders_fails_plainly(
    vendor_server, store_connection, orders, says
):
    from connectors.errors import UnreadableAnswer
    from sync.polling import orders_poll

    vendor_server.route = Vendor([Route(ORDERS_ROUTE, Answer(200, orders)), *BIGCOMMERCE_ROUTES])
    with pytest.raises(UnreadableAnswer, match=r"^BigCommerce answered") as refused:
        orders_poll(store_connection.pk)
    assert says in refused.value.message


@pytest.mark.django_db(transaction=True)
def test_the_webhook_check_records_malformed_hooks_plainly(vendor_server, store_connection):
    from connectors.bigcommerce.hooks import ensure_hooks
    from webhooks.destination import webhook_destination

    hooks = {"data": [{"id": 1, "destination": webhook_destination(store_connection)}]}  # no scope
    vendor_server.route = Vendor([Route(r"^GET /stores/\w+/v3/hooks$", Answer(200, hooks))])
    health = ensure_hooks(store_connection)
    assert health["error"].startswith("BigCommerce answered the store's webhooks in a form")
