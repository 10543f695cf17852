"""Stock per location, as the Inventory API keeps it: locations, levels of products and variants,
and the webhooks a change of level fires. The Catalog API shows only the default location's."""

from sandbox.bigcommerce.delivery import emit
from sandbox.bigcommerce.models import BcLocation, BcProduct, BcStock, BcStore, Tracking

DEFAULT_CODE = "BC-LOCATION-1"  # the default location in BigCommerce's examples


def default_location(store: BcStore) -> BcLocation:
    location, _ = BcLocation.objects.get_or_create(
        store=store, is_default=True,
        defaults={"location_id": 1, "code": DEFAULT_CODE, "label": "Default location"},
    )  # fmt: skip
    return location


def counts(product: BcProduct, variant_id: int | None) -> bool:
    """Whether a level of (product, variant) is the one BigCommerce applies: the product's when
    it tracks by product, a variant's when by variant. A simple product's base variant is the
    product itself (variant_id None)."""
    wanted = Tracking.VARIANT if variant_id else Tracking.PRODUCT
    return product.inventory_tracking == wanted


def inventory_event(product: BcProduct, variant_id: int | None, method: str, value: int):
    """(scope, data) of the webhook a tracked level change fires, or None when untracked."""
    if not counts(product, variant_id):
        return None
    if variant_id is None:
        inventory = {"product_id": product.pk, "method": method, "value": value}
        return "store/product/inventory/updated", {"type": "product", "id": product.pk,
                                                   "inventory": inventory}  # fmt: skip
    inventory = {
        "product_id": product.pk,
        "method": method,
        "value": value,
        "variant_id": variant_id,
    }
    return "store/sku/inventory/updated", {"type": "sku", "id": variant_id, "inventory": inventory}


def catalog_level_set(product: BcProduct, variant, level: int) -> bool:
    """Set a level at the default location through the catalog (an absolute adjustment under
    the hood). Returns whether it changed; a tracked change fires its inventory webhook."""
    location = default_location(product.store)
    stock, _ = BcStock.objects.get_or_create(location=location, product=product, variant=variant)
    if stock.quantity == level and stock.set_absolutely:
        return False
    stock.quantity, stock.set_absolutely = level, True
    stock.save(update_fields=["quantity", "set_absolutely"])
    event = inventory_event(product, variant.pk if variant else None, "absolute", level)
    if event:
        emit(product.store, *event)
    return True


def default_levels(products) -> dict[tuple[int, int | None], int]:
    """{(product id, variant id or None): level} at the default location, for a page of products."""
    ids = [p.pk for p in products]
    if not ids:
        return {}
    rows = BcStock.objects.filter(product_id__in=ids, location__is_default=True)
    return {
        (r.product_id, r.variant_id): r.quantity
        for r in rows.only("product_id", "variant_id", "quantity")
    }
