"""The sandbox store's catalog over real HTTP: what BigCommerce ignores, clamps and derives, the
webhooks each change fires (through the API, the Inventory API or a person's edit), and the
generated catalogs of the demo and benchmark stores."""

import json
from datetime import timedelta

import pytest
import requests
from django.core.management import call_command
from django.utils import timezone

from sandbox.bigcommerce.catalog import catalog_edit
from sandbox.bigcommerce.catalog_build import catalog_build
from sandbox.bigcommerce.inventory import location_add
from sandbox.bigcommerce.models import BcDelivery, BcHook, BcProduct, BcStock, BcStore, BcVariant
from sandbox.bigcommerce.services import demo_store_credentials, store_create
from sandbox.catalog_seed import DEMO_SKUS, catalog_seed

pytestmark = pytest.mark.embedded
SCOPES = ("store/product/updated", "store/product/inventory/updated", "store/sku/inventory/updated")


@pytest.fixture
def store(db):
    store = store_create("cat1", quota=100_000)
    location_add(store, "SHOPFRONT", "Shopfront")
    for scope in SCOPES:  # store/sku/updated is not subscribed: nothing goes out for it
        BcHook.objects.create(store=store, client_id=store.client_id, scope=scope,
                              destination="https://example.com/hooks")  # fmt: skip
    return store


@pytest.fixture
def api(live_server, store):
    base = f"{live_server.url}/sandbox/bigcommerce/stores/{store.store_hash}/v3"

    def call(method, path, **kwargs):
        headers = {"X-Auth-Token": store.access_token, "Accept": "application/json"}
        return requests.request(method, f"{base}/{path}", headers=headers, timeout=20, **kwargs)

    return call


def sent() -> list[tuple[str, dict]]:
    """(scope, data) of each delivery queued so far, oldest first; then forgets them."""
    rows = [json.loads(d.body) for d in BcDelivery.objects.order_by("pk")]
    BcDelivery.objects.all().delete()
    return [(row["scope"], row["data"]) for row in rows]


def ids_of(store):
    return (
        BcProduct.objects.get(store=store, sku="TENT-2P"),
        BcProduct.objects.get(store=store, sku="JACKET"),
        BcVariant.objects.get(product__store=store, sku="JACKET-S"),
    )


def test_a_price_change_fires_product_updated_and_an_unchanged_put_fires_nothing(api, store):
    tent, jacket, small = ids_of(store)
    assert api("PUT", f"catalog/products/{tent.pk}", json={"price": 320}).ok
    assert sent() == [("store/product/updated", {"type": "product", "id": tent.pk})]
    assert api("PUT", f"catalog/products/{tent.pk}", json={"price": 320}).ok
    assert sent() == []
    answer = api("PUT", "catalog/variants", json=[{"id": small.pk, "cost_price": 70}])
    assert answer.ok, answer.text
    # store/sku/updated fires too, but this store's app has no hook for it.
    assert sent() == [("store/product/updated", {"type": "product", "id": jacket.pk})]


def test_stock_changes_fire_the_inventory_webhook_of_the_items_tracking(api, store):
    tent, jacket, small = ids_of(store)
    answer = api("PUT", "inventory/adjustments/absolute", json={"reason": "count", "items": [
        {"location_id": 1, "product_id": tent.pk, "quantity": 8},
        {"location_id": 2, "variant_id": small.pk, "quantity": 3},
    ]})  # fmt: skip
    assert answer.ok, answer.text
    assert sent() == [
        ("store/product/inventory/updated", {"type": "product", "id": tent.pk, "inventory": {
            "product_id": tent.pk, "method": "absolute", "value": 8}}),
        ("store/sku/inventory/updated", {"type": "sku", "id": small.pk, "inventory": {
            "product_id": jacket.pk, "method": "absolute", "value": 3, "variant_id": small.pk}}),
        # The catalog's level (the default location's) changed for the tent only.
        ("store/product/updated", {"type": "product", "id": tent.pk}),
    ]  # fmt: skip
    relative = {"items": [{"location_id": 1, "variant_id": small.pk, "quantity": -2}]}
    assert api("POST", "inventory/adjustments/relative", json=relative).ok
    assert sent()[0] == ("store/sku/inventory/updated", {"type": "sku", "id": small.pk, "inventory": {
        "product_id": jacket.pk, "method": "relative", "value": -2, "variant_id": small.pk}})  # fmt: skip


def test_a_person_editing_the_catalog_fires_the_same_webhooks(store):
    tent, jacket, small = ids_of(store)
    catalog_edit(store, "JACKET-S", price="179.00", inventory_level=12)
    assert sent() == [
        ("store/sku/inventory/updated", {"type": "sku", "id": small.pk, "inventory": {
            "product_id": jacket.pk, "method": "absolute", "value": 12, "variant_id": small.pk}}),
        ("store/product/updated", {"type": "product", "id": jacket.pk}),
    ]  # fmt: skip
    small.refresh_from_db()
    assert small.price == 179
    catalog_edit(store, "TENT-2P", sale_price=299, cost_price=150)
    assert sent() == [("store/product/updated", {"type": "product", "id": tent.pk})]
    with pytest.raises(ValueError, match="price"):
        catalog_edit(store, "TENT-2P", price=-5)
    with pytest.raises(LookupError):
        catalog_edit(store, "NO-SUCH-SKU", price=5)


