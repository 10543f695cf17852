"""A company file's inventory items as a person keeps them in MYOB: the catalog seed's SKUs put in
at once (bulk, for files of 10,000 items), opening stock, and the everyday changes (a price rise,
a stock count) that tests and the demo make, each saved afresh as MYOB saves an edited item (a
new RowVersion and LastModified)."""

import random
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from sandbox.catalog_seed import SeedProduct
from sandbox.myob.models import MyobBusiness, MyobRecord, new_row_version
from sandbox.myob.resources import ITEM, item_fields, link_to, money, stock_figures

NAME = 30  # MYOB's width of an item's Name
SALES_ACCOUNT = "4-1000"


def items(business: MyobBusiness):
    return MyobRecord.objects.filter(business=business, resource=ITEM)


def _sales_account(business: MyobBusiness) -> dict:
    account = MyobRecord.objects.get(
        business=business, resource="GeneralLedger/Account", data__DisplayID=SALES_ACCOUNT
    )
    return link_to(account)


def _seed_skus(product: SeedProduct) -> list[tuple[str, str, Decimal]]:
    """(SKU, item name, price) of each SKU of a seed product: one per size, or the product."""
    if not product.variants:
        return [(product.sku, product.name, product.price)]
    return [
        (v.sku, f"{product.name} {v.label}", v.price or product.price) for v in product.variants
    ]


def seed_items_add(business: MyobBusiness, products: Iterable[SeedProduct]) -> int:
    """An item for each SKU of the seed's products that the file has not got yet (none for a
    product the ERP lacks), with the seed's price, average cost and stock; products the store
    does not track are non-inventoried items (no stock, no average cost). Returns how many."""
    income = _sales_account(business)
    have = set(items(business).values_list("data__Number", flat=True))
    now = timezone.now()
    new = []
    for product in products:
        if product.erp_lacks:
            continue
        inventoried = product.tracking != "none"
        stock = stock_figures(inventoried, product.stock, product.cost)
        for sku, name, price in _seed_skus(product):
            if sku in have:
                continue
            data = item_fields(
                item_number=sku, name=name[:NAME], price=price, income=income, stock=stock,
                inventoried=inventoried,
            )  # fmt: skip
            new.append(
                MyobRecord(business=business, resource=ITEM, data=data, created=now, last_modified=now)
            )  # fmt: skip
    MyobRecord.objects.bulk_create(new, batch_size=1000)
    return len(new)


def _chosen(business: MyobBusiness, skus, share, seed) -> list[MyobRecord]:
    if skus is not None:
        return list(items(business).filter(data__Number__in=list(skus)).order_by("pk"))
    if share is None:
        raise ValueError("Say which items change: skus or share.")
    sold = list(items(business).filter(data__IsSold=True).order_by("pk"))
    count = min(len(sold), max(1, round(len(sold) * share))) if sold else 0
    return random.Random(seed).sample(sold, count)


def _stock_moved(data: dict, delta: Decimal) -> dict:
    """A stock count's adjustment at the average cost: on hand never below zero."""
    on_hand = max(Decimal("0"), Decimal(str(data["QuantityOnHand"])) + delta)
    return stock_figures(
        True, on_hand, data.get("AverageCost"),
        committed=data.get("QuantityCommitted", 0), on_order=data.get("QuantityOnOrder", 0),
    )  # fmt: skip


@transaction.atomic
def items_change(
    business: MyobBusiness, *, skus: Iterable[str] | None = None, share: float | None = None,
    price_factor=None, stock_delta=None, sold: bool | None = None, seed=None,
) -> list[MyobRecord]:  # fmt: skip
    """Edit items as a person using MYOB would and save each: the items named by `skus`, or a
    `share` of the sold ones picked at random (`seed` repeats a pick). `price_factor` scales the
    Base Selling Price (to the cent), `stock_delta` adjusts on hand (inventoried items only),
    `sold` ticks or clears 'I sell this item'. Each changed item gets a new RowVersion and
    LastModified (all the same instant, as MYOB's bulk price change leaves them). Returns them."""
    chosen = _chosen(business, skus, share, seed)
    now = timezone.now()
    for record in chosen:
        data = dict(record.data)
        if price_factor is not None:
            price = money(Decimal(str(data["BaseSellingPrice"])) * Decimal(str(price_factor)))
            data["BaseSellingPrice"] = float(price)
            data["SellingDetails"] = {**data["SellingDetails"], "BaseSellingPrice": float(price)}
        if stock_delta is not None and data.get("IsInventoried"):
            data.update(_stock_moved(data, Decimal(str(stock_delta))))
        if sold is not None:
            data["IsSold"] = sold
        record.data, record.row_version, record.last_modified = data, new_row_version(), now
    MyobRecord.objects.bulk_update(
        chosen, ["data", "row_version", "last_modified"], batch_size=1000
    )
    return chosen
