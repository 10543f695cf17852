"""The store's catalog and inventory, as the ERP → store push reads and writes them: products and
variants (Catalog API), locations and stock per location (Inventory API), on the audited client.
Paths, parameters and limits follow BigCommerce's OpenAPI files; a batch's failed rows, a
too-large batch and a refused adjustment reach the caller in plain words."""

from collections.abc import Iterator
from datetime import UTC, datetime

from connectors.answers import expect, json_of, reading
from connectors.bigcommerce.client import RULES, store_client
from connectors.bigcommerce.store import LABEL, v3_pages
from connectors.errors import PermanentError
from connectors.ratelimit import LIVE

# BigCommerce's limits: products per batch PUT, variants per batch PUT, items per adjustment.
PRODUCTS_BATCH = 10
VARIANTS_BATCH = 50
INVENTORY_BATCH = 2000
PAGE = 250  # the catalog's largest page
IDS_PER_QUERY = 100  # ids or SKUs in one filter, so the URL stays short
# What a price and stock push reads of a product; the id always comes. Variants asked for with
# include=variants come whole: the file's include_fields names product fields only.
PUSH_FIELDS = (
    "sku", "price", "sale_price", "retail_price", "cost_price", "inventory_level",
    "inventory_tracking", "base_variant_id", "date_modified",
)  # fmt: skip