def test_read_only_fields_are_ignored_and_prices_derived(api, store):
    tent, _, small = ids_of(store)
    body = {"price": 100, "sale_price": 120, "calculated_price": 1, "date_modified": "2001-01-01",
            "base_variant_id": 5, "id": 77}  # fmt: skip
    data = api("PUT", f"catalog/products/{tent.pk}", json=body).json()["data"]
    assert data["id"] == tent.pk and data["date_modified"] > "2020"
    assert data["calculated_price"] == 100.0  # a sale price above the price is no sale
    assert (
        api("PUT", f"catalog/products/{tent.pk}", json={"sale_price": 90}).json()["data"][
            "calculated_price"
        ]
        == 90.0
    )
    variant = api("GET", f"catalog/variants?id={small.pk}").json()["data"][0]
    assert variant["price"] is None and variant["calculated_price"] == 199.0  # the product's
    huge = api("PUT", f"catalog/products/{tent.pk}", json={"inventory_level": 2**40})
    assert huge.json()["data"]["inventory_level"] == 2_147_483_647  # the catalog clamps
    refused = api("PUT", f"catalog/products/{tent.pk}", json={"inventory_tracking": "sometimes"})
    assert refused.status_code == 422 and "inventory_tracking" in refused.json()["errors"]


def test_paging_filters_and_fields(api, store):
    listed = api("GET", "catalog/products", params={"limit": 300, "include_fields": "sku"}).json()
    assert listed["meta"]["pagination"]["per_page"] == 250
    assert all(set(p) == {"id", "sku"} for p in listed["data"])
    without = api("GET", "catalog/products", params={"exclude_fields": "price,sku"}).json()["data"]
    assert "price" not in without[0] and "name" in without[0]
    BcProduct.objects.filter(store=store).update(date_modified=timezone.now() - timedelta(days=2))
    BcProduct.objects.filter(store=store, sku="MUG-STEEL").update(date_modified=timezone.now())
    # A date alone means that day at the current time of day, as BigCommerce reads it.
    today = timezone.now().date().isoformat()
    assert api("GET", f"catalog/products?date_modified:min={today}").json()["data"] == []
    yesterday = (timezone.now() - timedelta(days=1)).date().isoformat()
    found = api("GET", f"catalog/products?date_modified:min={yesterday}").json()["data"]
    assert [p["sku"] for p in found] == ["MUG-STEEL"]


def test_a_catalog_from_the_seed_keeps_its_skus_tracking_and_stock(db):
    store = BcStore.objects.create(store_hash="seed1")
    seed = catalog_seed(120)
    assert catalog_build(store, seed, shopfront=True) == sum(len(p.skus()) for p in seed)
    sized = next(p for p in seed if p.variants and p.tracking == "variant")
    by_product = next(p for p in seed if p.variants and p.tracking == "product")
    simple = next(p for p in seed if not p.variants)
    stock = {(s.product.sku, s.variant.sku if s.variant else None, s.location.code): s.quantity
             for s in BcStock.objects.select_related("product", "variant", "location")}  # fmt: skip
    assert stock[(sized.sku, sized.variants[0].sku, "BC-LOCATION-1")] == sized.stock
    assert stock[(by_product.sku, None, "BC-LOCATION-1")] == by_product.stock
    assert stock[(simple.sku, None, "BC-LOCATION-1")] == simple.stock
    assert any(code == "SHOPFRONT" for *_, code in stock)
    assert BcVariant.objects.get(product__sku=simple.sku).sku == simple.sku  # its base variant
    skus = set(BcVariant.objects.filter(product__store=store).values_list("sku", flat=True))
    assert {s for p in seed for s in p.skus()} <= skus


def test_demo_stores_have_the_seed_catalog_beside_the_five_products(db):
    demo_store_credentials("demo9")
    demo_store_credentials("demo9")  # idempotent
    store = BcStore.objects.get(store_hash="demo9")
    skus = set(BcVariant.objects.filter(product__store=store).values_list("sku", flat=True))
    assert {"TENT-2P", "JACKET-S"} <= skus
    assert {s for p in catalog_seed(DEMO_SKUS) for s in p.skus()} <= skus
    shop = store.locations.get(code="SHOPFRONT")
    assert BcStock.objects.filter(location=shop, quantity__gt=0).exists()


def test_the_benchmark_command_builds_and_rebuilds_a_store(db, capsys):
    call_command("sandbox_catalog", "bench9", "--skus", "300")
    store = BcStore.objects.get(store_hash="bench9")
    skus = sum(len(p.skus()) for p in catalog_seed(300))
    assert f"{skus} SKUs" in capsys.readouterr().out
    assert (
        BcVariant.objects.filter(product__store=store).exclude(option_label="").count()
        + (store.products.filter(variants__option_label="").count())
        == skus
    )
    assert not store.products.filter(sku="TENT-2P").exists()  # N SKUs, nothing else
    call_command("sandbox_catalog", "bench9", "--skus", "40")
    assert store.products.count() == len(catalog_seed(40))
