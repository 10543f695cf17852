"""Sandbox BigCommerce: a stand-in for api.bigcommerce.com served under
/sandbox/bigcommerce/stores/{store_hash}/v2|v3/..., faithful to the official OpenAPI files.

Services for code that drives it (tests, the demo, `sandbox_orders`), in sandbox.bigcommerce.services:
- store_create(store_hash, ...) -> BcStore: a store with a seeded catalog and customers (idempotent)
- place_test_order(store, *, items=None, customer=None, status_id=11) -> BcOrder: fires order hooks
- set_order_status(order, status_id), customer_create(store, ...): fire their hooks too
- demo_store_credentials(store_hash) -> dict: for the demo connection (its store also carries
  the generated DEMO_SKUS catalog and a "Shopfront" location)
In sandbox.bigcommerce.catalog: catalog_edit(store, sku, **fields), a person's edit of a product or
variant (prices, cost, inventory_level) firing the API's webhooks. In sandbox.bigcommerce.inventory:
location_add(store, code, label). In sandbox.bigcommerce.catalog_build: catalog_build(store, seed)
and catalog_rebuild(store, skus) (also `manage.py sandbox_catalog <store_hash> --skus N`).
Faults: fault_error_rate, fault_latency_ms, fault_429_storm, and fault_inventory_latency_ms (held
while an inventory write is processed; a second write meanwhile is refused with a 429).
Deliveries go out asynchronously (a Celery task) and signed (Standard Webhooks, client secret);
failures retry on BigCommerce's schedule (SANDBOX_BC_RETRY_SCHEDULE compresses it) and the hook is
deactivated when the schedule is exhausted.
"""
