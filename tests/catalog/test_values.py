"""What the store should hold for an ERP item, and the guard's count, on their own."""

from decimal import Decimal
from types import SimpleNamespace

import pytest

from catalog.desired import as_text, money_values, same, stock_by_location
from catalog.guard import moves_held
from connectors.canonical import ItemChange

pytestmark = pytest.mark.embedded


def test_without_a_map_every_warehouse_goes_summed_to_the_default_location_less_the_buffer():
    stock = {"MAIN": Decimal("7.9"), "NORTH": Decimal(3)}
    assert stock_by_location(stock, {}, default_location=1, buffer=2) == {1: 8}


def test_a_map_sends_each_warehouse_to_its_location_and_leaves_the_unmapped_out():
    stock = {"MAIN": Decimal(5), "SPARE": Decimal(4), "NORTH": Decimal(1), "TRANSIT": Decimal(9)}
    mapping = {"MAIN": 1, "SPARE": 1, "NORTH": 2}
    assert stock_by_location(stock, mapping, default_location=1, buffer=3) == {1: 6, 2: 0}


def test_stock_is_never_below_zero_nor_a_fraction():
    assert stock_by_location({"": Decimal("-4")}, {}, 1, 0) == {1: 0}
    assert stock_by_location({"": Decimal("2.99")}, {}, 1, 0) == {1: 2}


def test_only_the_fields_pushed_and_known_to_the_erp_are_wanted():
    item = ItemChange(sku="A", price=Decimal("12.50"), sale_price=None, cost=Decimal(4))
    assert money_values(item, ["price", "sale_price"]) == {"price": "12.5"}
    assert money_values(item, ["price", "cost"]) == {"price": "12.5", "cost": "4"}
    with pytest.raises(ValueError, match="negative price"):
        money_values(ItemChange(sku="A", price=Decimal(-1)), ["price"])


def test_values_are_compared_as_numbers():
    assert same("12.5", 12.50) and same(as_text(Decimal("7.000")), "7")
    assert not same(None, "0") and same(None, None) and not same("x", "x1")


def guard(share=10, change=25):
    return SimpleNamespace(guard_share=Decimal(share), guard_change=Decimal(change))


def test_the_guard_holds_when_too_many_prices_move_far():
    drop = [{"sku": f"S{i}", "before": "100", "after": "60"} for i in range(11)]
    held = moves_held(drop, guard(), catalog_prices=100)
    assert len(held) == 11 and held[0]["change"] == "40.0"
    assert moves_held(drop[:10], guard(), catalog_prices=100) == []  # 10 % may move
    small = [{"sku": f"S{i}", "before": "100", "after": "80"} for i in range(50)]
    assert moves_held(small, guard(), catalog_prices=100) == []  # 20 %: not far
