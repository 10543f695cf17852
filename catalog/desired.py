"""What the store should hold for one ERP item: its prices and cost, and its stock per store
location (the connection's warehouse map, less the buffer, never below zero, whole units).

Values travel as text ("12.5", "7") in the plan, the batches and the links, and are compared as
numbers: "12.5" and "12.50" are the same price."""

import math
from decimal import Decimal, InvalidOperation

from catalog.models import PushField

MONEY_FIELDS = (PushField.PRICE, PushField.SALE_PRICE, PushField.COST)
STOCK_PREFIX = "stock@"


def stock_key(location_id: int) -> str:
    return f"{STOCK_PREFIX}{location_id}"


def key_field(key: str) -> str:
    """The PushField of a value key ("stock@2" is stock)."""
    return PushField.STOCK if key.startswith(STOCK_PREFIX) else key


def key_location(key: str) -> int:
    return int(key.removeprefix(STOCK_PREFIX))


def as_text(value) -> str | None:
    """A number as the plan keeps it; None stays None."""
    if value is None:
        return None
    number = Decimal(str(value))
    if not number.is_finite():
        raise ValueError(f"{value!r} is not a finite number")
    return format(number.normalize(), "f")


def same(a, b) -> bool:
    """The same number (None only equals None); unreadable text is never the same."""
    if a is None or b is None:
        return a is None and b is None
    try:
        return Decimal(str(a)) == Decimal(str(b))
    except InvalidOperation:
        return False


def money_values(change, fields) -> dict[str, str]:
    """{field: value} of the money fields pushed and known to the ERP (None: the store's stays)."""
    values = {}
    for field, attribute in ((PushField.PRICE, "price"), (PushField.SALE_PRICE, "sale_price"),
                             (PushField.COST, "cost")):  # fmt: skip
        value = getattr(change, attribute)
        if field in fields and value is not None:
            if Decimal(value) < 0:
                raise ValueError(f"a negative {field.replace('_', ' ')} ({value})")
            values[field] = as_text(value)
    return values


def stock_by_location(
    stock: dict, location_map: dict, default_location: int, buffer: int
) -> dict[int, int]:
    """{store location id: units} from the ERP's {warehouse: quantity}. No map: all warehouses
    summed to the default location. With a map: each mapped warehouse to its location (several
    may share one); warehouses the map leaves out are not pushed, and a location none of the
    item's warehouses maps to is left as the store has it."""
    totals: dict[int, Decimal] = {}
    for warehouse, quantity in stock.items():
        if location_map and warehouse not in location_map:
            continue
        location = int(location_map[warehouse]) if location_map else default_location
        totals[location] = totals.get(location, Decimal(0)) + Decimal(quantity)
    return {location: max(0, math.floor(total) - buffer) for location, total in totals.items()}
