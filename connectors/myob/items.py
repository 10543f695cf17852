"""Items, MYOB → BigCommerce: the company file as the catalog push's source.

The items stream lists the sold items changed after a cursor (every sold item on a push's first
run) by LastModified, oldest first. Each is an ErpRecord: erp_id its UID, version its RowVersion,
modified_at its LastModified (MYOB's own clock), and data the ItemChange the store should take:

- sku: the item's Number.
- price: the Base Selling Price, as MYOB holds it. It includes tax when the item's selling details
  say so (SellingDetails.IsTaxInclusive, the usual set-up in AU files) and excludes it otherwise, so
  it matches the store only when the store enters prices the same way (BigCommerce's "prices
  entered with tax"); changing it would need the rate of the item's tax code. The connection's
  "Invoice prices" setting says how order prices go onto invoices, not how items are priced.
- sale_price: None: MYOB has no sale price (its price levels are per customer).
- cost: the average cost of an inventoried item, while MYOB has one (null while on hand is below
  zero); None otherwise, so the store's cost stays.
- stock: {"": quantity on hand} of an inventoried item, MYOB's one total over its locations; none
  for a non-inventoried item, whose stock MYOB does not keep.

Items not sold ("I sell this item" cleared) are no catalog items and are left out. That MYOB
filters on LastModified (`gt datetime'…'`) follows from its OData syntax and is UNCONFIRMED, as for
the customers stream. A malformed item fails the read with an UnreadableAnswer naming the item.
"""

from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal

from connectors.answers import reading
from connectors.canonical import ErpRecord, ItemChange
from connectors.erp import REF_LENGTH
from connectors.item_fields import number_field as _number
from connectors.myob.api import MyobApi, modified_after, myob_time

RESOURCE = "Inventory/Item"
# No item comes near these; beyond them a value is garbage.
MAX_AMOUNT = Decimal("1e12")
MAX_QUANTITY = Decimal("1e12")
SKU_LENGTH = 255  # the store's SKU: a longer Number can match none
VERSION_LENGTH = 64  # ExternalLink keeps versions this long


def _flag(item: dict, field: str) -> bool:
    value = item[field]
    if not isinstance(value, bool):
        raise TypeError(f"{field} ({value!r:.40}) is not true or false")
    return value


def _text(item: dict, field: str, limit: int) -> str:
    value = item[field]
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        raise ValueError(f"{field} ({value!r:.40}) is not an item's {field}")
    return value


def _name(item: dict) -> str:
    """How an error names the item: its number, else its UID."""
    for field in ("Number", "UID"):
        value = item.get(field)
        if isinstance(value, str) and value.strip():
            return f"{field} {value[:40]!r}"
    return "without a Number"


def store_item(item: dict) -> ErpRecord | None:
    """The item's record for the catalog push; None when the item is not sold."""
    if not _flag(item, "IsSold"):
        return None
    modified_at = myob_time(item["LastModified"])
    cost, stock = None, {}
    if _flag(item, "IsInventoried"):
        stock = {"": _number(item, "QuantityOnHand", MAX_QUANTITY)}
        if item.get("AverageCost") is not None:
            cost = _number(item, "AverageCost", MAX_AMOUNT)
    change = ItemChange(
        sku=_text(item, "Number", SKU_LENGTH),
        price=_number(item, "BaseSellingPrice", MAX_AMOUNT),
        sale_price=None, cost=cost, stock=stock, modified_at=modified_at,
    )  # fmt: skip
    return ErpRecord(
        erp_id=_text(item, "UID", REF_LENGTH),
        # Required: a blank one would equal a link's blank written version, so pass for our echo.
        version=_text(item, "RowVersion", VERSION_LENGTH),
        modified_at=modified_at, data=change,
    )  # fmt: skip


def _read(item: dict) -> ErpRecord | None:
    with reading("MYOB", f"the item {_name(item)}"):
        return store_item(item)


def items_changed(api: MyobApi, since: datetime | None) -> Iterator[list[ErpRecord]]:
    """Pages of the sold items changed after `since` (None: every one), oldest first. A page may
    come out shorter than MYOB's, or empty, for the unsold items left out."""
    query = {"filter": modified_after(since)} if since is not None else {}
    for page in api.pages(RESOURCE, orderby="LastModified", **query):
        yield [record for record in map(_read, page) if record is not None]


def item_now(api: MyobApi, uid: str) -> ErpRecord | None:
    """The item as it is now; None once deleted or no longer sold."""
    item = api.get(RESOURCE, uid)
    return None if item is None else _read(item)
