"""The sandbox store's Inventory API over real HTTP: stock per location, BigCommerce's refusals
in its own words (application/problem+json), the catalog showing the default location only, and
one inventory write at a time per store."""

import threading

import pytest
import requests

from sandbox.bigcommerce.inventory import location_add
from sandbox.bigcommerce.models import BcProduct, BcStock, BcVariant
from sandbox.bigcommerce.services import store_create

pytestmark = pytest.mark.embedded


@pytest.fixture
def store(db):
    store = store_create("inv1", quota=100_000)
    location_add(store, "SHOPFRONT", "Shopfront")
    return store


@pytest.fixture
def api(live_server, store):
    base = f"{live_server.url}/sandbox/bigcommerce/stores/{store.store_hash}/v3"

    def call(method, path, **kwargs):
        headers = {"X-Auth-Token": store.access_token, "Accept": "application/json"}
        return requests.request(method, f"{base}/{path}", headers=headers, timeout=20, **kwargs)

    return call


@pytest.fixture
def ids(store):
    return {
        "tent": BcProduct.objects.get(store=store, sku="TENT-2P").pk,
        "tent_base": BcVariant.objects.get(product__store=store, sku="TENT-2P").pk,
        "jacket": BcProduct.objects.get(store=store, sku="JACKET").pk,
        "small": BcVariant.objects.get(product__store=store, sku="JACKET-S").pk,
    }


def absolute(api, items, reason="count"):
    return api("PUT", "inventory/adjustments/absolute", json={"reason": reason, "items": items})


def test_levels_per_location_and_the_catalog_shows_the_default_one(api, ids):
    answer = absolute(api, [
        {"location_id": 1, "product_id": ids["tent"], "quantity": 7},
        {"location_id": 2, "product_id": ids["tent"], "quantity": 3},
        {"location_id": 1, "variant_id": ids["small"], "quantity": 11},
        {"location_id": 2, "sku": "JACKET-S", "quantity": 4},
    ])  # fmt: skip
    assert answer.status_code == 200, answer.text
    assert answer.json()["transaction_id"]
    tent = api("GET", f"catalog/products/{ids['tent']}").json()["data"]
    assert tent["inventory_level"] == 7
    jacket = api("GET", f"catalog/products/{ids['jacket']}?include=variants").json()["data"]
    assert jacket["variants"][0]["inventory_level"] == 11
    assert jacket["inventory_level"] == 11 + 50 + 50  # tracked by variant: the variants' sum
    items = api("GET", "inventory/items", params={"product_id:in": ids["tent"]}).json()["data"]
    [tent_item] = items
    assert tent_item["identity"] == {"sku": "TENT-2P", "variant_id": ids["tent_base"],
                                     "product_id": ids["tent"]}  # fmt: skip
    assert [(x["location_id"], x["location_code"], x["total_inventory_onhand"])
            for x in tent_item["locations"]] == [(1, "BC-LOCATION-1", 7), (2, "SHOPFRONT", 3)]  # fmt: skip
    shop = api("GET", "inventory/locations/2/items", params={"sku:in": "JACKET-S,TENT-2P"})
    assert {(x["identity"]["sku"], x["available_to_sell"]) for x in shop.json()["data"]} == {
        ("TENT-2P", 3), ("JACKET-S", 4),
    }  # fmt: skip
    assert api("GET", "inventory/locations/9/items").status_code == 404
    locations = api("GET", "inventory/locations").json()["data"]
    assert [(x["id"], x["code"], x["is_default"]) for x in locations] == [
        (1, "BC-LOCATION-1", True), (2, "SHOPFRONT", False),
    ]  # fmt: skip


