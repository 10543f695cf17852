"""The store's side of stock: its locations (which one is the default), whether an item's stock
can be set at all (tracking), and its levels now at the locations a push writes."""

from catalog.targets import Target
from connectors.answers import reading
from connectors.bigcommerce.store import LABEL
from connectors.models import StoreTracking

UNTRACKED = "untracked"
TRACKED_BY_PRODUCT = "tracked_by_product"
TRACKED_BY_VARIANT = "tracked_by_variant"


def default_location(locations: list[dict]) -> int | None:
    """The default location's id: the one marked so, else id 1 (BigCommerce's default in its
    examples), else none (a store whose locations cannot be read as any)."""
    with reading(LABEL, "GET v3/inventory/locations"):
        ids = [int(row["id"]) for row in locations]
        marked = [int(row["id"]) for row in locations if row.get("is_default")]
    if marked:
        return marked[0]
    return 1 if 1 in ids else None


def location_ids(locations: list[dict]) -> set[int]:
    with reading(LABEL, "GET v3/inventory/locations"):
        return {int(row["id"]) for row in locations}


def stock_problem(sku: str, target: Target) -> tuple[str, str] | None:
    """(problem, reason) when the store keeps no stock level for this SKU that we could set."""
    if target.tracking == StoreTracking.NONE:
        return UNTRACKED, (
            f"Stock of SKU {sku} is not pushed: the store does not track stock for "
            f"{target.label()}. Turn on inventory tracking there to have it pushed."
        )
    if target.variant_id and target.tracking == StoreTracking.PRODUCT:
        return TRACKED_BY_PRODUCT, (
            f"Stock of SKU {sku} is not pushed: product {target.product_id} tracks stock for "
            "the product as a whole, not per option, and the ERP's SKUs are its options'. Track "
            "it by option in the store, or give the product's own SKU an item in the ERP."
        )
    if not target.variant_id and target.tracking == StoreTracking.VARIANT:
        return TRACKED_BY_VARIANT, (
            f"Stock of SKU {sku} is not pushed: {target.label()} tracks stock per option but "
            "has no options. Track it by product in the store."
        )
    return None


def identity(target: Target) -> dict:
    """The inventory item an absolute adjustment names."""
    if target.variant_id:
        return {"variant_id": target.variant_id}
    return {"product_id": target.product_id}


IDS_PER_READ = 100  # ids per inventory read, so the URL stays short
# Past this many ids, reading every item at the locations takes fewer calls (250 per page).
READ_ALL_FROM = 2500
ITEMS = "GET v3/inventory/items"


def levels(store, targets: list[Target], locations: list[int]) -> dict:
    """{(target key, location id): units on hand} of these targets at these locations (a level
    the store does not list is absent: unknown, so written)."""
    products = {t.product_id: t for t in targets if not t.variant_id}
    variants = {t.variant_id: t for t in targets if t.variant_id}
    if len(products) + len(variants) > READ_ALL_FROM:
        reads = [{}]
    else:
        reads = [{"product_ids": part} for part in _chunks(sorted(products))]
        reads += [{"variant_ids": part} for part in _chunks(sorted(variants))]
    found = {}
    for filters in reads:
        for page in store.inventory_items(location_ids=locations, **filters):
            for item in page:
                with reading(LABEL, ITEMS):
                    _level_add(item, products, variants, set(locations), found)
    return found


def _level_add(item: dict, products: dict, variants: dict, locations: set, found: dict) -> None:
    identity = item["identity"]
    variant_id, product_id = identity.get("variant_id"), identity.get("product_id")
    target = variants.get(int(variant_id)) if variant_id is not None else None
    if target is None and product_id is not None:
        target = products.get(int(product_id))
    if target is None:
        return
    for place in item.get("locations") or []:
        location = int(place["location_id"])
        if location in locations:
            found[(target.key, location)] = int(place["total_inventory_onhand"])


def _chunks(ids: list[int]):
    for start in range(0, len(ids), IDS_PER_READ):
        yield ids[start : start + IDS_PER_READ]
