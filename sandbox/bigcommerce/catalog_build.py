"""A store's catalog from the shared generated one (sandbox/catalog_seed.py), written in a few
bulk inserts, so a benchmark store of 10,000 SKUs builds in seconds: products, their base
variant or sizes, and stock at the default location (and some at a shop)."""

from django.db import transaction

from sandbox.bigcommerce.inventory import default_location, location_add
from sandbox.bigcommerce.models import BcProduct, BcStock, BcStore, BcVariant, Tracking
from sandbox.catalog_seed import DEMO_SKUS, SeedProduct, catalog_seed

BATCH = 2000  # rows per INSERT
SHOPFRONT = ("SHOPFRONT", "Shopfront")


@transaction.atomic
def catalog_build(store: BcStore, seed: list[SeedProduct], *, shopfront: bool = False) -> int:
    """Add the seed's products to the store; returns how many SKUs it added. With `shopfront`,
    every third item also has stock at a second location, "Shopfront"."""
    location = default_location(store)
    shop = location_add(store, *SHOPFRONT) if shopfront else None
    products = BcProduct.objects.bulk_create(
        [
            BcProduct(
                store=store,
                name=p.name,
                sku=p.sku,
                price=p.price,
                cost_price=p.cost,
                inventory_tracking=p.tracking,
            )
            for p in seed
        ],
        batch_size=BATCH,
    )
    variants = BcVariant.objects.bulk_create(
        [
            BcVariant(product=product, sku=v.sku, option_label=v.label, price=v.price)
            for product, p in zip(products, seed, strict=True)
            for v in p.variants
        ]
        # A simple product is sold as its base variant, with the product's SKU.
        + [
            BcVariant(product=product, sku=p.sku)
            for product, p in zip(products, seed, strict=True)
            if not p.variants
        ],
        batch_size=BATCH,
    )
    options = {}
    for variant in variants:
        if variant.option_label:
            options.setdefault(variant.product_id, []).append(variant)
    stock, n = [], 0
    for product, p in zip(products, seed, strict=True):
        by_variant = p.tracking == Tracking.VARIANT and p.variants
        for variant in options.get(product.pk, []) if by_variant else [None]:
            n += 1
            stock.append(BcStock(location=location, product=product, variant=variant,
                                 quantity=p.stock, set_absolutely=True))  # fmt: skip
            if shop and n % 3 == 0:
                stock.append(BcStock(location=shop, product=product, variant=variant,
                                     quantity=p.stock // 4, set_absolutely=True))  # fmt: skip
    BcStock.objects.bulk_create(stock, batch_size=BATCH)
    return sum(len(p.skus()) for p in seed)


def demo_catalog(store: BcStore) -> None:
    """The run command's demo stores: the seed's DEMO_SKUS catalog beside the five products of
    `store_create`, and a Shopfront with some stock. Idempotent."""
    seed = catalog_seed(DEMO_SKUS)
    if not BcProduct.objects.filter(store=store, sku=seed[0].sku).exists():
        catalog_build(store, seed, shopfront=True)


@transaction.atomic
def catalog_rebuild(store: BcStore, skus: int, *, shopfront: bool = True) -> int:
    """Replace the store's whole catalog with the seed's `skus` SKUs (for a benchmark)."""
    BcStock.objects.filter(product__store=store).delete()
    BcVariant.objects.filter(product__store=store).delete()
    BcProduct.objects.filter(store=store).delete()
    return catalog_build(store, catalog_seed(skus), shopfront=shopfront)
