"""A generated outdoor-shop catalog, the same list for the sandbox store and the sandbox ERPs, so a
demo or benchmark store and its ERP share their SKUs (a few on purpose not: `erp_lacks`).

`catalog_seed(skus)` is deterministic: the same count gives the same products, prices and stock.
About half the SKUs are variants (four sizes of one product, tracked by variant, or now and then
by product); the rest are simple products, most tracked by product, some not tracked at all.
"""

import random
from dataclasses import dataclass
from decimal import Decimal

DEMO_SKUS = 400  # the run command's demo stores
SIZES = ("S", "M", "L", "XL")
KINDS = (
    "Tent", "Daypack", "Sleeping bag", "Camp stove", "Head torch", "Water filter", "Trekking pole",
    "Rain jacket", "Fleece", "Beanie", "Gaiters", "Dry bag", "Hammock", "Mug", "Spork", "Compass",
)  # fmt: skip
COLOURS = ("Red", "Slate", "Olive", "Navy", "Sand", "Black", "Teal", "Rust")


@dataclass(frozen=True)
class SeedVariant:
    sku: str
    label: str  # the option value shown to shoppers, e.g. "M"
    price: Decimal | None  # None: the product's price


@dataclass(frozen=True)
class SeedProduct:
    name: str
    sku: str
    price: Decimal
    cost: Decimal
    tracking: str  # BigCommerce's inventory_tracking: "none", "product" or "variant"
    stock: int  # the product's level (tracking "product"), each variant's (tracking "variant")
    variants: tuple[SeedVariant, ...] = ()
    erp_lacks: bool = False  # the ERP has no item for this product's SKUs (a "missing SKU")

    def skus(self) -> list[str]:
        return [v.sku for v in self.variants] or [self.sku]


def _money(value: float) -> Decimal:
    return Decimal(str(round(value, 2))).quantize(Decimal("0.01"))


def catalog_seed(skus: int = DEMO_SKUS) -> list[SeedProduct]:
    """Products carrying `skus` SKUs in all (give or take a product's sizes)."""
    rng = random.Random(skus)
    products, count, n = [], 0, 0
    while count < skus:
        n += 1
        kind, colour = KINDS[n % len(KINDS)], COLOURS[(n // len(KINDS)) % len(COLOURS)]
        sku = f"{kind.upper().replace(' ', '-')[:10]}-{n:05d}"
        price = _money(rng.uniform(9, 600))
        cost = _money(float(price) * rng.uniform(0.35, 0.7))
        stock = rng.randint(0, 120)
        with_sizes = count < skus // 2  # the first half of the SKUs are variants
        if with_sizes:
            variants = tuple(
                SeedVariant(f"{sku}-{size}", size, price if i < 2 else _money(float(price) * 1.1))
                for i, size in enumerate(SIZES)
            )
            tracking = "product" if n % 9 == 0 else "variant"
        else:
            variants = ()
            tracking = "none" if n % 10 == 0 else "product"
        products.append(
            SeedProduct(
                name=f"{colour} {kind.lower()} #{n}", sku=sku, price=price, cost=cost,
                tracking=tracking, stock=stock, variants=variants, erp_lacks=n % 50 == 7,
            )
        )  # fmt: skip
        count += len(variants) or 1
    return products
