"""Items, Acumatica → BigCommerce: stock items as the catalog push's source.

The stream lists the stock items (StockItem, Stock Items IN202500) whose LastModifiedDateTime is
after a cursor (every one on a push's first run), with their WarehouseDetails. Non-stock items
are left out: they carry no stock, and their prices are not pushed (a known limit). Each is an
ErpRecord: erp_id the item's id (a GUID that survives a change of Inventory ID), version its
LastModifiedDateTime (Acumatica keeps no row version in the contract), modified_at the same
moment, and data the ItemChange the store should take:

- sku: InventoryID (trimmed: Acumatica pads segmented IDs with spaces).
- price: DefaultPrice (the item's base price, ItemSettings.BasePrice); sale_price None.
- cost: by the item's ValuationMethod: "Standard" → CurrentStdCost, otherwise AverageCost
  (average and FIFO items) — UNCONFIRMED which one Acumatica's own BigCommerce connector pushes;
  None when Acumatica answers none, so the store's cost stays.
- stock: {WarehouseID: QtyOnHand} per warehouse detail line (the connection's warehouse map picks
  and sums them, docs/catalog-push.md).

The contract API has no $orderby (UNCONFIRMED: none is documented) and pages by $top/$skip, so
the whole change set is read, then handed out oldest first. The read starts OVERLAP before the
cursor: a transaction stamps LastModifiedDateTime before it commits, so an item stamped just
before the last read's newest one may have become visible only after that read; reading it again
costs a call, writing it again nothing (the plan writes only what differs). A malformed item
fails the read with an UnreadableAnswer naming it.
"""

from collections.abc import Iterator
from datetime import datetime, timedelta
from decimal import Decimal

from connectors.acumatica.api import PAGE as API_PAGE
from connectors.acumatica.api import AcumaticaApi
from connectors.answers import reading
from connectors.canonical import ErpRecord, ItemChange
from connectors.erp import REF_LENGTH
from connectors.item_fields import number_field as _number
from connectors.item_fields import text_field as _text

ENTITY = "StockItem"
EXPAND = "WarehouseDetails"
SELECT = (
    "InventoryID,DefaultPrice,ValuationMethod,CurrentStdCost,AverageCost,LastModifiedDateTime,"
    "WarehouseDetails/WarehouseID,WarehouseDetails/QtyOnHand"
)
OVERLAP = timedelta(minutes=2)
PAGE = 500  # records per page handed to the plan
LABEL = "Acumatica"
MAX_AMOUNT = Decimal("1e12")
MAX_QUANTITY = Decimal("1e12")
SKU_LENGTH = 255  # the store's SKU: a longer InventoryID can match none
VERSION_LENGTH = 64
WAREHOUSE_LENGTH = 30


def acumatica_time(value) -> datetime:
    """LastModifiedDateTime as Acumatica answers it: ISO 8601 with the instance's offset."""
    if not isinstance(value, str):
        raise TypeError(f"LastModifiedDateTime ({value!r:.40}) is not a date and time")
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError(f"LastModifiedDateTime ({value!r:.40}) has no time zone offset")
    return moment


def _cost(item: dict) -> Decimal | None:
    field = "CurrentStdCost" if item.get("ValuationMethod") == "Standard" else "AverageCost"
    return None if item.get(field) is None else _number(item, field, MAX_AMOUNT)


def _stock(item: dict) -> dict[str, Decimal]:
    lines = item.get("WarehouseDetails") or []
    if not isinstance(lines, list):
        raise TypeError("WarehouseDetails is not a list of warehouse lines")
    stock: dict[str, Decimal] = {}
    for line in lines:
        warehouse = _text(line, "WarehouseID", WAREHOUSE_LENGTH)
        if warehouse in stock:
            raise ValueError(f"warehouse {warehouse!r} is listed twice")
        stock[warehouse] = _number(line, "QtyOnHand", MAX_QUANTITY)
    return stock


def _name(item) -> str:
    """How an error names the item: its Inventory ID, else its id."""
    for field in ("InventoryID", "id"):
        value = item.get(field) if isinstance(item, dict) else None
        if isinstance(value, str) and value.strip():
            return f"{field} {value.strip()[:40]!r}"
    return "without an InventoryID"


def store_item(item: dict) -> ErpRecord:
    """The stock item's record for the catalog push (`item` as api.unwrapped gives it)."""
    modified_at = acumatica_time(item["LastModifiedDateTime"])
    change = ItemChange(
        sku=_text(item, "InventoryID", SKU_LENGTH), price=_number(item, "DefaultPrice", MAX_AMOUNT),
        sale_price=None, cost=_cost(item), stock=_stock(item), modified_at=modified_at,
    )  # fmt: skip
    return ErpRecord(
        erp_id=_text(item, "id", REF_LENGTH),
        version=_text(item, "LastModifiedDateTime", VERSION_LENGTH),
        modified_at=modified_at, data=change,
    )  # fmt: skip


def _read(item) -> ErpRecord:
    with reading(LABEL, f"the stock item {_name(item)}"):
        if not isinstance(item, dict):
            raise TypeError("a stock item is not a record")
        return store_item(item)


def modified_after(since: datetime) -> str:
    # Milliseconds: what Acumatica stamps; a finer literal may be refused (UNCONFIRMED).
    return f"LastModifiedDateTime gt datetimeoffset'{since.isoformat(timespec='milliseconds')}'"


def items_changed(
    api: AcumaticaApi, since: datetime | None, *, top: int = API_PAGE
) -> Iterator[list[ErpRecord]]:
    """Pages of the stock items changed after `since` (less OVERLAP; None: every one), oldest
    first. `top`: records per request."""
    query = {"filter": modified_after(since - OVERLAP)} if since is not None else {}
    records = {}
    for page in api.pages(ENTITY, expand=EXPAND, select=SELECT, top=top, **query):
        for item in page:
            record = _read(item)
            records[record.erp_id] = record  # $skip paging may show an item twice
    ordered = sorted(records.values(), key=lambda record: record.modified_at)
    for start in range(0, len(ordered), PAGE):
        yield ordered[start : start + PAGE]


def item_now(api: AcumaticaApi, item_id: str) -> ErpRecord | None:
    """The stock item as it is now; None once deleted."""
    item = api.get(ENTITY, item_id, expand=EXPAND)
    return None if item is None else _read(item)
