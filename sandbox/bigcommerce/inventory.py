"""Stock per location, as the Inventory API keeps it: locations, levels of products and variants,
and the webhooks a change of level fires. The Catalog API shows only the default location's."""

import contextlib
import time
import uuid
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from sandbox.bigcommerce.delivery import emit, emit_many
from sandbox.bigcommerce.models import (
    BcLocation,
    BcProduct,
    BcStock,
    BcStore,
    BcVariant,
    Tracking,
)

DEFAULT_CODE = "BC-LOCATION-1"  # the default location in BigCommerce's examples


def default_location(store: BcStore) -> BcLocation:
    location, _ = BcLocation.objects.get_or_create(
        store=store, is_default=True,
        defaults={"location_id": 1, "code": DEFAULT_CODE, "label": "Default location"},
    )  # fmt: skip
    return location


def location_add(store: BcStore, code: str, label: str) -> BcLocation:
    """Another location (a shop, a warehouse), numbered after the store's last; idempotent by code."""
    default_location(store)
    found = store.locations.filter(code=code).first()
    if found:
        return found
    last = store.locations.order_by("-location_id").values_list("location_id", flat=True).first()
    return BcLocation.objects.create(store=store, location_id=last + 1, code=code, label=label)


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


# --- the Inventory API's writes ----------------------------------------------------------------
MAX_ITEMS = 2000  # "Limit of 2000 items for payload length"
MAX_QUANTITY = 2_147_483_647  # the Inventory API refuses more (the catalog clamps)
IDENTIFIERS = ("variant_id", "product_id", "sku")
BUSY_SECONDS = 60  # a write that died holding the store's turn gives it up after this


class Refused(Exception):
    """An adjustment BigCommerce refuses whole (422, application/problem+json)."""

    def __init__(self, title: str, errors: dict | None = None):
        super().__init__(title)
        self.title, self.errors = title, errors or {}


class Busy(Exception):
    """Another inventory write of the store is being processed."""


@contextlib.contextmanager
def one_write_at_a_time(store: BcStore):
    """BigCommerce asks for one inventory request at a time per store ("wait to send new requests
    until the current request returns a 200"): a second one meanwhile is refused (Busy). The
    latency fault holds the turn, so a test can make two writes overlap."""
    key = f"sandbox-bc-inventory-write:{store.pk}"
    if not cache.add(key, 1, timeout=BUSY_SECONDS):
        raise Busy
    try:
        if store.fault_inventory_latency_ms:
            time.sleep(store.fault_inventory_latency_ms / 1000)
        yield
    finally:
        cache.delete(key)


@dataclass(frozen=True)
class Item:
    """One line of an adjustment, resolved: the stock it changes."""

    location: BcLocation
    product: BcProduct
    variant: BcVariant | None  # None: the product's own level
    quantity: int


def _line_errors(index: int, line, *, relative: bool) -> dict[str, str]:
    if not isinstance(line, dict):
        return {f"items.{index}": "must be an object"}
    errors = {}
    named = [name for name in IDENTIFIERS if name in line]
    if len(named) != 1:
        errors[f"items.{index}"] = "exactly one of variant_id, product_id or sku is required"
    for name in ("location_id", "quantity", "variant_id", "product_id"):
        value = line.get(name)
        if (name in line or name in ("location_id", "quantity")) and (
            isinstance(value, bool) or not isinstance(value, int)
        ):
            errors[f"items.{index}.{name}"] = "must be a whole number"
    if "sku" in line and not isinstance(line["sku"], str):
        errors[f"items.{index}.sku"] = "must be text"
    quantity = line.get("quantity")
    if isinstance(quantity, int) and not relative and not 0 <= quantity <= MAX_QUANTITY:
        errors[f"items.{index}.quantity"] = f"must be between 0 and {MAX_QUANTITY}"
    return errors


