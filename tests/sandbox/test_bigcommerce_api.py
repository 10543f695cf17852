"""The sandbox store answers as api.bigcommerce.com does, over real HTTP."""

import base64
import json
import re
import time
from decimal import Decimal
from email.utils import parsedate_to_datetime

import pytest
import requests
from django.utils import timezone
from standardwebhooks import Webhook

from sandbox.bigcommerce.delivery import attempt, emit
from sandbox.bigcommerce.models import BcDelivery, BcHook
from sandbox.bigcommerce.services import place_test_order, store_create
from tests.support.scripted_server import Answer, ScriptedServer

FOUR_DECIMALS = re.compile(r"^-?\d+\.\d{4}$")


@pytest.fixture
def store(db):
    return store_create("sbx1")


@pytest.fixture
def api(live_server, store):
    base = f"{live_server.url}/sandbox/bigcommerce/stores/{store.store_hash}"

    def call(method, path, **kwargs):
        headers = {
            "X-Auth-Token": store.access_token,
            "Accept": "application/json",
            **kwargs.pop("headers", {}),
        }
        return requests.request(method, f"{base}/{path}", headers=headers, timeout=10, **kwargs)

    return call


def test_a_missing_or_wrong_token_is_401_in_each_versions_error_shape(api):
    v2 = api("GET", "v2/orders", headers={"X-Auth-Token": "wrong"})
    assert v2.status_code == 401 and v2.json()[0]["status"] == 401
    v3 = api("GET", "v3/customers", headers={"X-Auth-Token": ""})
    assert v3.status_code == 401 and {"status", "title", "type"} <= set(v3.json())


def test_a_v2_order_has_string_money_rfc2822_dates_and_links(api, store):
    order = place_test_order(store, items=[("TENT-2P", 2), ("JACKET-M", 1)])
    body = api("GET", f"v2/orders/{order.pk}").json()
    for field in (
        "subtotal_ex_tax",
        "total_inc_tax",
        "total_tax",
        "shipping_cost_ex_tax",
        "discount_amount",
    ):
        assert FOUR_DECIMALS.match(body[field]), field
    assert parsedate_to_datetime(body["date_created"]).tzinfo is not None
    assert body["products"]["resource"] == f"/orders/{order.pk}/products"
    assert body["shipping_addresses"]["url"].endswith(f"/orders/{order.pk}/shippingaddresses")
    assert body["status_id"] == 11 and body["status"] == "Awaiting Fulfillment"
    # (349 x 2 + 199) + 10 shipping, + 10 % GST
    assert Decimal(body["total_ex_tax"]) == Decimal("907.0000")
    assert Decimal(body["total_inc_tax"]) == Decimal("997.7000")
    products = api("GET", f"v2/orders/{order.pk}/products").json()
    assert [(p["sku"], p["quantity"]) for p in products] == [("TENT-2P", 2), ("JACKET-M", 1)]
    assert FOUR_DECIMALS.match(products[0]["price_ex_tax"])
    shipping = api("GET", f"v2/orders/{order.pk}/shipping_addresses").json()
    assert shipping[0]["country_iso2"] == "AU" and shipping[0]["zip"]


def test_v2_lists_page_and_end_with_204(api, store):
    for _ in range(5):
        place_test_order(store, items=[("MUG-STEEL", 1)])
    first = api("GET", "v2/orders", params={"limit": 2, "page": 1, "sort": "date_modified:asc"})
    assert first.status_code == 200 and len(first.json()) == 2
    third = api("GET", "v2/orders", params={"limit": 2, "page": 3})
    assert len(third.json()) == 1
    past = api("GET", "v2/orders", params={"limit": 2, "page": 4})
    assert past.status_code == 204 and past.content == b""
    assert api("GET", "v2/orders", params={"page": 0}).status_code == 400


def test_orders_filter_by_modification_date(api, store):
    old = place_test_order(store, items=[("MUG-STEEL", 1)])
    body = api("GET", f"v2/orders/{old.pk}").json()
    later = api("GET", "v2/orders", params={"min_date_modified": body["date_modified"]}).json()
    assert old.pk in [o["id"] for o in later]
    none = api("GET", "v2/orders", params={"min_date_modified": "2999-01-01T00:00:00Z"})
    assert none.status_code == 204
    assert api("GET", "v2/orders/999999").status_code == 404


def test_v3_customers_filter_and_envelope(api, store):
    ada = store.customers.get(email="ada@example.com")
    body = api("GET", "v3/customers", params={"id:in": ada.pk, "include": "addresses"}).json()
    assert [c["email"] for c in body["data"]] == ["ada@example.com"]
    assert body["data"][0]["addresses"][0]["country_code"] == "AU"
    assert body["meta"]["pagination"]["total"] == 1
    by_email = api(
        "GET", "v3/customers", params={"email:in": "grace@example.com,alan@example.com"}
    ).json()
    assert len(by_email["data"]) == 2
    missing = api("POST", "v3/customers", json=[{"email": "x@example.com"}])
    assert missing.status_code == 422 and "errors" in missing.json()


