"""SYSPRO stock items as the catalog push's source, over real HTTP to the sandbox SYSPRO: every
item read in StockCode pages with its price and its stock net of allocations, then only the items
whose values changed; a malformed item is a plain error naming it. Pure: an item's change and
version (the digest of what the store takes)."""

from decimal import Decimal

import pytest

from audit.models import ApiCall
from catalog.models import PushState, Trigger
from catalog.services import push_start, settings_update
from connectors.errors import UnreadableAnswer
from connectors.syspro import items
from connectors.syspro.connector import SysproConnector
from connectors.syspro.items import item_change
from sandbox.bigcommerce.services import store_create
from sandbox.catalog_seed import catalog_seed
from sandbox.syspro.models import SysproStock
from sandbox.syspro.services import stock_set
from tenants.services import connection_activate
from tests.erp_contract.kits.syspro import syspro_connected, syspro_secrets, syspro_settings
from tests.factories import ConnectionFactory
from tests.support.catalog_shop import (
    push_settled,
    seed_skus,
    store_catalog,
    store_hash,
    store_level,
    store_value,
)
from tests.support.syspro_sandbox import syspro_sandbox
from tests.support.worker import WorkerProcess

D = Decimal
NEW_PRICE, NEW_STOCK = D("123.45"), 7


def test_an_items_stock_is_on_hand_less_allocated_in_the_warehouse_and_its_digest_follows():
    row = {"QtyOnHand": "12.000000", "QtyAllocated": "2.000000"}
    change, version = item_change("MUG-STEEL", row, D("19.50000"), "WH01")
    assert (change.sku, change.price, change.stock) == ("MUG-STEEL", D("19.5"), {"WH01": D(10)})
    assert (change.cost, change.sale_price) == (None, None)
    assert item_change("MUG-STEEL", dict(row), D("19.5"), "WH01")[1] == version  # same values
    assert item_change("MUG-STEEL", row, D("19.6"), "WH01")[1] != version
    assert item_change("MUG-STEEL", {**row, "QtyAllocated": "3"}, D("19.5"), "WH01")[1] != version
    # No row in the warehouse: no stock pushed (not zero); no price: the store's price stays.
    bare, bare_version = item_change("MUG-STEEL", None, None, "WH01")
    assert (bare.stock, bare.price) == ({}, None) and bare_version != version


@pytest.mark.parametrize("on_hand", ["", "abc", "1e30", "NaN", "Infinity"])
def test_a_malformed_quantity_raises_for_the_reader_to_name(on_hand):
    with pytest.raises((ValueError, ArithmeticError)):
        item_change("MUG-STEEL", {"QtyOnHand": on_hand, "QtyAllocated": "0"}, None, "WH01")


# --- over real HTTP to the sandbox SYSPRO ---------------------------------------------------
def read_all(connection, since=None) -> list:
    erp = SysproConnector(connection)
    try:
        return [record for page in erp.changed_items(since) for record in page]
    finally:
        erp.close()


