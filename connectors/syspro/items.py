"""Items, SYSPRO → BigCommerce: the catalog push's item source.

Each stock item (InvMaster) is an ErpRecord whose erp_id is its StockCode and whose data is the
ItemChange the store should take:

- sku: the StockCode.
- price: the SellingPrice of the connection's price code (InvPrice); with no price code set,
  INVQRY's SellingPrice (one query per item, so a price code is the cheaper set-up).
- sale_price, cost: None (the store's stay).
- stock: {warehouse: QtyOnHand - QtyAllocated} of the connection's warehouse (InvWarehouse);
  none for an item without a row in that warehouse (its stock is not kept there; that SYSPRO
  leaves such items without a row, rather than a zero one, is UNCONFIRMED).

No change timestamp: SYSPRO documents none on InvMaster, InvWarehouse or InvPrice that e.net's
COMFND serves (UNCONFIRMED: some releases may carry one; none is relied on). So every push reads
all the stock items, a page at a time (COMFND keyed by StockCode), and tells a changed one by a
digest of the values the store takes: a digest unlike the one last read (ItemDigest) stamps the
item changed now, and a push gets the items stamped after its cursor (all on its first run). The
stamp is kept whatever the push does next, so a push that fails before moving its cursor finds
the same items changed next time. A malformed item fails the read with an UnreadableAnswer
naming it.
"""

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from django.utils import timezone

from connectors.answers import reading
from connectors.canonical import ErpRecord, ItemChange
from connectors.item_fields import number_field, text_field
from connectors.syspro import xml
from connectors.syspro.client import LABEL
from connectors.syspro.models import ItemDigest

PAGE = 200  # stock items per COMFND page (and per page handed to the plan)
MAX_AMOUNT = Decimal("1e12")
MAX_QUANTITY = Decimal("1e12")
SKU_LENGTH = 255  # the store's SKU (SYSPRO's StockCode is at most 30)
MASTER = ("StockCode", "Description")
WAREHOUSE = ("StockCode", "Warehouse", "QtyOnHand", "QtyAllocated")
PRICE = ("StockCode", "PriceCode", "SellingPrice")


@dataclass(frozen=True)
class Where:
    """Which prices and stock the connection reads."""

    warehouse: str
    price_code: str = ""  # blank: INVQRY's SellingPrice


def _number(row: dict, field: str, limit: Decimal) -> Decimal:
    """A COMFND column (text) as a bounded number; blank or garbage raises (read as malformed)."""
    return number_field({field: Decimal(str(row[field]).strip())}, field, limit)


def _plain(number: Decimal) -> str:
    return format(number.normalize(), "f")


def item_change(code: str, stock_row: dict | None, price: Decimal | None, warehouse: str):
    """(the ItemChange, its version): the version is a digest of the values the store takes."""
    stock = {}
    if stock_row is not None:
        on_hand = _number(stock_row, "QtyOnHand", MAX_QUANTITY)
        stock = {warehouse: on_hand - _number(stock_row, "QtyAllocated", MAX_QUANTITY)}
    change = ItemChange(sku=text_field({"StockCode": code}, "StockCode", SKU_LENGTH),
                        price=price, stock=stock)  # fmt: skip
    # Numbers as plain values: 19.5 and 19.50000 are one price.
    taken = {"sku": change.sku, "price": None if price is None else _plain(price),
             "stock": {k: _plain(v) for k, v in stock.items()}}  # fmt: skip
    digest = hashlib.sha256(json.dumps(taken, sort_keys=True).encode()).hexdigest()
    return change, digest


def _price_of(row: dict) -> Decimal:
    return _number(row, "SellingPrice", MAX_AMOUNT)


def _by_code(rows: list[dict]) -> dict[str, dict]:
    return {str(row.get("StockCode") or "").strip(): row for row in rows}


def _invqry_price(api, code: str, warehouse: str) -> Decimal | None:
    """INVQRY's SellingPrice of one stock item (the connection sets no price code)."""
    xml_in = xml.build("Query", {
        "Key": {"StockCode": code},
        "Option": {"IncludeWarehouses": "N", "IncludeHistory": "N", "IncludeBins": "N"},
    })  # fmt: skip
    answer = api.query("INVQRY", xml_in, operation="items.invqry")
    found = xml.text(answer, "StockItem", "SellingPrice")
    return _number({"SellingPrice": found}, "SellingPrice", MAX_AMOUNT) if found else None