def test_transactions_refunds_and_sku_lookup(api, store):
    order = place_test_order(store, items=[("STOVE-1", 1)])
    tx = api("GET", f"v3/orders/{order.pk}/transactions").json()["data"]
    assert tx[0]["event"] == "purchase" and tx[0]["order_id"] == str(order.pk)
    order.transactions.all().delete()
    assert api("GET", f"v3/orders/{order.pk}/transactions").status_code == 204
    assert api("GET", f"v3/orders/{order.pk}/payment_actions/refunds").json()["data"] == []
    variant = api("GET", "v3/catalog/variants", params={"sku": "JACKET-L"}).json()["data"]
    assert len(variant) == 1 and variant[0]["sku"] == "JACKET-L"
    # A product with options is sold only as its option combinations, never as the bare product.
    assert api("GET", "v3/catalog/variants", params={"sku": "JACKET"}).json()["data"] == []
    assert api("GET", "v3/catalog/variants", params={"sku": "TENT-2P"}).json()["data"]


def test_rate_limit_headers_and_429_when_the_quota_is_spent(api, store):
    store.quota = 3
    store.save()
    # The quota holds per 30-second window of the clock: four calls straddling a window's end
    # would get a fresh quota (CI saw four 200s once). Start near a window's beginning.
    into_window = int(time.time() * 1000) % store.window_ms
    if into_window > store.window_ms - 10_000:
        time.sleep((store.window_ms - into_window) / 1000 + 0.1)
    answers = [api("GET", "v2/store") for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[0].headers["X-Rate-Limit-Requests-Quota"] == "3"
    assert answers[1].headers["X-Rate-Limit-Requests-Left"] == "1"
    assert int(answers[3].headers["X-Rate-Limit-Time-Reset-Ms"]) <= 30_000
    assert "X-Retry-After" in answers[3].headers


def test_hooks_crud_allows_one_hook_per_scope_and_destination(api):
    hook = {
        "scope": "store/order/created",
        "destination": "https://example.com/hook",
        "headers": {"X-A": "1"},
    }
    created = api("POST", "v3/hooks", json=hook).json()["data"]
    assert created["is_active"] is True and created["headers"] == {"X-A": "1"}
    assert api("POST", "v3/hooks", json=hook).status_code == 422
    assert api("PUT", f"v3/hooks/{created['id']}", json={}).status_code == 422
    updated = api("PUT", f"v3/hooks/{created['id']}", json={"is_active": False}).json()["data"]
    assert updated["is_active"] is False
    listed = api("GET", "v3/hooks", params={"is_active": "false"}).json()["data"]
    assert [h["id"] for h in listed] == [created["id"]]
    assert api("DELETE", f"v3/hooks/{created['id']}").status_code == 200
    assert api("GET", f"v3/hooks/{created['id']}").status_code == 404


@pytest.mark.django_db
def test_a_delivery_is_signed_with_the_client_secret_and_carries_the_hook_headers(store):
    with ScriptedServer() as receiver:
        BcHook.objects.create(store=store, client_id=store.client_id, scope="store/order/*",
                              destination=f"{receiver.url}/in", headers={"X-Shared": "s3"})  # fmt: skip
        (delivery,) = emit(store, "store/order/created", {"type": "order", "id": 5})
        assert attempt(delivery.pk) is None
        seen = receiver.seen[0]
    payload = Webhook(base64.b64encode(store.client_secret.encode()).decode()).verify(
        seen.body, {k.lower(): v for k, v in seen.headers.items()}
    )
    assert payload["data"] == {"type": "order", "id": 5} and payload["producer"] == "stores/sbx1"
    assert seen.headers["X-Shared"] == "s3"
    assert BcDelivery.objects.get().state == "delivered"


@pytest.mark.django_db
def test_failures_retry_with_the_same_event_then_deactivate_the_hook(store, settings):
    settings.SANDBOX_BC_RETRY_SCHEDULE = [1, 2]
    with ScriptedServer() as receiver:
        receiver.answer(Answer(500))
        hook = BcHook.objects.create(store=store, client_id=store.client_id,
                                     scope="store/order/created", destination=f"{receiver.url}/in")  # fmt: skip
        (delivery,) = emit(store, "store/order/created", {"type": "order", "id": 6})
        waits = []
        for _ in range(3):
            waits.append(attempt(delivery.pk))
            # The retry's time comes (attempt() sends only a delivery that is due).
            BcDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
        bodies = {s.body for s in receiver.seen}
        ids = {s.headers["webhook-id"] for s in receiver.seen}
    assert waits == [1, 2, None]
    assert len(bodies) == 1 and len(ids) == 1  # the same event, hash included, each time
    assert json.loads(bodies.pop())["hash"]
    hook.refresh_from_db()
    assert hook.is_active is False and BcDelivery.objects.get().state == "abandoned"
    assert (
        emit(store, "store/order/created", {"type": "order", "id": 7}) == []
    )  # inactive: nothing sent