@pytest.mark.django_db(transaction=True)
def test_the_source_reads_every_item_in_pages_then_only_the_changed_ones(
    live_server, tenant, monkeypatch
):
    stock = [("TENT-2P", "Tent", "349.00", 25), ("PACK-30L", "Pack", "129.95", 4),
             ("MUG-STEEL", "Mug", "19.50", 12)]  # fmt: skip
    company = syspro_sandbox(live_server, stock=stock)
    SysproStock.objects.filter(company=company, stock_code="PACK-30L").update(
        warehouses={"WH01": {"QtyOnHand": "4", "QtyAllocated": "1"}, "WH02": {"QtyOnHand": "9"}}
    )
    connection = syspro_connected(company, tenant, price_code="A")
    monkeypatch.setattr(items, "PAGE", 2)
    first = read_all(connection)
    found = {r.erp_id: r.data for r in first}
    assert found["PACK-30L"].price == D("129.95") and found["PACK-30L"].stock == {"WH01": D(3)}
    assert found["TENT-2P"].stock == {"WH01": D(25)} and set(found) == {c for c, *_ in stock}
    assert ApiCall.objects.filter(connection=connection, operation="items.invmaster").count() == 2
    since = max(r.modified_at for r in first)
    assert read_all(connection, since) == []  # nothing changed
    stock_set(company, "MUG-STEEL", price="21.00")
    (changed,) = read_all(connection, since)
    assert (changed.erp_id, changed.data.price, changed.modified_at > since) == (
        "MUG-STEEL", D("21"), True,
    )  # fmt: skip
    # A push that failed before moving its cursor finds the same change again.
    assert [r.erp_id for r in read_all(connection, since)] == ["MUG-STEEL"]
    assert SysproConnector(connection).item_record("MUG-STEEL").version == changed.version
    assert SysproConnector(connection).item_record("GONE-1") is None
    # No price code: INVQRY's SellingPrice, one query per item.
    other = syspro_connected(company, tenant)
    assert SysproConnector(other).item_record("TENT-2P").data.price == D("349")
    assert ApiCall.objects.filter(connection=other, operation="items.invqry").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_malformed_item_is_a_plain_error_that_names_it(live_server, tenant):
    company = syspro_sandbox(live_server, stock=[("TENT-2P", "Tent", "349.00", 25)])
    for spoiled, price_code in [
        ({"warehouses": {"WH01": {"QtyOnHand": "1e30", "QtyAllocated": "0"}}}, "A"),
        ({"warehouses": {"WH01": {"QtyOnHand": "NaN", "QtyAllocated": "0"}}}, "A"),
        ({"prices": {"A": "1e30"}}, ""),  # INVQRY's SellingPrice, without a price code
    ]:
        SysproStock.objects.filter(company=company).update(**spoiled)
        connection = syspro_connected(company, tenant, price_code=price_code)
        for read in (
            lambda c=connection: read_all(c),
            lambda c=connection: SysproConnector(c).item_record("TENT-2P"),
        ):
            with pytest.raises(UnreadableAnswer) as raised:
                read()
            assert raised.value.message.startswith("SYSPRO answered the stock item 'TENT-2P'")
        stock_set(company, "TENT-2P", price="349.00", on_hand=25)  # well-formed again


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_price_and_stock_change_in_syspro_reach_the_stores_variant(settings, live_server, tenant):
    """End to end with a real worker: the sandbox store's catalog and a sandbox SYSPRO company
    sharing its SKUs; after a first push, one item's price and stock changed in SYSPRO reach
    the store's variant, and the push reads that one item only."""
    settings.PUBLIC_BASE_URL = live_server.url
    store = store_create(store_hash(), quota=100_000)
    products = catalog_seed(30)
    store_catalog(store, products)
    skus = seed_skus(products)
    company = syspro_sandbox(live_server, stock=[(s.sku, s.sku, s.price, s.stock) for s in skus])
    connection = ConnectionFactory(
        tenant=tenant, store_hash=store.store_hash, erp_kind="syspro",
        bc_api_url=f"{live_server.url}/sandbox/bigcommerce",
        bc_access_token=store.access_token, bc_client_secret=store.client_secret,
        erp_settings=syspro_settings(company, price_code="A"), erp_secrets=syspro_secrets(company),
    )  # fmt: skip
    worker = WorkerProcess().start()
    try:
        settings_update(connection, enabled=True, interval_minutes=15)
        connection = connection_activate(connection=connection)
        first = push_settled(push_start(connection, trigger=Trigger.MANUAL, dry_run=False))
        assert (first.state, first.error) == (PushState.DONE, ""), first.problems
        variant = next(s for s in skus if s.option and s.tracking == "variant")
        assert store_value(store, variant.sku, "price") == variant.price != NEW_PRICE
        assert store_level(store, variant.sku) == variant.stock != NEW_STOCK
        stock_set(company, variant.sku, price=NEW_PRICE, on_hand=NEW_STOCK)
        push = push_settled(push_start(connection, trigger=Trigger.MANUAL, dry_run=False))
        assert (push.state, push.error) == (PushState.DONE, ""), push.problems
        assert (push.items_read, push.counts) == (1, {"price": 1, "stock": 1}), push.counts
        assert store_value(store, variant.sku, "price") == NEW_PRICE
        assert store_level(store, variant.sku) == NEW_STOCK
    finally:
        worker.stop()