class ItemReader:
    """Reads stock items with their price and stock, a page at a time."""

    def __init__(self, api, where: Where, *, page: int | None = None):
        self.api, self.where, self.page = api, where, page or PAGE

    def _range(self, table, columns, first, last, condition) -> dict[str, dict]:
        rows = self.api.comfnd(
            table, list(columns),
            [("StockCode", "GE", first), ("StockCode", "LE", last), condition],
            max_rows=2 * self.page, order_by="StockCode", operation=f"items.{table.lower()}",
        )  # fmt: skip
        return _by_code(rows)

    def codes_page(self, after: str) -> list[str]:
        where = [("StockCode", "GT", after)] if after else []
        rows = self.api.comfnd("InvMaster", list(MASTER), where, max_rows=self.page,
                               order_by="StockCode", operation="items.invmaster")  # fmt: skip
        return [str(row.get("StockCode") or "").strip() for row in rows]

    def read(self, codes: list[str]) -> list[tuple[str, ItemChange, str]]:
        """[(stock code, change, version)] of these codes (in StockCode order, one COMFND page)."""
        if not codes:
            return []
        first, last = codes[0], codes[-1]
        stock = self._range("InvWarehouse", WAREHOUSE, first, last,
                            ("Warehouse", "EQ", self.where.warehouse))  # fmt: skip
        prices = {}
        if self.where.price_code:
            prices = self._range("InvPrice", PRICE, first, last,
                                 ("PriceCode", "EQ", self.where.price_code))  # fmt: skip
        out = []
        for code in codes:
            with reading(LABEL, f"the stock item {code[:40]!r}"):
                if self.where.price_code:
                    row = prices.get(code)
                    price = None if row is None else _price_of(row)
                else:
                    price = _invqry_price(self.api, code, self.where.warehouse)
                change, version = item_change(code, stock.get(code), price, self.where.warehouse)
            out.append((code, change, version))
        return out

    def pages(self) -> Iterator[list[tuple[str, ItemChange, str]]]:
        after = ""
        while True:
            codes = self.codes_page(after)
            if not codes:
                return
            if codes[-1] == after:  # the same page again: the paging would never end
                with reading(LABEL, "the stock items"):
                    raise ValueError(f"the page after StockCode {after!r:.40} ends with it again")
            yield self.read(codes)
            if len(codes) < self.page:
                return
            after = codes[-1]


def _stamped(code, change, version, stamp) -> ErpRecord:
    return ErpRecord(erp_id=code, version=version, modified_at=stamp,
                     data=replace(change, modified_at=stamp))  # fmt: skip


def items_changed(api, where: Where, since: datetime | None, *, page: int | None = None):
    """Pages of the stock items changed after `since` (None: every one), each stamped with the
    time its digest was first read (see the module's note)."""
    connection = api.connection
    known = {d.stock_code: d for d in ItemDigest.objects.filter(connection=connection)}
    for rows in ItemReader(api, where, page=page).pages():
        now, new, moved, records = timezone.now(), [], [], []
        for code, change, version in rows:
            kept = known.get(code)
            if kept is None:
                kept = known[code] = ItemDigest(connection=connection, stock_code=code,
                                                digest=version, changed_at=now)  # fmt: skip
                new.append(kept)
            elif kept.digest != version:
                kept.digest, kept.changed_at = version, now
                moved.append(kept)
            if since is None or kept.changed_at > since:
                records.append(_stamped(code, change, version, kept.changed_at))
        ItemDigest.objects.bulk_create(new, ignore_conflicts=True)
        ItemDigest.objects.bulk_update(moved, ["digest", "changed_at"])
        yield records


def item_now(api, where: Where, code: str) -> ErpRecord | None:
    """The stock item as it is now; None once deleted."""
    reader = ItemReader(api, where, page=1)
    found = api.comfnd("InvMaster", list(MASTER), [("StockCode", "EQ", code)], max_rows=1,
                       operation="items.invmaster")  # fmt: skip
    if not found:
        return None
    code = str(found[0].get("StockCode") or "").strip()
    ((code, change, version),) = reader.read([code])
    kept = ItemDigest.objects.filter(connection=api.connection, stock_code=code).first()
    stamp = kept.changed_at if kept is not None and kept.digest == version else timezone.now()
    return _stamped(code, change, version, stamp)
