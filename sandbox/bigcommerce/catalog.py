"""Changing products and variants as the Catalog API (and a person in the control panel) does:
validation with BigCommerce's limits, prices falling back to the product's, `calculated_price`,
stock at the default location, and the webhooks each change fires."""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction

from sandbox.bigcommerce import inventory
from sandbox.bigcommerce.delivery import emit
from sandbox.bigcommerce.models import BcProduct, BcStore, BcVariant, Tracking

# The Catalog API clamps a level above this to it (the Inventory API refuses instead).
MAX_LEVEL = 2_147_483_647
# Never written through the API: BigCommerce ignores them in a PUT.
READ_ONLY = frozenset(
    {"id", "date_created", "date_modified", "calculated_price", "base_variant_id"}
)
PRODUCT_PRICES = ("price", "sale_price", "retail_price", "cost_price")
VARIANT_PRICES = ("price", "sale_price", "retail_price", "cost_price")
TRACKINGS = {choice.value for choice in Tracking}


@dataclass
class Change:
    """A validated set of changes to one product or variant, or what is wrong with it."""

    fields: dict = field(default_factory=dict)
    level: int | None = None  # a new inventory_level at the default location
    errors: dict[str, str] = field(default_factory=dict)

    def message(self) -> str:
        return "; ".join(f"{name}: {text}" for name, text in self.errors.items())


def calculated_price(price: Decimal, sale_price: Decimal | None) -> Decimal:
    """The sale price when one is set and lower than the price, else the price."""
    if sale_price and Decimal(0) < sale_price < price:
        return sale_price
    return price


def variant_prices(variant: BcVariant, product: BcProduct) -> tuple[Decimal, Decimal]:
    """A variant's effective price and sale price: its own, or the product's where it has none."""
    price = variant.price if variant.price is not None else product.price
    sale = variant.sale_price if variant.sale_price is not None else product.sale_price
    return price, sale


def _money(value, *, nullable: bool) -> tuple[Decimal | None, str | None]:
    if value is None:
        return (None, None) if nullable else (None, "must be a number, not null")
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        return None, "must be a number"
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return None, "must be a number"
    if not amount.is_finite() or amount < 0:
        return None, "must be a number of 0 or more"
    if amount >= Decimal("1e8"):
        return None, "must be less than 100,000,000"
    return amount.quantize(Decimal("0.0001")), None


def _level(value) -> tuple[int | None, str | None]:
    if isinstance(value, bool) or not isinstance(value, int):
        return None, "must be a whole number"
    if value < 0:
        return None, "must be 0 or more"
    return min(value, MAX_LEVEL), None  # the catalog clamps


def _text(value, limit: int) -> tuple[str | None, str | None]:
    if not isinstance(value, str) or not value.strip():
        return None, "must be non-empty text"
    if len(value) > limit:
        return None, f"must be at most {limit} characters"
    return value, None


def product_change(store: BcStore, product: BcProduct, body: dict) -> Change:
    """What a PUT of `body` would change on `product`, validated; unknown fields are ignored."""
    change = Change()
    for name, value in body.items():
        if name in READ_ONLY:
            continue
        if name in PRODUCT_PRICES:
            parsed, error = _money(value, nullable=name == "retail_price")
        elif name == "inventory_level":
            parsed, error = _level(value)
        elif name == "inventory_tracking":
            parsed, error = (
                (value, None) if value in TRACKINGS else (None, "must be none, product or variant")
            )
        elif name == "name":
            parsed, error = _text(value, 250)
        elif name == "sku":
            parsed, error = _text(value, 255)
            if error is None and _sku_taken(store, parsed, product=product):
                error = f"the SKU {parsed} is already used by another product or variant"
        else:
            continue  # a field the sandbox does not keep
        if error:
            change.errors[name] = error
        elif name == "inventory_level":
            change.level = parsed
        else:
            change.fields[name] = parsed
    return change


