"""Acumatica as the catalog push's item source, over real HTTP against the sandbox instance: the
first read lists every stock item with its price, cost and stock per warehouse; a read from the
cursor yields the items changed since (and what changed just before it); pages are followed; a
malformed item is a plain error naming it."""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from audit.models import ApiCall
from connectors.acumatica.connector import AcumaticaConnector
from connectors.acumatica.items import OVERLAP, items_changed
from connectors.errors import UnreadableAnswer
from sandbox.acumatica.models import AcuRecord
from sandbox.acumatica.services import record_put, stock_item_set
from tests.acumatica.items_setup import acumatica_connection, backdate, stock_item

D = Decimal
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def shelf(acu, tenant):
    """Three stock items and a non-stock one in the sandbox; the connection reading them."""
    stock_item(
        acu, "TENT-2P", price="349.00", cost="180.00", qty_by_warehouse={"MAIN": 50, "RETAIL": 4}
    )
    stock_item(acu, "MUG-STEEL", method="Average", price="19.50", qty_by_warehouse={"MAIN": 12})
    stock_item(acu, "STOVE-1", method="FIFO", price="89.95")
    record_put(acu.tenant, "NonStockItem", {"InventoryID": "SHIPPING", "DefaultPrice": 10.0})
    return acu, acumatica_connection(acu, tenant)


def read_all(connection, since=None) -> list:
    return [r for page in AcumaticaConnector(connection).changed_items(since) for r in page]


def by_sku(found) -> dict:
    return {record.data.sku: record for record in found}


def sandbox_item(acu, inventory_id) -> AcuRecord:
    return AcuRecord.objects.get(tenant=acu.tenant, entity="StockItem", keys=inventory_id)


def test_the_first_read_lists_every_stock_item_with_its_price_cost_and_stock(shelf):
    acu, connection = shelf
    AcuRecord.objects.filter(tenant=acu.tenant, entity="StockItem", keys="MUG-STEEL").update(
        data=dict(sandbox_item(acu, "MUG-STEEL").data, AverageCost={"value": 6.35})
    )
    found = by_sku(read_all(connection))
    assert sorted(found) == ["MUG-STEEL", "STOVE-1", "TENT-2P"]  # not the non-stock SHIPPING
    tent, stored = found["TENT-2P"], sandbox_item(acu, "TENT-2P")
    stamped = stored.data["LastModifiedDateTime"]["value"]
    assert (tent.erp_id, tent.version) == (str(stored.guid), stamped)
    assert tent.modified_at == tent.data.modified_at == datetime.fromisoformat(stamped)
    assert (tent.data.price, tent.data.sale_price, tent.data.cost, tent.data.stock) == (
        D("349.00"), None, D("180.00"), {"MAIN": D("50"), "RETAIL": D("4")}
    )  # fmt: skip
    # An average-cost item's cost is its average cost; an item without warehouses has no stock.
    mug, stove = found["MUG-STEEL"].data, found["STOVE-1"].data
    assert (mug.price, mug.cost, mug.stock) == (D("19.50"), D("6.35"), {"MAIN": D("12")})
    assert (stove.price, stove.cost, stove.stock) == (D("89.95"), None, {})
    times = [record.modified_at for record in read_all(connection)]
    assert times == sorted(times)  # oldest first
    assert ApiCall.objects.filter(system="acumatica", operation="stockitem.list").exists()
    # The run reads an item again: as it is now.
    assert AcumaticaConnector(connection).item_record(tent.erp_id) == tent


def test_a_read_from_the_cursor_yields_the_items_changed_since(shelf):
    acu, connection = shelf
    backdate(acu, minutes=60)
    cursor = timezone.now() - timedelta(minutes=30)  # the last push read them all
    assert read_all(connection, cursor) == []
    stock_item_set(acu.tenant, "TENT-2P", price="314.10", qty_by_warehouse={"MAIN": 47})
    changed = by_sku(read_all(connection, cursor))
    assert list(changed) == ["TENT-2P"]
    tent = changed["TENT-2P"].data
    stock = {"MAIN": D("47"), "RETAIL": D("4")}  # the lines not sent are kept
    assert (tent.price, tent.stock, tent.cost) == (D("314.10"), stock, D("180.00"))
    # Read from that change's own time: it is read again (committed after being stamped, an
    # item may show up late), and an item stamped just before the cursor too.
    newest = changed["TENT-2P"].modified_at
    assert list(by_sku(read_all(connection, newest))) == ["TENT-2P"]
    backdate(acu, minutes=OVERLAP.total_seconds() // 60 + 1)
    assert read_all(connection, newest) == []


def test_every_page_is_read_and_each_item_comes_once(shelf):
    acu, connection = shelf
    for number in range(8):
        stock_item(acu, f"PEG-{number}", price=number + 1)
    pages = list(items_changed(AcumaticaConnector(connection).api, None, top=3))
    skus = [record.data.sku for page in pages for record in page]
    assert sorted(skus) == sorted(
        ["MUG-STEEL", "STOVE-1", "TENT-2P", *[f"PEG-{n}" for n in range(8)]]
    )
    lists = ApiCall.objects.filter(system="acumatica", operation="stockitem.list")
    assert lists.count() == 4  # 3 + 3 + 3 + 2


@pytest.mark.parametrize(
    ("spoil", "said"),
    [
        (lambda data: data.pop("InventoryID"), "KeyError: 'InventoryID'"),
        (lambda data: data.update(DefaultPrice={"value": "abc"}), "DefaultPrice ('abc') is not a number"),
        (lambda data: data.update(DefaultPrice={"value": True}), "DefaultPrice (True) is not a number"),
        (lambda data: data.update(DefaultPrice={"value": 1e30}), "is out of range"),
        (lambda data: data.update(CurrentStdCost={"value": [1]}), "CurrentStdCost ([1]) is not a number"),
        (lambda data: data.update(LastModifiedDateTime={"value": "yesterday"}), "yesterday"),
        (lambda data: data.update(LastModifiedDateTime={"value": "2026-01-01T10:00:00"}), "no time zone"),
        (lambda data: data["WarehouseDetails"][0].update(QtyOnHand={"value": "many"}),
         "QtyOnHand ('many') is not a number"),
        (lambda data: data["WarehouseDetails"].append(dict(data["WarehouseDetails"][0])), "listed twice"),
    ],
)  # fmt: skip
def test_a_malformed_item_is_a_plain_error_that_names_it(shelf, spoil, said):
    acu, connection = shelf
    tent = sandbox_item(acu, "TENT-2P")
    spoil(tent.data)
    AcuRecord.objects.filter(pk=tent.pk).update(data=tent.data)
    erp = AcumaticaConnector(connection)
    for read in (lambda: read_all(connection), lambda: erp.item_record(str(tent.guid))):
        with pytest.raises(UnreadableAnswer) as raised:
            read()
        message = raised.value.message
        assert message.startswith("Acumatica answered the stock item ") and said in message, message
        assert "TENT-2P" in message or str(tent.guid) in message
