"""The sandbox BC's webhook subscriptions over real HTTP, against a scripted subscriber: the
handshake before 201 (and a 400 with nothing created when it fails or times out), the fields,
three days on the sandbox clock, renewal by PATCH with If-Match and the handshake again, the
200 limit; the sender's debounce, batch per URL, body and headers, `collection` past the
threshold, its retry schedule, deletion after too many failures and on any other answer."""

import json
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from sandbox.business_central import clock, services
from sandbox.business_central.models import BcNotificationAttempt, BcSubscription
from sandbox.business_central.notify import delay_for_attempt
from tests.support.bc_sandbox import bc_session
from tests.support.scripted_server import Answer, ScriptedServer

pytestmark = [pytest.mark.django_db(transaction=True)]


class Subscriber:
    """Echoes the handshake's token (unless told otherwise); answers notifications with
    `status`; keeps what it was sent."""

    def __init__(self):
        self.server = ScriptedServer()
        self.server.route = self.route
        self.status = 202
        self.echo = True
        self.handshake_delay = 0.0
        self.handshakes: list = []
        self.notifications: list = []

    def route(self, seen):
        token = parse_qs(urlsplit(seen.path).query).get("validationToken")
        if token:
            self.handshakes.append(seen)
            body = token[0].encode() if self.echo else b"not the token"
            return Answer(200, body, {"Content-Type": "text/plain"}, delay=self.handshake_delay)
        self.notifications.append(seen)
        return Answer(self.status, {})

    @property
    def url(self) -> str:
        return f"{self.server.url}/hooks/bc"

    def bodies(self) -> list[dict]:
        return [json.loads(seen.body) for seen in self.notifications]


@pytest.fixture
def subscriber():
    subscriber = Subscriber()
    with subscriber.server:
        yield subscriber


def resource(bc, entity="items") -> str:
    return f"/api/v2.0/companies({bc.company.id})/{entity}"


def subscribe(bc, client, subscriber, entity="items", **extra):
    body = {"notificationUrl": subscriber.url, "resource": resource(bc, entity),
            "clientState": "state-1", **extra}  # fmt: skip
    return client.post(f"{bc.api_url}/subscriptions", json=body, timeout=20)


def test_a_subscription_is_created_after_the_handshake_for_three_days(bc, bc_client, subscriber):
    answer = subscribe(bc, bc_client, subscriber)
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert [s.method for s in subscriber.handshakes] == ["POST"]
    assert subscriber.handshakes[0].body == b""
    assert re.fullmatch(r"[0-9a-f]{32}", body["subscriptionId"])
    assert body["notificationUrl"] == subscriber.url and body["resource"] == resource(bc)
    assert body["clientState"] == "state-1" and body["@odata.etag"].startswith('W/"')
    for name in ("timestamp", "userId", "lastModifiedDateTime", "expirationDateTime"):
        assert name in body
    expires = BcSubscription.objects.get().expiration
    assert abs((expires - clock.now()) - timedelta(days=3)) < timedelta(seconds=30)
    listed = bc_client.get(f"{bc.api_url}/subscriptions", timeout=10).json()["value"]
    assert [s["subscriptionId"] for s in listed] == [body["subscriptionId"]]
    one = bc_client.get(f"{bc.api_url}/subscriptions('{body['subscriptionId']}')", timeout=10)
    assert one.status_code == 200 and one.json()["subscriptionId"] == body["subscriptionId"]


@pytest.mark.parametrize(
    "extra, message",
    [({"resource": "/api/v2.0/companies(00000000-0000-0000-0000-000000000001)/items"}, "company"),
     ({"resource": "/api/v2.0/companies({company})/purchaseOrders"}, "does not support"),
     ({"resource": "/api/v2.0/items"}, "not a supported"),
     ({"clientState": "x" * 2049}, "2048"),
     ({"notificationUrl": ""}, "notificationUrl")],
)  # fmt: skip
def test_a_subscription_bc_cannot_make_is_a_400_and_nothing_is_created(
    bc, bc_client, subscriber, extra, message
):
    if "resource" in extra:
        extra = {"resource": extra["resource"].replace("{company}", str(bc.company.id))}
    answer = subscribe(bc, bc_client, subscriber, **extra)
    assert answer.status_code == 400, answer.text
    assert message in answer.json()["error"]["message"]
    assert not BcSubscription.objects.exists() and not subscriber.handshakes