def _resolve(store: BcStore, lines: list[dict]) -> list[Item]:
    """The stock each line names, or Refused with BigCommerce's texts for lines that name an
    item the other way round from how it is tracked, or nothing at all."""
    locations = {loc.location_id: loc for loc in store.locations.all()}
    variants = BcVariant.objects.select_related("product").filter(product__store=store)
    by_variant_id = {v.pk: v for v in variants.filter(pk__in=_values(lines, "variant_id"))}
    by_sku = {v.sku: v for v in variants.filter(sku__in=_values(lines, "sku"))}
    products = BcProduct.objects.filter(store=store)
    by_product_id = {p.pk: p for p in products.filter(pk__in=_values(lines, "product_id"))}
    by_product_sku = {p.sku: p for p in products.filter(sku__in=_values(lines, "sku"))}
    items, problems = [], []
    for line in lines:
        name = next(n for n in IDENTIFIERS if n in line)
        value = line[name]
        location = locations.get(line["location_id"])
        if location is None:
            problems.append(f"Location with id {line['location_id']} not found")  # UNCONFIRMED text
            continue
        if name == "product_id":
            product, variant = by_product_id.get(value), None
        elif name == "variant_id":
            variant = by_variant_id.get(value)
            product = variant.product if variant else None
        else:
            variant = by_sku.get(value)
            product = variant.product if variant else by_product_sku.get(value)
        if product is None:
            problems.append(f"Item with {name} {value} not found")  # UNCONFIRMED text
            continue
        if variant is not None and not variant.option_label:
            variant = None  # a simple product's base variant: the product's own stock
            if name == "variant_id":
                problems.append(_tracked_by_product(name, value))
                continue
        tracking = product.inventory_tracking
        if variant is not None and tracking != Tracking.VARIANT:
            problems.append(_tracked_by_product(name, value))
            continue
        if variant is None and tracking == Tracking.VARIANT:
            problems.append(
                f"Item with {name} {value} is tracked by variant, please update stock by variant id"
            )  # UNCONFIRMED: the mirror of the file's text for the other way round
            continue
        items.append(Item(location, product, variant, line["quantity"]))
    if problems:
        raise Refused("[" + ", ".join(problems) + "]")
    return items


def _tracked_by_product(name: str, value) -> str:
    return f"Item with {name} {value} is tracked by product, please update stock by product id"


def _values(lines: list[dict], name: str) -> list:
    return [line[name] for line in lines if name in line]


def _stock_of(items: list[Item]) -> dict[tuple, BcStock]:
    products = {item.product.pk for item in items}
    rows = BcStock.objects.filter(product_id__in=products, location__in={i.location for i in items})
    return {(r.location_id, r.product_id, r.variant_id): r for r in rows}


def adjust(store: BcStore, body, *, relative: bool) -> str:
    """Apply an absolute (PUT) or relative (POST) adjustment whole, or refuse it whole.
    Returns the transaction id. Applied at once: BigCommerce's short asynchronous delay is
    not imitated."""
    if not isinstance(body, dict) or not isinstance(body.get("items"), list) or not body["items"]:
        raise Refused("Payload contains invalid fields", {"items": "an array of items is required"})
    lines = body["items"]
    if len(lines) > MAX_ITEMS:
        # UNCONFIRMED text; the file's limit is 2,000 items and its only refusal a 422.
        raise Refused(f"The payload has {len(lines)} items; the limit is {MAX_ITEMS}.")
    if "reason" in body and not isinstance(body["reason"], str):
        raise Refused("Payload contains invalid fields", {"reason": "must be text"})
    errors = {}
    for index, line in enumerate(lines):
        errors.update(_line_errors(index, line, relative=relative))
    if errors:
        raise Refused("Payload contains invalid fields", errors)
    with transaction.atomic():
        items = _resolve(store, lines)
        stock = _stock_of(items)
        if relative:
            never_set = [
                i for i in items if not _row(stock, i) or not _row(stock, i).set_absolutely
            ]
            if never_set:
                named = ", ".join(_identity_text(i) for i in never_set)
                raise Refused(
                    f"Items with identity: [{named}] requires absolute adjustment before relative"
                )
        events = _apply(store, items, stock, relative=relative)
        emit_many(store, events)
    return str(uuid.uuid4())


def _row(stock: dict, item: Item) -> BcStock | None:
    return stock.get((item.location.pk, item.product.pk, item.variant.pk if item.variant else None))


def _identity_text(item: Item) -> str:
    return f"variant_id {item.variant.pk}" if item.variant else f"product_id {item.product.pk}"


def _apply(store, items: list[Item], stock: dict, *, relative: bool) -> list[tuple[str, dict]]:
    new, changed, events, touched = {}, {}, [], set()
    for item in items:
        key = (item.location.pk, item.product.pk, item.variant.pk if item.variant else None)
        row = stock.get(key) or new.get(key)
        if row is None:
            row = new[key] = BcStock(location=item.location, product=item.product,
                                     variant=item.variant)  # fmt: skip
        level = row.quantity + item.quantity if relative else item.quantity
        if not 0 <= level <= MAX_QUANTITY:  # UNCONFIRMED: how BigCommerce words this
            raise Refused(f"[Item with {_identity_text(item)} would have {level} in stock]")
        row.quantity, row.set_absolutely = level, True
        if row.pk:
            changed[key] = row
        method = "relative" if relative else "absolute"
        event = inventory_event(item.product, key[2], method, item.quantity)
        if event:
            events.append(event)
            if item.location.is_default:
                touched.add(item.product.pk)  # the catalog's level changed
    BcStock.objects.bulk_create(new.values())
    BcStock.objects.bulk_update(changed.values(), ["quantity", "set_absolutely"])
    BcProduct.objects.filter(pk__in=touched).update(date_modified=timezone.now())
    events += [("store/product/updated", {"type": "product", "id": pk}) for pk in sorted(touched)]
    return events
