"""One field of an ERP's item record, read for the catalog push (connectors/<kind>/items.py): a
value of the wrong type or out of bounds raises, and the caller's `reading` turns that into an
UnreadableAnswer naming the item."""

from decimal import Decimal


def number_field(item: dict, field: str, limit: Decimal) -> Decimal:
    value = item[field]
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise TypeError(f"{field} ({value!r:.40}) is not a number")
    amount = Decimal(str(value))
    if not amount.is_finite() or abs(amount) >= limit:
        raise ValueError(f"{field} ({value!r:.40}) is out of range")
    return amount


def text_field(item: dict, field: str, limit: int) -> str:
    """Non-blank text, without the blanks around it."""
    value = item[field]
    if not isinstance(value, str) or not value.strip() or len(value.strip()) > limit:
        raise ValueError(f"{field} ({value!r:.40}) is not an item's {field}")
    return value.strip()