def test_a_failed_or_timed_out_handshake_is_a_400_and_nothing_is_created(bc, bc_client, subscriber):
    subscriber.echo = False
    answer = subscribe(bc, bc_client, subscriber)
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"]["code"] == "BadRequest_InvalidNotificationUrl"
    assert "validationToken" in answer.json()["error"]["message"]
    subscriber.echo = True
    services.faults_set(bc.environment, fault_handshake_timeout=1)
    answer = subscribe(bc, bc_client, subscriber)
    assert answer.status_code == 400 and "no answer within" in answer.json()["error"]["message"]
    assert not BcSubscription.objects.exists()
    assert BcNotificationAttempt.objects.filter(subscription_ref="handshake").count() == 2
    assert subscribe(bc, bc_client, subscriber).status_code == 201  # the fault is used up


def test_a_subscriber_slower_than_the_handshake_limit_is_refused(
    bc, bc_client, subscriber, settings
):
    settings.SANDBOX_BC_HANDSHAKE_SECONDS = 0.5
    subscriber.handshake_delay = 2
    answer = subscribe(bc, bc_client, subscriber)
    assert answer.status_code == 400, answer.text
    assert "no answer within 0.5 seconds" in answer.json()["error"]["message"]
    assert not BcSubscription.objects.exists()


def test_at_most_the_limit_of_subscriptions(bc, bc_client, subscriber, settings):
    settings.SANDBOX_BC_MAX_SUBSCRIPTIONS = 2
    assert subscribe(bc, bc_client, subscriber).status_code == 201
    assert subscribe(bc, bc_client, subscriber, "customers").status_code == 201
    answer = subscribe(bc, bc_client, subscriber, "salesInvoices")
    assert answer.status_code == 400 and "maximum number" in answer.json()["error"]["message"]


def test_renewal_needs_the_etag_runs_the_handshake_again_and_moves_the_expiry(
    bc, bc_client, subscriber
):
    created = subscribe(bc, bc_client, subscriber).json()
    url = f"{bc.api_url}/subscriptions('{created['subscriptionId']}')"
    services.clock_advance(2 * 86_400)
    bc_client = bc_session(bc)  # the first token expired meanwhile
    assert bc_client.patch(url, json={}, timeout=10).status_code == 400  # no If-Match
    stale = bc_client.patch(url, json={}, headers={"If-Match": 'W/"JzE7Jw=="'}, timeout=10)
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "Request_EntityChanged"
    renewed = bc_client.patch(url, json={}, headers={"If-Match": created["@odata.etag"]},
                              timeout=20)  # fmt: skip
    assert renewed.status_code == 200, renewed.text
    assert len(subscriber.handshakes) == 2
    assert renewed.json()["expirationDateTime"] > created["expirationDateTime"]
    assert renewed.json()["@odata.etag"] != created["@odata.etag"]
    subscriber.echo = False  # a renewal whose handshake fails keeps the old expiry
    failed = bc_client.patch(url, json={}, headers={"If-Match": "*"}, timeout=20)
    assert failed.status_code == 400
    assert bc_client.get(url, timeout=10).json()["expirationDateTime"] == \
        renewed.json()["expirationDateTime"]  # fmt: skip
    gone = bc_client.delete(url, headers={"If-Match": "*"}, timeout=10)
    assert gone.status_code == 204
    assert bc_client.get(url, timeout=10).status_code == 404


def change_items(bc, *numbers, price="10.00"):
    for number in numbers:
        services.item_set(bc.company, number, unit_price=price)


def test_notifications_wait_the_debounce_then_one_post_per_url_carries_every_subscription(
    bc, bc_client, subscriber
):
    items = subscribe(bc, bc_client, subscriber).json()
    customers = subscribe(bc, bc_client, subscriber, "customers").json()
    change_items(bc, "TENT-2P", "MUG-STEEL")
    change_items(bc, "TENT-2P", price="11.00")
    services.customer_set(bc.company, bc.customer_template, displayName="Renamed")
    assert services.notifications_send()["sent"] == 0  # within the 30 s debounce
    services.clock_advance(31)
    assert services.notifications_send()["sent"] == 1
    (seen,) = subscriber.notifications
    assert seen.method == "POST" and seen.headers["Content-Type"] == "application/json"
    assert seen.headers["clientRequestId"] == seen.headers["x-ms-correlation-id"]
    assert not seen.body.startswith(b"\xef\xbb\xbf")  # no BOM
    value = json.loads(seen.body)["value"]
    assert {n["subscriptionId"] for n in value} == {items["subscriptionId"],
                                                     customers["subscriptionId"]}  # fmt: skip
    for notification in value:
        assert set(notification) == {"subscriptionId", "clientState", "expirationDateTime",
                                     "resource", "changeType", "lastModifiedDateTime"}  # fmt: skip
        assert notification["clientState"] == "state-1"
        assert notification["changeType"] == "updated"
    tent = bc.items["TENT-2P"]
    assert sum(n["resource"] == f"api/v2.0/companies({bc.company.id})/items({tent})"
               for n in value) == 1  # two changes of one item: one notification  # fmt: skip
    assert len(value) == 3
    assert services.notifications_send()["sent"] == 0  # sent once
    assert len(subscriber.notifications) == 1


