"""The sandbox store's catalog and Inventory API, and the store client of the catalog push
(connectors/bigcommerce/catalog.py). See tests/support/mutations.py for the fields."""

from tests.support.mutation_spec import Mutation

CLIENT = "tests/connectors/test_store_catalog.py"
INVENTORY = "tests/sandbox/test_bigcommerce_inventory.py"
CATALOG = "tests/sandbox/test_bigcommerce_catalog.py"
SPEC = "tests/sandbox/test_bigcommerce_spec.py"

MUTATIONS: list[Mutation] = [
    Mutation(
        name="store-takes-eleven-products",
        claim="the store refuses a batch of more than 10 products with BigCommerce's 413",
        path="sandbox/bigcommerce/catalog_views.py",
        find='_batch(request, PRODUCTS_BATCH, "products")',
        replace='_batch(request, PRODUCTS_BATCH + 1, "products")',
        tests=(
            f"{SPEC}::test_sandbox_error_answers_match_the_official_spec",
            f"{CLIENT}::test_batches_over_the_limit_are_refused_before_sending",
        ),
    ),
    Mutation(
        name="client-sends-eleven-products",
        claim="the client refuses more than 10 products in a batch before sending anything",
        path="connectors/bigcommerce/catalog.py",
        find="        if len(rows) > PRODUCTS_BATCH:\n",
        replace="        if len(rows) > PRODUCTS_BATCH + 1:\n",
        tests=(f"{CLIENT}::test_batches_over_the_limit_are_refused_before_sending",),
    ),
    Mutation(
        name="client-ignores-a-207",
        claim="the failed rows of a product batch (207) reach the caller as {id, message}",
        path="connectors/bigcommerce/catalog.py",
        find="        if response.status_code != 207:\n",
        replace="        if response.status_code != 299:\n",
        tests=(f"{CLIENT}::test_failed_rows_of_a_product_batch_come_back_in_plain_words",),
    ),
    Mutation(
        name="client-raises-on-batch-errors",
        claim="the failed rows of a variant batch (422 batch_errors) come back, not an exception",
        path="connectors/bigcommerce/catalog.py",
        find="json=rows, read_statuses=frozenset({422}))",
        replace="json=rows)",
        tests=(f"{CLIENT}::test_a_batch_of_variants_and_its_failed_rows",),
    ),
    Mutation(
        name="client-sends-a-field-the-file-does-not-list",
        claim="every request the client sends is valid against BigCommerce's OpenAPI files",
        path="connectors/bigcommerce/catalog.py",
        find='    "inventory_tracking", "base_variant_id", "date_modified",\n',
        replace='    "inventory_tracking", "base_variant_id", "date_modified", "stock",\n',
        tests=(f"{CLIENT}::test_products_by_ids_skus_and_modification",),
    ),
    Mutation(
        name="client-sends-a-date-without-its-time",
        claim="a push asks for products modified since a moment, never since a day",
        path="connectors/bigcommerce/catalog.py",
        find='strftime("%Y-%m-%dT%H:%M:%SZ")',
        replace='strftime("%Y-%m-%d")',
        tests=(f"{CLIENT}::test_products_by_ids_skus_and_modification",),
    ),
    Mutation(
        name="store-sale-price-above-the-price",
        claim="calculated_price is the sale price only when it is set and lower than the price",
        path="sandbox/bigcommerce/catalog.py",
        find="    if sale_price and Decimal(0) < sale_price < price:\n",
        replace="    if sale_price:\n",
        tests=(f"{CATALOG}::test_read_only_fields_are_ignored_and_prices_derived",),
    ),
    Mutation(
        name="store-fires-on-an-unchanged-put",
        claim="store/product/updated fires when a product changes, not on a PUT of the same values",
        path="sandbox/bigcommerce/catalog.py",
        find="    changed = {k: v for k, v in change.fields.items() if getattr(product, k) != v}\n",
        replace="    changed = dict(change.fields)\n",
        tests=(
            f"{CATALOG}::test_a_price_change_fires_product_updated_and_an_unchanged_put_fires_nothing",
        ),
    ),
    Mutation(
        name="store-adjustments-fire-nothing",
        claim="an inventory adjustment fires its tracking's inventory webhook",
        path="sandbox/bigcommerce/inventory.py",
        find="        emit_many(store, events)\n",
        replace="        emit_many(store, [])\n",
        tests=(f"{CATALOG}::test_stock_changes_fire_the_inventory_webhook_of_the_items_tracking",),
    ),
    Mutation(
        name="store-catalog-shows-every-location",
        claim="the catalog's inventory_level is the default location's",
        path="sandbox/bigcommerce/inventory.py",
        find="    rows = BcStock.objects.filter(product_id__in=ids, location__is_default=True)\n",
        replace="    rows = BcStock.objects.filter(product_id__in=ids)\n",
        tests=(f"{INVENTORY}::test_levels_per_location_and_the_catalog_shows_the_default_one",),
    ),
    Mutation(
        name="store-takes-a-base-variant-id",
        claim="stock named by variant_id of an item tracked by product is refused with BigCommerce's text",
        path="sandbox/bigcommerce/inventory.py",
        find='            if name == "variant_id":\n',
        replace='            if name == "no such identifier":\n',
        tests=(
            f"{INVENTORY}::test_an_item_named_the_other_way_round_from_its_tracking_is_refused_whole",
        ),
    ),
    Mutation(
        name="store-relative-before-absolute",
        claim="a relative adjustment of an item never set absolutely is refused",
        path="sandbox/bigcommerce/inventory.py",
        find="            if never_set:\n",
        replace="            if False:\n",
        tests=(f"{INVENTORY}::test_a_relative_adjustment_needs_an_absolute_one_first",),
    ),
    Mutation(
        name="store-takes-more-than-the-maximum",
        claim="the Inventory API refuses a quantity above 2,147,483,647",
        path="sandbox/bigcommerce/inventory.py",
        find="not relative and not 0 <= quantity <= MAX_QUANTITY:",
        replace="not relative and not 0 <= quantity:",
        tests=(f"{INVENTORY}::test_malformed_items_are_refused",),
    ),
    Mutation(
        name="store-two-inventory-writes-at-once",
        claim="one inventory write at a time per store: a second meanwhile is refused (429), "
        "and the client waits its turn",
        path="sandbox/bigcommerce/inventory.py",
        find="    if not cache.add(key, 1, timeout=BUSY_SECONDS):\n",
        replace="    if not cache.add(key, 1, timeout=BUSY_SECONDS) and False:\n",
        tests=(
            f"{INVENTORY}::test_a_second_inventory_write_while_one_is_processed_is_refused",
            f"{CLIENT}::test_overlapping_inventory_writes_wait_their_turn",
        ),
    ),
]
