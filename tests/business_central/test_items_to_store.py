"""Prices and stock from Business Central to the store end to end, over real HTTP with a real
worker: the sandbox company's items share the store's SKUs (products and options); a price and
a stock level changed in Business Central reach the store's variant on the next push, and what
did not change is not written."""

from decimal import Decimal

import pytest

from catalog.models import PushState, Trigger
from catalog.services import push_start, settings_update
from sandbox.bigcommerce.services import store_create
from sandbox.business_central.services import item_set
from sandbox.catalog_seed import catalog_seed
from tenants.services import connection_activate
from tests.erp_contract.kits.business_central import bc_settings, bc_urls, bc_use_sandbox
from tests.factories import ConnectionFactory
from tests.support.bc_sandbox import bc_sandbox
from tests.support.catalog_shop import (
    push_settled,
    seed_skus,
    store_catalog,
    store_hash,
    store_level,
    store_value,
)
from tests.support.worker import WorkerProcess

pytestmark = pytest.mark.worker
NEW_PRICE, NEW_STOCK = Decimal("123.45"), 7


@pytest.fixture
def shop(settings, live_server, tenant):
    """A sandbox store and a sandbox Business Central company sharing a small catalog (an item
    per SKU, the options' included), joined by an active connection with the catalog push on
    and a first push done."""
    settings.PUBLIC_BASE_URL = live_server.url
    bc_use_sandbox(settings, live_server)
    bc = bc_sandbox(live_server, items=())
    store = store_create(store_hash(), quota=100_000)
    products = catalog_seed(40)
    store_catalog(store, products)
    skus = seed_skus(products)
    for sku in skus:
        item_set(bc.company, sku.sku, unit_price=sku.price, unit_cost=sku.cost,
                 inventory=sku.stock, type="Inventory")  # fmt: skip
    connection = ConnectionFactory(
        tenant=tenant, store_hash=store.store_hash, erp_kind="business_central",
        bc_api_url=f"{live_server.url}/sandbox/bigcommerce",
        bc_access_token=store.access_token, bc_client_secret=store.client_secret,
        erp_settings=bc_settings(bc), erp_secrets={"client_secret": bc.app.client_secret},
    )  # fmt: skip
    worker = WorkerProcess(extra_env=bc_urls(live_server)).start()
    try:
        settings_update(connection, enabled=True, interval_minutes=15)
        connection = connection_activate(connection=connection)
        first = push_settled(push_start(connection, trigger=Trigger.MANUAL, dry_run=False))
        assert (first.state, first.error) == (PushState.DONE, ""), first.problems
        variant = next(s for s in skus if s.option and s.tracking == "variant")
        yield store, connection, bc, variant
    finally:
        worker.stop()


def test_a_price_and_stock_change_in_business_central_reach_the_stores_variant(shop):
    store, connection, bc, variant = shop
    assert store_value(store, variant.sku, "price") == variant.price != NEW_PRICE
    assert store_level(store, variant.sku) == variant.stock != NEW_STOCK
    item_set(bc.company, variant.sku, unit_price=NEW_PRICE, inventory=NEW_STOCK)
    push = push_settled(push_start(connection, trigger=Trigger.MANUAL, dry_run=False))
    assert (push.state, push.error) == (PushState.DONE, ""), push.problems
    assert push.items_read >= 1 and push.counts == {"price": 1, "stock": 1}, push.counts
    assert store_value(store, variant.sku, "price") == NEW_PRICE
    assert store_level(store, variant.sku) == NEW_STOCK
