"""BigCommerce endpoints ml-connector uses, on the audited client. Paths follow the official specs."""

from collections.abc import Iterator
from datetime import datetime

from connectors.answers import expect, json_of, reading, rows_of
from connectors.bigcommerce.client import store_client
from connectors.bigcommerce.mapping import record_id
from connectors.errors import PermanentError
from connectors.ratelimit import LIVE

V2_PAGE = 100
V3_PAGE = 100
LABEL = "BigCommerce"
ORDER_WITH_LINES = {"include": "consignments.line_items", "consignment_structure": "object"}


class BigCommerceStore:
    def __init__(self, connection, *, lane: str = LIVE):
        self.connection = connection
        self.http = store_client(connection, lane=lane)

    # -- paging -----------------------------------------------------------------------------
    def _v2_pages(self, path: str, operation: str, params=None) -> Iterator[list[dict]]:
        """v2 lists are bare arrays; an empty page is 204 with no body."""
        page = 1
        while True:
            response = self.http.get(
                path, operation=operation, params={**(params or {}), "page": page, "limit": V2_PAGE}
            )
            rows = []
            if response.status_code != 204 and response.content:
                rows = rows_of(json_of(response, LABEL), LABEL, f"GET {path}")
            if rows:
                yield rows
            if len(rows) < V2_PAGE:
                return
            page += 1

    def _v3_all(self, path: str, operation: str, params=None) -> list[dict]:
        pages = v3_pages(self.http, path, operation, params, limit=V3_PAGE)
        return [row for page in pages for row in page]

    def _one_or_none(self, path: str, operation: str, params=None):
        try:
            response = self.http.get(path, operation=operation, params=params)
        except PermanentError as exc:
            if exc.status == 404:
                return None
            raise
        return expect(json_of(response, LABEL), dict, LABEL, f"GET {path}")

    # -- store ------------------------------------------------------------------------------
    def store_info(self) -> dict:
        response = self.http.get("v2/store", operation="store.get")
        return expect(json_of(response, LABEL), dict, LABEL, "GET v2/store")

    # -- orders -----------------------------------------------------------------------------
    def order(self, order_id) -> dict | None:
        return self._one_or_none(f"v2/orders/{order_id}", "order.get")

    def order_with_lines(self, order_id) -> dict | None:
        """The order with its line items and ship-to addresses, grouped in consignments: one
        call of the store's budget where the order, its products and its shipping addresses
        took three."""
        return self._one_or_none(f"v2/orders/{order_id}", "order.get", ORDER_WITH_LINES)

    def order_products(self, order_id) -> list[dict]:
        pages = self._v2_pages(f"v2/orders/{order_id}/products", "order.products")
        return [row for page in pages for row in page]

    def order_shipping_addresses(self, order_id) -> list[dict]:
        pages = self._v2_pages(
            f"v2/orders/{order_id}/shipping_addresses", "order.shipping_addresses"
        )
        return [row for page in pages for row in page]

    def orders_latest(self, count: int) -> list[dict]:
        """The store's `count` newest orders, newest first, in one read (the set-up's dry-run)."""
        params = {"sort": "date_created:desc", "page": 1, "limit": count}
        response = self.http.get("v2/orders", operation="orders.list", params=params)
        if response.status_code == 204 or not response.content:
            return []
        return rows_of(json_of(response, LABEL), LABEL, "GET v2/orders")[:count]

    def orders_modified_since(self, since: datetime) -> Iterator[list[dict]]:
        """Pages of orders, oldest change first, so a cursor can advance page by page."""
        params = {"min_date_modified": since.isoformat(), "sort": "date_modified:asc"}
        yield from self._v2_pages("v2/orders", "orders.list", params)

    def orders_created_between(self, since: datetime, until: datetime) -> Iterator[list[dict]]:
        """Pages of the orders placed in [since, until] (both ends included, as BigCommerce's
        min_date_created / max_date_created are), oldest first: reconciliation's store side."""
        params = {
            "min_date_created": since.isoformat(),
            "max_date_created": until.isoformat(),
            "sort": "date_created:asc",
        }
        yield from self._v2_pages("v2/orders", "orders.list", params)

    def transactions(self, order_id) -> list[dict]:
        return self._v3_all(f"v3/orders/{order_id}/transactions", "order.transactions")

    def refunds(self, order_id) -> list[dict]:
        return self._v3_all(f"v3/orders/{order_id}/payment_actions/refunds", "order.refunds")

    # -- customers --------------------------------------------------------------------------
    def customer(self, customer_id) -> dict | None:
        """v3 has no single-customer GET: filter with id:in."""
        rows = self._v3_all(
            "v3/customers", "customer.get", {"id:in": customer_id, "include": "addresses"}
        )
        return rows[0] if rows else None

    def customer_ids(self) -> list[int]:
        """Every customer's id (the initial pull of customers into an ERP)."""
        with reading(LABEL, "GET v3/customers"):
            return [record_id(row["id"]) for row in self._v3_all("v3/customers", "customer.list")]

    def customer_update(self, customer_id, changes: dict) -> bool:
        """Apply {"customer": {...}, "address": {"id", ...}} from an ERP; False when empty."""
        if changes.get("customer"):
            body = [{"id": int(customer_id), **changes["customer"]}]
            self.http.put("v3/customers", operation="customer.update", json=body)
        if changes.get("address"):
            body = [{"customer_id": int(customer_id), **changes["address"]}]
            self.http.put("v3/customers/addresses", operation="customer.address.update", json=body)
        return bool(changes.get("customer") or changes.get("address"))

    # -- catalog ----------------------------------------------------------------------------
    def variant_by_sku(self, sku: str) -> dict | None:
        rows = self._v3_all("v3/catalog/variants", "catalog.variant_by_sku", {"sku": sku})
        return rows[0] if rows else None

    # -- hooks ------------------------------------------------------------------------------
    def hooks(self) -> list[dict]:
        return self._v3_all("v3/hooks", "hooks.list")

    def create_hook(self, *, scope: str, destination: str, headers: dict) -> dict:
        body = {"scope": scope, "destination": destination, "is_active": True, "headers": headers}
        response = self.http.post("v3/hooks", operation="hooks.create", json=body)
        return _hook(response, "POST v3/hooks")

    def update_hook(self, hook_id, **fields) -> dict:
        response = self.http.put(f"v3/hooks/{hook_id}", operation="hooks.update", json=fields)
        return _hook(response, f"PUT v3/hooks/{hook_id}")


def _hook(response, what: str) -> dict:
    body = expect(json_of(response, LABEL), dict, LABEL, what)
    return expect(body.get("data"), dict, LABEL, f"{what} (data)")


def v3_pages(http, path: str, operation: str, params=None, *, limit: int) -> Iterator[list[dict]]:
    """The pages of a v3 list (meta.pagination); 204 or an empty page ends it."""
    page = 1
    while True:
        response = http.get(
            path, operation=operation, params={**(params or {}), "page": page, "limit": limit}
        )
        if response.status_code == 204 or not response.content:
            return
        body = expect(json_of(response, LABEL), dict, LABEL, f"GET {path}")
        found = rows_of(body.get("data", []), LABEL, f"GET {path}")
        if found:
            yield found
        with reading(LABEL, f"GET {path} (meta.pagination)"):
            total_pages = int(
                (body.get("meta") or {}).get("pagination", {}).get("total_pages") or 1
            )
        if page >= total_pages or not found:  # an empty page ends a list that claims more
            return
        page += 1