def test_an_item_named_the_other_way_round_from_its_tracking_is_refused_whole(api, ids, store):
    answer = absolute(api, [
        {"location_id": 1, "product_id": ids["tent"], "quantity": 9},
        {"location_id": 1, "variant_id": ids["tent_base"], "quantity": 5},
    ])  # fmt: skip
    assert answer.status_code == 422
    assert answer.headers["Content-Type"] == "application/problem+json"
    assert answer.json()["title"] == (
        f"[Item with variant_id {ids['tent_base']} is tracked by product, "
        "please update stock by product id]"
    )
    by_product = absolute(api, [{"location_id": 1, "product_id": ids["jacket"], "quantity": 1}])
    assert "is tracked by variant, please update stock by variant id" in by_product.json()["title"]
    # Nothing of a refused adjustment is applied.
    assert (
        BcStock.objects.get(product_id=ids["tent"], variant=None, location__location_id=1).quantity
        == 100
    )


@pytest.mark.parametrize(
    ("item", "field"),
    [
        ({"location_id": 1, "sku": "TENT-2P", "product_id": 1, "quantity": 1}, "items.0"),
        ({"location_id": 1, "quantity": 1}, "items.0"),
        ({"location_id": 1, "sku": "TENT-2P", "quantity": 2_147_483_648}, "items.0.quantity"),
        ({"location_id": 1, "sku": "TENT-2P", "quantity": -1}, "items.0.quantity"),
        ({"sku": "TENT-2P", "quantity": 1}, "items.0.location_id"),
        ({"location_id": 1, "sku": "TENT-2P", "quantity": "3"}, "items.0.quantity"),
    ],
)
def test_malformed_items_are_refused(api, item, field):
    answer = absolute(api, [item])
    assert answer.status_code == 422
    assert field in answer.json()["errors"], answer.json()


def test_unknown_items_and_locations_and_too_many_items_are_refused(api, ids):
    unknown = absolute(api, [{"location_id": 1, "sku": "NOPE", "quantity": 1}])
    assert unknown.status_code == 422 and "NOPE" in unknown.json()["title"]
    nowhere = absolute(api, [{"location_id": 7, "sku": "TENT-2P", "quantity": 1}])
    assert nowhere.status_code == 422 and "7" in nowhere.json()["title"]
    many = [{"location_id": 1, "sku": "TENT-2P", "quantity": 1}] * 2001
    assert absolute(api, many).status_code == 422
    assert absolute(api, many[:2000]).status_code == 200


def test_a_relative_adjustment_needs_an_absolute_one_first(api, ids):
    relative = {
        "reason": "sold",
        "items": [{"location_id": 2, "product_id": ids["tent"], "quantity": -2}],
    }
    refused = api("POST", "inventory/adjustments/relative", json=relative)
    assert refused.status_code == 422
    assert refused.json()["title"] == (
        f"Items with identity: [product_id {ids['tent']}] requires absolute adjustment before relative"
    )
    assert absolute(api, [{"location_id": 2, "product_id": ids["tent"], "quantity": 10}]).ok
    assert api("POST", "inventory/adjustments/relative", json=relative).status_code == 200
    items = api("GET", "inventory/locations/2/items", params={"product_id:in": ids["tent"]})
    assert items.json()["data"][0]["total_inventory_onhand"] == 8
    assert api("PUT", "inventory/adjustments/relative", json=relative).status_code == 405


def test_a_second_inventory_write_while_one_is_processed_is_refused(api, store, ids):
    store.fault_inventory_latency_ms = 1500
    store.save()
    answers = []

    def write(quantity):
        answers.append(
            absolute(api, [{"location_id": 1, "product_id": ids["tent"], "quantity": quantity}])
        )

    first = threading.Thread(target=write, args=(5,))
    first.start()
    threading.Event().wait(0.5)  # the first is being processed
    write(6)
    first.join()
    refused, done = sorted(answers, key=lambda a: a.status_code, reverse=True)
    assert (refused.status_code, done.status_code) == (429, 200)
    assert refused.headers["X-Retry-After"] == "1"
    assert {"X-Rate-Limit-Requests-Quota", "X-Rate-Limit-Time-Window-Ms"} <= set(refused.headers)
    # Reads are not held up, and once the first is answered the next write goes through.
    assert absolute(api, [{"location_id": 1, "product_id": ids["tent"], "quantity": 6}]).ok
