"""Sandbox BigCommerce: a stand-in for api.bigcommerce.com served under
/sandbox/bigcommerce/stores/{store_hash}/v2|v3/..., faithful to the official OpenAPI files.

Services for code that drives it (tests, the demo, `sandbox_orders`), in sandbox.bigcommerce.services:
- store_create(store_hash, ...) -> BcStore: a store with a seeded catalog and customers (idempotent)
- place_test_order(store, *, items=None, customer=None, status_id=11) -> BcOrder: fires order hooks
- set_order_status(order, status_id), customer_create(store, ...): fire their hooks too
- demo_store_credentials(store_hash) -> dict: for the demo connection
Deliveries go out asynchronously (a Celery task) and signed (Standard Webhooks, client secret);
failures retry on BigCommerce's schedule (SANDBOX_BC_RETRY_SCHEDULE compresses it) and the hook is
deactivated when the schedule is exhausted.
"""