def variant_change(store: BcStore, variant: BcVariant, body: dict) -> Change:
    change = Change()
    for name, value in body.items():
        if name in READ_ONLY or name == "product_id":
            continue
        if name in VARIANT_PRICES:
            parsed, error = _money(value, nullable=True)  # null: the product's price applies
        elif name == "inventory_level":
            parsed, error = _level(value)
        elif name == "sku":
            parsed, error = _text(value, 255)
            if error is None and _sku_taken(store, parsed, variant=variant):
                error = f"the SKU {parsed} is already used by another product or variant"
        else:
            continue
        if error:
            change.errors[name] = error
        elif name == "inventory_level":
            change.level = parsed
        else:
            change.fields[name] = parsed
    return change


def _sku_taken(store, sku, *, product=None, variant=None) -> bool:
    """A SKU is one product's or one variant's. A simple product and its base variant share
    theirs, so each excludes the other."""
    if variant is not None:
        product = variant.product if not variant.option_label else None
    products = BcProduct.objects.filter(store=store, sku=sku)
    variants = BcVariant.objects.filter(product__store=store, sku=sku)
    if product is not None:
        products = products.exclude(pk=product.pk)
        variants = variants.exclude(product=product, option_label="")
    if variant is not None:
        variants = variants.exclude(pk=variant.pk)
    return products.exists() or variants.exists()


@transaction.atomic
def product_apply(product: BcProduct, change: Change) -> BcProduct:
    """Apply a validated change; fires store/product/updated when anything changed."""
    changed = {k: v for k, v in change.fields.items() if getattr(product, k) != v}
    for name, value in changed.items():
        setattr(product, name, value)
    if "sku" in changed:  # a simple product's base variant carries the product's SKU
        product.variants.filter(option_label="").update(sku=changed["sku"])
    if changed:
        product.save()
    stock_changed = False
    if change.level is not None and product.inventory_tracking != Tracking.VARIANT:
        stock_changed = inventory.catalog_level_set(product, None, change.level)
    if changed or stock_changed:
        if stock_changed and not changed:
            product.save(update_fields=["date_modified"])
        emit(product.store, "store/product/updated", {"type": "product", "id": product.pk})
    return product


@transaction.atomic
def variant_apply(variant: BcVariant, change: Change) -> BcVariant:
    product = variant.product
    changed = {k: v for k, v in change.fields.items() if getattr(variant, k) != v}
    for name, value in changed.items():
        setattr(variant, name, value)
    if changed:
        variant.save()
    if "sku" in changed and not variant.option_label:
        BcProduct.objects.filter(pk=product.pk).update(sku=changed["sku"])
        product.sku = changed["sku"]
    stock_changed = False
    if change.level is not None:
        stock_changed = _variant_level_set(variant, change.level)
    if changed or stock_changed:
        product.save(update_fields=["date_modified"])
        emit(product.store, "store/product/updated", {"type": "product", "id": product.pk})
        if changed and variant.option_label:
            sku = {"product_id": product.pk, "variant_id": variant.pk}
            emit(product.store, "store/sku/updated", {"type": "sku", "id": variant.pk, "sku": sku})
    return variant


def _variant_level_set(variant: BcVariant, level: int) -> bool:
    """A variant's level counts when its product tracks by variant; a base variant's is its
    product's. Otherwise the catalog keeps it without effect, as BigCommerce does."""
    product = variant.product
    if not variant.option_label:
        if product.inventory_tracking == Tracking.VARIANT:
            return False
        return inventory.catalog_level_set(product, None, level)
    return inventory.catalog_level_set(product, variant, level)


def catalog_edit(store: BcStore, sku: str, **fields) -> BcProduct | BcVariant:
    """Edit a product or variant by SKU as a person would in the control panel (prices, cost,
    inventory_level, ...), firing the same webhooks as the API. A simple product's SKU edits the
    product; an option's SKU edits that variant. Raises ValueError on invalid values."""
    variant = (
        BcVariant.objects.select_related("product__store")
        .filter(product__store=store, sku=sku)
        .first()
    )
    if variant is None:
        product = BcProduct.objects.filter(store=store, sku=sku).first()
        if product is None:
            raise LookupError(f"No product or variant has the SKU {sku}.")
        target, change = product, product_change(store, product, fields)
    elif not variant.option_label:
        target, change = variant.product, product_change(store, variant.product, fields)
    else:
        target, change = variant, variant_change(store, variant, fields)
    if change.errors:
        raise ValueError(change.message())
    if isinstance(target, BcProduct):
        return product_apply(target, change)
    return variant_apply(target, change)
