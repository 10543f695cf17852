"""The store's side of a reconciliation: the orders placed in the period, from BigCommerce's own
order list (not our job records), read in the backfill lane of the store's budget."""

from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal

from connectors.answers import reading
from connectors.bigcommerce.mapping import record_id, rfc2822
from connectors.bigcommerce.statuses import STATUS_NAMES
from connectors.bigcommerce.store import BigCommerceStore
from reconciliation.matching import StoreOrder
from sync.models import Lane


def store_order(raw: dict) -> StoreOrder:
    status_id = int(raw["status_id"])
    return StoreOrder(
        id=record_id(raw["id"]),
        placed_at=rfc2822(raw["date_created"]) if raw.get("date_created") else None,
        status_id=status_id,
        status=str(raw.get("status") or STATUS_NAMES.get(status_id, status_id)),
        total=Decimal(str(raw["total_inc_tax"])).quantize(Decimal("0.01")),
        currency=str(raw.get("currency_code") or "")[:3],
    )


def store_orders(connection, since: datetime, until: datetime) -> Iterator[list[StoreOrder]]:
    """Pages of the orders placed in [since, until): BigCommerce's max_date_created includes
    its second, so an order placed exactly at `until` is left to the next period here."""
    store = BigCommerceStore(connection, lane=Lane.BACKFILL)
    for page in store.orders_created_between(since, until):
        with reading("BigCommerce", "the order list"):
            orders = [store_order(raw) for raw in page]
        yield [order for order in orders if order.placed_at is None or order.placed_at < until]
