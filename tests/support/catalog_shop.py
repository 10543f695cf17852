"""A sandbox store and the fake ERP sharing one generated catalog (sandbox/catalog_seed.py), for
the catalog push's tests: the store's products (sandbox/bigcommerce/catalog_build.py), the ERP's
items with the same SKUs, and waiting for a push to settle."""

import itertools
from dataclasses import dataclass
from decimal import Decimal

from catalog.models import CatalogPush, PushState
from sandbox.bigcommerce.catalog_build import catalog_build
from sandbox.bigcommerce.models import BcProduct, BcStock, BcStore, BcVariant
from sandbox.catalog_seed import SeedProduct, catalog_seed
from tests.support.fake_erp import FakeLedger
from tests.support.worker import wait_until

SETTLED = (PushState.PREVIEW, PushState.HELD, PushState.DONE, PushState.FAILED,
           PushState.CANCELLED)  # fmt: skip
_hashes = itertools.count(1)


def store_hash() -> str:
    return f"cat{next(_hashes)}"


def store_catalog(store: BcStore, products: list[SeedProduct]) -> None:
    """The seed's products in the store (beside the store's own few), with stock at the default
    location and a second one, the Shopfront."""
    catalog_build(store, products, shopfront=True)


@dataclass(frozen=True)
class SeedSku:
    sku: str
    price: Decimal
    cost: Decimal
    stock: int
    tracking: str
    option: bool


def seed_skus(products: list[SeedProduct]) -> list[SeedSku]:
    """Each SKU of the seed the ERP has an item for, as the store holds it."""
    return [
        SeedSku(sku, price or p.price, p.cost, p.stock, p.tracking, bool(p.variants))
        for p in products
        if not p.erp_lacks
        for sku, price in ([(v.sku, v.price) for v in p.variants] or [(p.sku, p.price)])
    ]


def erp_items(skus: list[SeedSku], *, price=lambda s: s.price, stock=lambda s: {"": s.stock}):
    """Fake ERP items for these SKUs (the item id is the SKU)."""
    return [{"sku": s.sku, "price": price(s), "cost": s.cost, "stock": stock(s)} for s in skus]


def seeded(store: BcStore, erp: FakeLedger, count: int, **item_fields) -> list[SeedSku]:
    products = catalog_seed(count)
    store_catalog(store, products)
    skus = seed_skus(products)
    erp.items_set(erp_items(skus, **item_fields))
    return skus


def push_settled(push: CatalogPush, timeout: float = 90) -> CatalogPush:
    """Wait until the push stopped for a person or ended, and every batch asked for ran."""

    def settled():
        push.refresh_from_db()
        if push.state == PushState.WRITING:
            return False
        return push.state in SETTLED and not push.batches.filter(state="queued").exists()

    wait_until(settled, timeout=timeout, message=f"push {push.pk} did not settle")
    return push


def store_value(store: BcStore, sku: str, field: str):
    """A SKU's own value in the store (a variant's None: the product's applies)."""
    variant = (
        BcVariant.objects.filter(product__store=store, sku=sku).select_related("product").first()
    )
    if variant is not None and variant.option_label:
        return getattr(variant, field)
    return getattr(BcProduct.objects.get(store=store, sku=sku), field)


def store_level(store: BcStore, sku: str, location_id: int = 1) -> int | None:
    """A SKU's stock at a location: its variant's, or its product's."""
    variant = (
        BcVariant.objects.filter(product__store=store, sku=sku).select_related("product").first()
    )
    levels = BcStock.objects.filter(location__store=store, location__location_id=location_id)
    if variant is not None and variant.option_label:
        row = levels.filter(variant=variant).first()
    else:
        product = BcProduct.objects.get(store=store, sku=sku)
        row = levels.filter(product=product, variant__isnull=True).first()
    return None if row is None else row.quantity
