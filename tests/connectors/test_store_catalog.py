"""The store client of the catalog push (connectors/bigcommerce/catalog.py) against the sandbox
store over real HTTP: what it reads, what it writes, the limits it keeps, the failures it hands
back in plain words — and every request it sends is valid against BigCommerce's own files."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from audit.models import ApiCall
from connectors.bigcommerce.catalog import PUSH_FIELDS, StoreCatalog
from connectors.errors import PermanentError
from sandbox.bigcommerce.catalog import catalog_edit
from sandbox.bigcommerce.inventory import location_add
from sandbox.bigcommerce.models import BcProduct, BcStock, BcVariant
from sandbox.bigcommerce.services import place_test_order, store_create
from tests.factories import ConnectionFactory
from tests.support.spec_traffic import SpecTraffic

pytestmark = pytest.mark.embedded


@pytest.fixture
def store(db):
    return store_create("catalog1", quota=100_000)


@pytest.fixture
def catalog(live_server, tenant, store):
    connection = ConnectionFactory(
        tenant=tenant, store_hash=store.store_hash,
        bc_api_url=f"{live_server.url}/sandbox/bigcommerce", bc_access_token=store.access_token,
    )  # fmt: skip
    return StoreCatalog(connection)


@pytest.fixture
def traffic():
    """Every request the client sends in the test, checked against the official files after."""
    with SpecTraffic() as recorded:
        recorded.expected_invalid = 0
        yield recorded
    invalid = recorded.invalid()
    assert len(invalid) == recorded.expected_invalid, "\n".join(invalid)
    assert recorded.checked


def by_sku(pages) -> dict[str, dict]:
    return {row["sku"]: row for page in pages for row in page}


def test_products_carry_what_a_push_needs_and_their_variants(catalog, traffic):
    products = by_sku(catalog.products())
    assert set(products) == {"TENT-2P", "PACK-30L", "STOVE-1", "MUG-STEEL", "JACKET"}
    tent, jacket = products["TENT-2P"], products["JACKET"]
    assert set(tent) == {"id", "variants", *PUSH_FIELDS}  # include_fields trimmed the rest
    assert tent["price"] == 349.0 and tent["inventory_tracking"] == "product"
    assert tent["inventory_level"] == 100
    # A simple product is sold as its base variant: same SKU, its id is base_variant_id.
    [base] = tent["variants"]
    assert base["sku"] == "TENT-2P" and base["id"] == tent["base_variant_id"]
    assert jacket["base_variant_id"] is None and jacket["inventory_tracking"] == "variant"
    assert [v["sku"] for v in jacket["variants"]] == ["JACKET-S", "JACKET-M", "JACKET-L"]
    # A product tracked by variant shows the sum of its variants' levels.
    assert jacket["inventory_level"] == 150 and jacket["variants"][0]["inventory_level"] == 50
    assert all(v["price"] is None for v in jacket["variants"])  # the product's price applies
    assert jacket["variants"][0]["calculated_price"] == 199.0
    without = next(iter(catalog.products(skus=["MUG-STEEL"], include_variants=False)))
    assert "variants" not in without[0]


def test_products_by_ids_skus_and_modification(catalog, store, traffic):
    tent = BcProduct.objects.get(store=store, sku="TENT-2P")
    mug = BcProduct.objects.get(store=store, sku="MUG-STEEL")
    assert set(by_sku(catalog.products(ids=[tent.pk, mug.pk]))) == {"TENT-2P", "MUG-STEEL"}
    # More SKUs than one filter carries: asked for in several requests, all found.
    many = ["TENT-2P", *[f"NOT-SOLD-{n}" for n in range(150)], "JACKET"]
    assert set(by_sku(catalog.products(skus=many))) == {"TENT-2P", "JACKET"}
    BcProduct.objects.filter(store=store).update(date_modified=timezone.now() - timedelta(hours=1))
    since = timezone.now() - timedelta(minutes=1)
    assert list(catalog.products(modified_since=since)) == []
    catalog_edit(store, "MUG-STEEL", price=Decimal("21.00"))
    changed = by_sku(catalog.products(modified_since=since))
    assert set(changed) == {"MUG-STEEL"} and changed["MUG-STEEL"]["price"] == 21.0
    assert traffic.invalid() == []  # (the fixture checks every test's requests again after it)


def test_products_come_in_pages_of_250(catalog, store, traffic):
    BcProduct.objects.bulk_create(
        BcProduct(store=store, name=f"Peg {n}", sku=f"PEG-{n:03d}", price=Decimal("1.50"))
        for n in range(300)
    )
    pages = list(catalog.products(include_variants=False))
    assert [len(p) for p in pages] == [250, 55]
    assert len({row["id"] for page in pages for row in page}) == 305


def test_a_batch_of_products_updates_prices_and_cost(catalog, store, traffic):
    tent = BcProduct.objects.get(store=store, sku="TENT-2P")
    mug = BcProduct.objects.get(store=store, sku="MUG-STEEL")
    failures = catalog.products_update([
        {"id": tent.pk, "price": 329.0, "sale_price": 299.0, "cost_price": 180.5},
        {"id": mug.pk, "retail_price": 24.0, "calculated_price": 1.0},  # read-only: ignored
    ])  # fmt: skip
    assert failures == []
    tent.refresh_from_db()
    mug.refresh_from_db()
    assert (tent.price, tent.sale_price, tent.cost_price) == (329, 299, Decimal("180.5"))
    assert mug.retail_price == 24 and mug.price == Decimal("19.5")
    assert by_sku(catalog.products(skus=["TENT-2P"]))["TENT-2P"]["sale_price"] == 299.0


def test_failed_rows_of_a_product_batch_come_back_in_plain_words(catalog, store, traffic):
    tent = BcProduct.objects.get(store=store, sku="TENT-2P")
    mug = BcProduct.objects.get(store=store, sku="MUG-STEEL")
    failures = catalog.products_update([
        {"id": tent.pk, "price": 300.0},
        {"id": mug.pk, "price": -1},
        {"id": 987654, "price": 5.0},
    ])  # fmt: skip
    assert failures == [
        {"id": mug.pk, "message": f"BigCommerce did not update product {mug.pk}: "
                                  "price: must be a number of 0 or more."},
        {"id": 987654, "message": "BigCommerce did not update product 987654: "
                                  "id: product 987654 not found."},
    ]  # fmt: skip
    tent.refresh_from_db()
    mug.refresh_from_db()
    assert tent.price == 300 and mug.price == Decimal("19.5")  # the good row was done
    traffic.expected_invalid = 1  # the file forbids a negative price: invalid on purpose


def test_batches_over_the_limit_are_refused_before_sending(catalog, store):
    sent = ApiCall.objects.count()
    with pytest.raises(ValueError, match="at most 10 products"):
        catalog.products_update([{"id": n, "price": 1.0} for n in range(11)])
    with pytest.raises(ValueError, match="at most 50 variants"):
        catalog.variants_update([{"id": n, "price": 1.0} for n in range(51)])
    assert ApiCall.objects.count() == sent
    # BigCommerce's own refusal of a batch too large reaches a caller in its words.
    with pytest.raises(PermanentError) as refused:
        catalog.http.put("v3/catalog/products", operation="catalog.products_update",
                         json=[{"id": n, "price": 1.0} for n in range(11)])  # fmt: skip
    assert refused.value.message == (
        "BigCommerce answered 413: The request payload is too large. "
        "The maximum items allowed in the array is 10."
    )


def test_a_batch_of_variants_and_its_failed_rows(catalog, store, traffic):
    small, medium = (
        BcVariant.objects.get(sku=s, product__store=store) for s in ("JACKET-S", "JACKET-M")
    )
    assert catalog.variants_update([{"id": small.pk, "price": 189.0, "cost_price": 90.0}]) == []
    small.refresh_from_db()
    assert (small.price, small.cost_price) == (189, 90)
    failures = catalog.variants_update([
        {"id": small.pk, "sale_price": 150.0},
        {"id": medium.pk, "cost_price": -3},
        {"id": 876543, "price": 1.0},
    ])  # fmt: skip
    assert failures == [
        {"id": medium.pk, "message": f"BigCommerce did not update variant {medium.pk}: Variant "
                                     f"{medium.pk} was not updated: cost_price: must be a "
                                     "number of 0 or more."},
        {"id": 876543, "message": "BigCommerce did not update variant 876543: Variant 876543 "
                                  "was not updated: variant 876543 not found."},
    ]  # fmt: skip
    small.refresh_from_db()
    assert small.sale_price == 150
    [found] = catalog.variants_by_sku("JACKET-S")
    assert found["id"] == small.pk and found["calculated_price"] == 150.0
    assert catalog.variants_by_sku("JACKET") == []  # the product's own SKU is not a variant's
    traffic.expected_invalid = 1  # the negative cost price, invalid on purpose


# --- inventory -----------------------------------------------------------------------------------
@pytest.fixture
def shopfront(store):
    return location_add(store, "SHOPFRONT", "Shopfront")


def test_locations_and_stock_at_each(catalog, store, shopfront, traffic):
    assert [(x["id"], x["code"]) for x in catalog.locations()] == [
        (1, "BC-LOCATION-1"), (2, "SHOPFRONT"),
    ]  # fmt: skip
    jacket = BcProduct.objects.get(store=store, sku="JACKET")
    [page] = catalog.inventory_items(product_ids=[jacket.pk], location_ids=[1, 2])
    assert [row["identity"]["sku"] for row in page] == ["JACKET-S", "JACKET-M", "JACKET-L"]
    assert [(x["location_id"], x["total_inventory_onhand"]) for x in page[0]["locations"]] == [
        (1, 50), (2, 0),
    ]  # fmt: skip
    small = BcVariant.objects.get(product=jacket, sku="JACKET-S")
    [page] = catalog.inventory_items(variant_ids=[small.pk], location_ids=[2])
    assert [x["location_code"] for x in page[0]["locations"]] == ["SHOPFRONT"]
    assert sum(len(p) for p in catalog.inventory_items()) == 7  # 4 simple products, 3 sizes


def test_an_absolute_adjustment_sets_stock_per_location(catalog, store, shopfront, traffic):
    transaction_id = catalog.inventory_absolute(
        [{"location_id": 1, "sku": "TENT-2P", "quantity": 12},
         {"location_id": 2, "sku": "JACKET-M", "quantity": 3}],
        reason="ERP stock count",
    )  # fmt: skip
    assert transaction_id
    levels = {
        (row["identity"]["sku"], x["location_id"]): x["total_inventory_onhand"]
        for page in catalog.inventory_items() for row in page for x in row["locations"]
    }  # fmt: skip
    assert levels[("TENT-2P", 1)] == 12 and levels[("JACKET-M", 2)] == 3
    assert levels[("JACKET-M", 1)] == 50


def test_a_refused_adjustment_is_a_permanent_error_in_bigcommerces_words(catalog, store, traffic):
    base = BcVariant.objects.get(product__store=store, sku="TENT-2P")
    with pytest.raises(PermanentError) as refused:
        catalog.inventory_absolute(
            [{"location_id": 1, "variant_id": base.pk, "quantity": 1}], reason="count"
        )
    assert refused.value.status == 422
    assert refused.value.message == (
        f"BigCommerce answered 422: [Item with variant_id {base.pk} is tracked by product, "
        "please update stock by product id]."
    )
    with pytest.raises(ValueError, match="at most 2000 items"):
        catalog.inventory_absolute(
            [{"location_id": 1, "sku": "TENT-2P", "quantity": 1}] * 2001, "x"
        )


def test_overlapping_inventory_writes_wait_their_turn(catalog, store, tenant):
    """The store refuses a second inventory write while one is processed; the client waits the
    refusal out and sends it again, so both land."""
    store.fault_inventory_latency_ms = 1200
    store.save()
    second = StoreCatalog(catalog.connection)
    errors = []

    def write(client, quantity):
        try:
            client.inventory_absolute(
                [{"location_id": 1, "sku": "MUG-STEEL", "quantity": quantity}], "x"
            )
        except Exception as exc:  # reported below
            errors.append(exc)

    first = threading.Thread(target=write, args=(catalog, 5))
    first.start()
    threading.Event().wait(0.4)
    write(second, 6)
    first.join()
    assert errors == []
    statuses = list(
        ApiCall.objects.filter(operation="inventory.absolute")
        .order_by("pk")
        .values_list("status_code", flat=True)
    )
    assert sorted(statuses) == [200, 200, 429]
    mug = BcProduct.objects.get(store=store, sku="MUG-STEEL")
    assert BcStock.objects.get(product=mug, location__location_id=1, variant=None).quantity == 6


def test_orders_count(catalog, store, traffic):
    assert catalog.orders_count() == 0
    place_test_order(store, items=[("MUG-STEEL", 1)])
    place_test_order(store, items=[("TENT-2P", 1)], status_id=10)
    assert catalog.orders_count() == 2
