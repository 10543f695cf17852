"""Where each SKU lives in the store's catalog, read from the store's product listing (with its
variants) and kept on the item links (connectors.models.ExternalLink, entity "item", source id
the SKU): the product, the variant (none for a product without options) and how its stock is
tracked. A SKU on two records of the store is a problem on its link, never a guess."""

from dataclasses import dataclass, field

from catalog.desired import as_text
from catalog.models import PushField
from connectors.answers import reading
from connectors.bigcommerce.store import LABEL
from connectors.models import ExternalLink, LinkEntity, StoreTracking

LISTING = "GET v3/catalog/products (include=variants)"


@dataclass(frozen=True)
class Target:
    product_id: int
    variant_id: int | None  # None: a product without options, written through the product
    tracking: str  # StoreTracking
    # The store's values now: {"price": "12.5", "sale_price": …, "cost": …} (None: not set).
    values: dict = field(default_factory=dict, compare=False)

    @property
    def key(self) -> str:
        return f"variant:{self.variant_id}" if self.variant_id else f"product:{self.product_id}"

    def label(self) -> str:
        return (
            f"variant {self.variant_id} of product {self.product_id}"
            if self.variant_id
            else f"product {self.product_id}"
        )


@dataclass
class Listing:
    """SKUs as one read of the store found them."""

    targets: dict[str, list[Target]] = field(default_factory=dict)  # sku: where it is
    parents: dict[str, int] = field(default_factory=dict)  # sku of a product with options: id
    products: set[int] = field(default_factory=set)  # the products this read saw

    def add_page(self, products: list[dict]) -> None:
        for product in products:
            with reading(LABEL, LISTING):
                self._add(product)

    def _add(self, product: dict) -> None:
        product_id = int(product["id"])
        tracking = str(product.get("inventory_tracking") or StoreTracking.NONE)
        if tracking not in StoreTracking.values:
            raise ValueError(f"inventory_tracking {tracking!r}")
        self.products.add(product_id)
        variants = [v for v in product.get("variants") or [] if v.get("option_values")]
        if not variants:  # no options: the product (and its base variant) is the SKU
            self._found(product.get("sku"), Target(product_id, None, tracking, _money(product)))
            return
        # An option's price, sale price or cost left empty is the product's (the storefront shows
        # that): the value to compare with.
        inherited = _money(product)
        for variant in variants:
            values = {k: inherited[k] if v is None else v for k, v in _money(variant).items()}
            self._found(
                variant.get("sku"), Target(product_id, int(variant["id"]), tracking, values)
            )
        sku = str(product.get("sku") or "").strip()
        if sku and sku not in {str(v.get("sku") or "").strip() for v in variants}:
            self.parents[sku] = product_id

    def _found(self, sku, target: Target) -> None:
        sku = str(sku or "").strip()
        if sku:
            self.targets.setdefault(sku, []).append(target)

    def one(self, sku: str) -> Target | None:
        found = self.targets.get(sku, [])
        return found[0] if len(found) == 1 else None


def _money(record: dict) -> dict:
    return {
        PushField.PRICE: as_text(record.get("price")),
        PushField.SALE_PRICE: as_text(record.get("sale_price")),
        PushField.COST: as_text(record.get("cost_price")),
    }


def duplicate_reason(sku: str, targets: list[Target]) -> str:
    places = " and ".join(t.label() for t in targets[:3])
    more = f" (and {len(targets) - 3} more)" if len(targets) > 3 else ""
    return f"The store has SKU {sku} on {places}{more}; give each its own SKU."


def parent_reason(sku: str, product_id: int) -> str:
    return (
        f"SKU {sku} is product {product_id}, which has options: its prices and stock are kept "
        "per option, so the ERP's items should carry the options' SKUs."
    )


def link_target(link: ExternalLink | None) -> Target | None:
    if link is None or link.store_product_id is None or link.store_problem:
        return None
    return Target(link.store_product_id, link.store_variant_id, link.store_tracking)


def links_save(connection, listing: Listing, *, full: bool) -> None:
    """Write the listing's SKUs onto the item links: where each is, or why it has no one place.
    `full`: the listing is the whole catalog, so a linked SKU it lacks is no longer in the store."""
    wanted = {sku: _place(sku, listing) for sku in {*listing.targets, *listing.parents}}
    existing = ExternalLink.objects.filter(connection=connection, entity=LinkEntity.ITEM)
    if not full:
        existing = existing.filter(source_id__in=list(wanted))
    changed = []
    for link in existing.iterator(chunk_size=2000):
        place = wanted.pop(link.source_id, None)
        if place is None:  # a full listing without the SKU: not in the store
            place = {"store_product_id": None, "store_variant_id": None, "store_tracking": "",
                     "store_problem": ""}  # fmt: skip
        if any(getattr(link, name) != value for name, value in place.items()):
            moved = (link.store_product_id, link.store_variant_id) != (
                place["store_product_id"],
                place["store_variant_id"],
            )
            if moved:  # what the old place took from us says nothing about the new one
                link.pushed_values = {}
            for name, value in place.items():
                setattr(link, name, value)
            changed.append(link)
    ExternalLink.objects.bulk_update(changed, [*_EMPTY_PLACE, "pushed_values"], batch_size=1000)
    ExternalLink.objects.bulk_create(
        [
            ExternalLink(
                connection=connection, entity=LinkEntity.ITEM, source_id=sku, erp_id="", **place
            )
            for sku, place in wanted.items()
        ],
        batch_size=1000,
        ignore_conflicts=True,  # a concurrent read of the same catalog made it first
    )


_EMPTY_PLACE = ("store_product_id", "store_variant_id", "store_tracking", "store_problem")


def _place(sku: str, listing: Listing) -> dict:
    targets = listing.targets.get(sku, [])
    if len(targets) == 1:
        target = targets[0]
        return {"store_product_id": target.product_id, "store_variant_id": target.variant_id,
                "store_tracking": target.tracking, "store_problem": ""}  # fmt: skip
    if targets:
        problem = duplicate_reason(sku, targets)
    else:
        problem = parent_reason(sku, listing.parents[sku])
    return {"store_product_id": None, "store_variant_id": None, "store_tracking": "",
            "store_problem": problem[:300]}  # fmt: skip
