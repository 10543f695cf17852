"""Items, Business Central → BigCommerce: the catalog push's item source.

The stream lists the items (API v2.0 `items`, page 30008) whose lastModifiedDateTime is after a
cursor (every item on a push's first run), in server-driven pages (@odata.nextLink). Each is an
ErpRecord: erp_id the item's id (its SystemId: it survives a renumbering), version its
@odata.etag (Business Central's row version: every change of the item changes it), modified_at
its lastModifiedDateTime, and data the ItemChange the store should take:

- sku: the item's `number` (the store's SKU of a product, or of one of its variants).
- price: `unitPrice`, as Business Central keeps it (with tax when the item's `priceIncludesTax`
  says so: it then matches the store only when the store enters prices with tax, as for MYOB).
- sale_price: None: Business Central keeps sale prices in price lists, which API v2.0 does not
  serve on items.
- cost: `unitCost`.
- stock: {"": inventory} of an Inventory item (Business Central's one total over its locations);
  none for a Service or Non-Inventory item, whose stock is not kept.

Item variants (`itemVariants`, page 30052) carry only itemId, itemNumber, code and description:
no price and no inventory, so none is read; a store variant takes prices and stock from the item
whose number is its SKU (docs/business-central.md).

Read oldest first: the whole change set is read, then handed out by lastModifiedDateTime (the
OData $orderby on a non-key field is not relied on). The read starts OVERLAP before the cursor:
a transaction stamps lastModifiedDateTime before it commits, so an item stamped just before the
last read's newest one may have become visible only after that read; reading it again costs a
row, writing it again nothing (the plan writes only what differs). A malformed item fails the
read with an UnreadableAnswer naming it.
"""

from collections.abc import Iterator
from datetime import datetime, timedelta
from decimal import Decimal

from connectors.answers import reading
from connectors.business_central.api import PAGE as API_PAGE
from connectors.business_central.api import datetime_literal
from connectors.canonical import ErpRecord, ItemChange
from connectors.erp import REF_LENGTH
from connectors.item_fields import number_field as _number
from connectors.item_fields import text_field as _text

ENTITY = "items"
SELECT = "id,number,type,unitPrice,unitCost,inventory,lastModifiedDateTime"
OVERLAP = timedelta(minutes=2)
PAGE = 500  # records per page handed to the plan
LABEL = "Business Central"
ETAG = "@odata.etag"
INVENTORY = "Inventory"  # the item type whose stock Business Central keeps
MAX_AMOUNT = Decimal("1e12")
MAX_QUANTITY = Decimal("1e12")
SKU_LENGTH = 255  # the store's SKU (Business Central's item number is at most 20)
VERSION_LENGTH = 64  # ExternalLink keeps versions this long


def bc_time(value) -> datetime:
    """lastModifiedDateTime as Business Central answers it: ISO 8601 in UTC ("...Z")."""
    if not isinstance(value, str):
        raise TypeError(f"lastModifiedDateTime ({value!r:.40}) is not a date and time")
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError(f"lastModifiedDateTime ({value!r:.40}) has no time zone")
    return moment


def _stock(item: dict) -> dict[str, Decimal]:
    kind = item.get("type")
    if kind is not None and not isinstance(kind, str):
        raise TypeError(f"type ({kind!r:.40}) is not an item type")
    if kind not in (None, INVENTORY):  # Service, Non-Inventory: no stock kept
        return {}
    return {"": _number(item, "inventory", MAX_QUANTITY)}


def _name(item) -> str:
    """How an error names the item: its number, else its id."""
    for field in ("number", "id"):
        value = item.get(field) if isinstance(item, dict) else None
        if isinstance(value, str) and value.strip():
            return f"{field} {value.strip()[:40]!r}"
    return "without a number"


def store_item(item: dict) -> ErpRecord:
    """The item's record for the catalog push (`item` as the API answers it)."""
    modified_at = bc_time(item["lastModifiedDateTime"])
    change = ItemChange(
        sku=_text(item, "number", SKU_LENGTH), price=_number(item, "unitPrice", MAX_AMOUNT),
        sale_price=None, cost=_number(item, "unitCost", MAX_AMOUNT), stock=_stock(item),
        modified_at=modified_at,
    )  # fmt: skip
    return ErpRecord(
        erp_id=_text(item, "id", REF_LENGTH), version=_text(item, ETAG, VERSION_LENGTH),
        modified_at=modified_at, data=change,
    )  # fmt: skip


def _read(item) -> ErpRecord:
    with reading(LABEL, f"the item {_name(item)}"):
        if not isinstance(item, dict):
            raise TypeError("an item is not a record")
        return store_item(item)


def modified_after(since: datetime) -> str:
    # The date-time literal is not quoted in OData v4 (Business Central's own example).
    return f"lastModifiedDateTime gt {datetime_literal(since)}"


def items_changed(
    api, since: datetime | None, *, page: int = API_PAGE
) -> Iterator[list[ErpRecord]]:
    """Pages of the items changed after `since` (less OVERLAP; None: every one), oldest first.
    `page`: the records per page asked of Business Central (odata.maxpagesize)."""
    query = {"filter": modified_after(since - OVERLAP)} if since is not None else {}
    records = {}
    for rows in api.pages(ENTITY, select=SELECT, page=page, **query):
        for item in rows:
            record = _read(item)
            records[record.erp_id] = record
    ordered = sorted(records.values(), key=lambda record: record.modified_at)
    for start in range(0, len(ordered), PAGE):
        yield ordered[start : start + PAGE]


def item_now(api, item_id: str) -> ErpRecord | None:
    """The item as it is now; None once deleted."""
    item = api.get(ENTITY, item_id)
    return None if item is None else _read(item)