def test_more_changes_than_the_threshold_become_one_collection(bc, bc_client, subscriber, settings):
    settings.SANDBOX_BC_COLLECTION_AFTER = 2
    subscribe(bc, bc_client, subscriber)
    before = len(services.changes(bc.company, "items"))  # the items' creation: not notified
    change_items(bc, "TENT-2P", "MUG-STEEL", "STOVE-1")
    first = services.changes(bc.company, "items")[before].at
    services.clock_advance(31)
    services.notifications_send()
    (notification,) = subscriber.bodies()[0]["value"]
    assert notification["changeType"] == "collection"
    since = first - timedelta(milliseconds=50)
    stamp = since.strftime("%Y-%m-%dT%H:%M:%S.") + f"{since.microsecond // 1000:03d}Z"
    assert notification["resource"] == (
        f"api/v2.0/companies({bc.company.id})/items?$filter=lastModifiedDateTime%20gt%20{stamp}"
    )


def test_no_answer_408_429_and_5xx_are_retried_on_bcs_schedule_then_the_subscription_goes(
    bc, bc_client, subscriber
):
    assert [delay_for_attempt(n).total_seconds() / 60 for n in range(7)] == \
        [1, 1, 1, 10, 100, 1000, 1000]  # fmt: skip
    subscribe(bc, bc_client, subscriber)
    subscriber.status = 503
    change_items(bc, "TENT-2P")
    services.clock_advance(31)
    waits = []
    for attempt in range(1, 6):
        assert services.notifications_send()["retried"] == 1
        subscription = BcSubscription.objects.get()
        assert subscription.failed_attempts == attempt
        wait = subscription.next_attempt_at - clock.now()
        waits.append(round(wait.total_seconds() / 60))
        assert services.notifications_send()["sent"] + services.notifications_send()["retried"] == 0
        services.clock_advance(wait.total_seconds() + 1)
    assert waits == [1, 1, 10, 100, 1000]
    assert services.notifications_send()["deleted"] == 1  # the sixth failure: attempt 6 > 5
    assert not BcSubscription.objects.exists()
    assert len(subscriber.notifications) == 6
    assert BcNotificationAttempt.objects.filter(status=503).count() == 6


@pytest.mark.parametrize("status", [400, 401, 404, 410])
def test_any_other_answer_deletes_every_subscription_of_that_url(bc, bc_client, subscriber, status):
    subscribe(bc, bc_client, subscriber)
    subscribe(bc, bc_client, subscriber, "customers")
    subscriber.status = status
    change_items(bc, "TENT-2P")
    services.clock_advance(31)
    assert services.notifications_send()["deleted"] == 1
    assert not BcSubscription.objects.exists()  # the customers one too: same URL


def test_a_delivered_notification_is_not_sent_again_and_a_retry_carries_new_changes(
    bc, bc_client, subscriber
):
    subscribe(bc, bc_client, subscriber)
    subscriber.status = 429
    change_items(bc, "TENT-2P")
    services.clock_advance(31)
    services.notifications_send()
    change_items(bc, "MUG-STEEL")  # joins the retry
    subscriber.status = 200
    services.clock_advance(61)
    assert services.notifications_send()["sent"] == 1
    assert len(subscriber.bodies()[-1]["value"]) == 2
    assert BcSubscription.objects.get().failed_attempts == 0


def test_expired_subscriptions_are_deleted_at_the_next_run(bc, bc_client, subscriber):
    subscribe(bc, bc_client, subscriber)
    services.clock_advance(3 * 86_400 + 1)
    assert services.notifications_send()["expired"] == 1
    assert not BcSubscription.objects.exists()