def _chunks(values: list, size: int) -> Iterator[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _comma(values) -> str:
    return ",".join(str(v) for v in values)


class StoreCatalog:
    def __init__(self, connection, *, lane: str = LIVE):
        self.connection = connection
        self.http = store_client(connection, lane=lane)

    # -- catalog reads ----------------------------------------------------------------------
    def products(
        self, *, ids=None, skus=None, modified_since: datetime | None = None, include_variants=True
    ) -> Iterator[list[dict]]:
        """Pages of products (with their variants), filtered by ids, SKUs or modification."""
        params = {"include_fields": _comma(PUSH_FIELDS)}
        if include_variants:
            params["include"] = "variants"
        if modified_since is not None:
            # With a date alone BigCommerce adds the current time of day: always send the time.
            since = modified_since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            params["date_modified:min"] = since
        filters = [{}]
        if ids is not None:
            filters = [{"id:in": _comma(part)} for part in _chunks(list(ids), IDS_PER_QUERY)]
        elif skus is not None:
            filters = [{"sku:in": _comma(part)} for part in _chunks(list(skus), IDS_PER_QUERY)]
        for extra in filters:
            yield from v3_pages(
                self.http, "v3/catalog/products", "catalog.products", {**params, **extra},
                limit=PAGE,
            )  # fmt: skip

    def variants_by_sku(self, sku: str) -> list[dict]:
        pages = v3_pages(
            self.http, "v3/catalog/variants", "catalog.variants_by_sku", {"sku": sku}, limit=PAGE
        )
        return [row for page in pages for row in page]

    # -- catalog writes ---------------------------------------------------------------------
    def products_update(self, rows: list[dict]) -> list[dict]:
        """One batch PUT of at most PRODUCTS_BATCH products (each with its id). Returns the rows
        BigCommerce did not update, as [{id, message}] (a 207 multi-status); [] when all were."""
        if len(rows) > PRODUCTS_BATCH:
            raise ValueError(f"BigCommerce updates at most {PRODUCTS_BATCH} products at once.")
        response = self.http.put("v3/catalog/products", operation="catalog.products_update",
                                 json=rows, params={"include_fields": "sku"})  # fmt: skip
        if response.status_code != 207:
            return []
        body = expect(json_of(response, LABEL), dict, LABEL, "PUT v3/catalog/products")
        errors = body.get("errors")
        with reading(LABEL, "PUT v3/catalog/products (errors)"):
            details = errors.get("errors") if isinstance(errors, dict) else None
            title = str(errors.get("title") or "") if isinstance(errors, dict) else ""
            if not isinstance(details, dict) or not details:
                return [{"id": None, "message": _refused("products", title or str(errors))}]
            return [
                {"id": _row_id(key), "message": _refused(f"product {key}", str(text))}
                for key, text in details.items()
            ]

    def variants_update(self, rows: list[dict]) -> list[dict]:
        """One batch PUT of at most VARIANTS_BATCH variants (each with its id). Returns the rows
        BigCommerce did not update (a 422 with batch_errors) as [{id, message}]."""
        if len(rows) > VARIANTS_BATCH:
            raise ValueError(f"BigCommerce updates at most {VARIANTS_BATCH} variants at once.")
        response = self.http.put("v3/catalog/variants", operation="catalog.variants_update",
                                 json=rows, read_statuses=frozenset({422}))  # fmt: skip
        if response.status_code != 422:
            return []
        body = json_of(response, LABEL)
        batch = body.get("batch_errors") if isinstance(body, dict) else None
        if not isinstance(batch, list) or not batch:  # the whole request was refused
            raise PermanentError(RULES.error_message(response), status=422)
        failures = []
        with reading(LABEL, "PUT v3/catalog/variants (batch_errors)"):
            for item in batch:
                item = expect(item, dict, LABEL, "a batch error of PUT v3/catalog/variants")
                details = item.get("errors") if isinstance(item.get("errors"), dict) else {}
                row_id = _row_id(details.get("id"))
                what = f"variant {row_id}" if row_id is not None else "a variant"
                failures.append({"id": row_id, "message": _refused(what, str(item.get("title")))})
        return failures

    # -- inventory --------------------------------------------------------------------------
    def locations(self) -> list[dict]:
        pages = v3_pages(self.http, "v3/inventory/locations", "inventory.locations", limit=PAGE)
        return [row for page in pages for row in page]

    def inventory_items(
        self, *, location_ids=None, product_ids=None, variant_ids=None
    ) -> Iterator[list[dict]]:
        """Pages of inventory items with their level at each location."""
        params = {}
        if location_ids:
            params["location_id:in"] = _comma(location_ids)
        if product_ids:
            params["product_id:in"] = _comma(product_ids)
        if variant_ids:
            params["variant_id:in"] = _comma(variant_ids)
        yield from v3_pages(self.http, "v3/inventory/items", "inventory.items", params, limit=PAGE)

    def inventory_absolute(self, location_rows: list[dict], reason: str) -> str:
        """Set levels: [{location_id, variant_id | product_id | sku, quantity}], at most
        INVENTORY_BATCH. Returns BigCommerce's transaction id; a refusal (422) is a
        PermanentError with BigCommerce's words."""
        if len(location_rows) > INVENTORY_BATCH:
            raise ValueError(f"BigCommerce adjusts at most {INVENTORY_BATCH} items at once.")
        response = self.http.put(
            "v3/inventory/adjustments/absolute", operation="inventory.absolute",
            json={"reason": reason, "items": location_rows},
        )  # fmt: skip
        body = expect(json_of(response, LABEL), dict, LABEL, "PUT v3/inventory/adjustments")
        with reading(LABEL, "PUT v3/inventory/adjustments/absolute (transaction_id)"):
            transaction_id = body["transaction_id"]
            if not isinstance(transaction_id, str | int) or isinstance(transaction_id, bool):
                raise TypeError("transaction_id is not text")
        return str(transaction_id)

    # -- orders -----------------------------------------------------------------------------
    def orders_count(self) -> int:
        response = self.http.get("v2/orders/count", operation="orders.count")
        body = expect(json_of(response, LABEL), dict, LABEL, "GET v2/orders/count")
        with reading(LABEL, "GET v2/orders/count (count)"):
            return int(body["count"])


def _row_id(key) -> int | None:
    text = str(key)
    return int(text) if text.isdigit() else None


def _refused(what: str, detail: str) -> str:
    return f"BigCommerce did not update {what}: {detail.rstrip('.')}."
