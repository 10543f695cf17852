"""SYSPRO stock items as the catalog push's source.

Pure: an item's change and version (the digest of what the store takes)."""

from decimal import Decimal

import pytest

from connectors.syspro.items import item_change

D = Decimal


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
