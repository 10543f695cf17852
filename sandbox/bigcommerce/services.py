"""Driving the sandbox store: create it, place orders, change them — each fires its webhooks."""

import random
from decimal import Decimal

from django.db import transaction

from sandbox.bigcommerce.catalog import calculated_price, variant_prices
from sandbox.bigcommerce.delivery import emit
from sandbox.bigcommerce.inventory import default_location
from sandbox.bigcommerce.models import (
    BcCustomer,
    BcOrder,
    BcOrderProduct,
    BcProduct,
    BcShippingAddress,
    BcStock,
    BcStore,
    BcTransaction,
    BcVariant,
    Tracking,
)

TAX_RATE = Decimal("0.10")  # GST
SHIPPING = Decimal("10.0000")
CATALOG = [
    ("Two-person tent", "TENT-2P", "349.0000", []),
    ("30 L daypack", "PACK-30L", "129.9500", []),
    ("Camp stove", "STOVE-1", "89.0000", []),
    ("Steel mug", "MUG-STEEL", "19.5000", []),
    (
        "Rain jacket",
        "JACKET",
        "199.0000",
        [("JACKET-S", "S"), ("JACKET-M", "M"), ("JACKET-L", "L")],
    ),
]
SHOPPERS = [
    ("ada@example.com", "Ada", "Lovelace", "", "12 Analytical St", "Sydney", "NSW", "2000"),
    (
        "grace@example.com",
        "Grace",
        "Hopper",
        "Cobol Pty Ltd",
        "1 Compiler Rd",
        "Melbourne",
        "VIC",
        "3000",
    ),
    ("alan@example.com", "Alan", "Turing", "", "9 Enigma Ave", "Brisbane", "QLD", "4000"),
]


def _v3_address(first, last, company, street, city, state, postcode) -> dict:
    return {
        "first_name": first, "last_name": last, "company": company, "address1": street,
        "address2": "", "city": city, "state_or_province": state, "postal_code": postcode,
        "country": "Australia", "country_code": "AU", "phone": "0400 000 000",
    }  # fmt: skip


def _v2_address(v3: dict, email: str) -> dict:
    return {
        "first_name": v3["first_name"], "last_name": v3["last_name"], "company": v3["company"],
        "street_1": v3["address1"], "street_2": v3["address2"], "city": v3["city"],
        "state": v3["state_or_province"], "zip": v3["postal_code"], "country": v3["country"],
        "country_iso2": v3["country_code"], "phone": v3["phone"], "email": email,
    }  # fmt: skip


@transaction.atomic
def store_create(store_hash: str, **fields) -> BcStore:
    """A store with a seeded catalog and shoppers. Idempotent: an existing store is returned."""
    store, created = BcStore.objects.get_or_create(store_hash=store_hash, defaults=fields)
    if not created:
        return store
    location = default_location(store)
    for name, sku, price, variants in CATALOG:
        tracking = Tracking.VARIANT if variants else Tracking.PRODUCT
        product = BcProduct.objects.create(
            store=store, name=name, sku=sku, price=Decimal(price), inventory_tracking=tracking
        )
        BcStock.objects.create(
            location=location, product=product, quantity=100, set_absolutely=True
        )
        if not variants:
            # A product without options is sold as its one base variant; one with options only
            # as its option combinations (a shopper cannot buy the bare "JACKET").
            BcVariant.objects.create(product=product, sku=sku)
        for variant_sku, label in variants:
            variant = BcVariant.objects.create(product=product, sku=variant_sku, option_label=label)
            BcStock.objects.create(
                location=location, product=product, variant=variant, quantity=50,
                set_absolutely=True,
            )  # fmt: skip
    for email, first, last, company, street, city, state, postcode in SHOPPERS:
        BcCustomer.objects.create(
            store=store, email=email, first_name=first, last_name=last, company=company,
            addresses=[_v3_address(first, last, company, street, city, state, postcode)],
        )  # fmt: skip
    return store


def demo_store_credentials(store_hash: str) -> dict:
    from sandbox.bigcommerce.catalog_build import demo_catalog

    store = store_create(store_hash, name="Demo Outdoor Co (sandbox)")
    demo_catalog(store)
    return {
        "access_token": store.access_token,
        "client_id": store.client_id,
        "client_secret": store.client_secret,
    }


def customer_create(
    store: BcStore, *, email, first_name, last_name, company="", phone="", addresses=()
):
    customer = BcCustomer.objects.create(
        store=store, email=email.lower(), first_name=first_name, last_name=last_name,
        company=company, phone=phone, addresses=list(addresses),
    )  # fmt: skip
    emit(store, "store/customer/created", {"type": "customer", "id": customer.pk})
    return customer


@transaction.atomic
def place_test_order(
    store: BcStore,
    *,
    items: list[tuple[str, int]] | None = None,
    customer: BcCustomer | str | None = None,
    status_id: int = 11,
) -> BcOrder:
    """An order as a shopper would place it. `items` are (sku, quantity); random when omitted.
    `customer`: a BcCustomer, "new" for a new shopper, "guest", or None for a returning one."""
    variants = {
        v.sku: v for v in BcVariant.objects.filter(product__store=store).select_related("product")
    }
    if items is None:
        # From the store's own starter catalog, which every sandbox ERP stocks (a demo store's
        # generated catalog is the catalog push's, and not every ERP has its SKUs).
        sellable = {
            sku for _, base, _, options in CATALOG for sku in [o[0] for o in options] or [base]
        }
        starter = sorted(sellable & set(variants))
        skus = random.sample(starter or sorted(variants), k=random.randint(1, 3))
        items = [(sku, random.randint(1, 3)) for sku in skus]
    if customer is None:
        customer = store.customers.order_by("?").first()
    elif customer == "new":
        n = store.customers.count() + 1
        customer = customer_create(
            store, email=f"shopper{n}@example.com", first_name="New", last_name=f"Shopper {n}",
            addresses=[_v3_address("New", f"Shopper {n}", "", f"{n} New St", "Perth", "WA", "6000")],
        )  # fmt: skip
    if customer == "guest":
        address = _v3_address("Guest", "Buyer", "", "5 Guest Ln", "Adelaide", "SA", "5000")
        buyer, email = None, "guest@example.com"
    else:
        address, buyer, email = customer.addresses[0], customer, customer.email
    order = BcOrder.objects.create(
        store=store, customer=buyer, status_id=status_id, billing_address=_v2_address(address, email),
        currency_code=store.currency, shipping_cost_ex_tax=SHIPPING,
        shipping_cost_tax=(SHIPPING * TAX_RATE).quantize(Decimal("0.0001")),
    )  # fmt: skip
    for sku, quantity in items:
        variant = variants[sku]
        price = calculated_price(*variant_prices(variant, variant.product))
        BcOrderProduct.objects.create(
            order=order, product=variant.product, variant_id=variant.pk, sku=sku,
            name=variant.product.name + (f" ({variant.option_label})" if variant.option_label else ""),
            quantity=quantity, price_ex_tax=price, price_tax=(price * TAX_RATE).quantize(Decimal("0.0001")),
        )  # fmt: skip
    BcShippingAddress.objects.create(order=order, address=_v2_address(address, email))
    from sandbox.bigcommerce.shapes import order_totals

    BcTransaction.objects.create(
        order=order, event="purchase", amount=order_totals(order)["total_inc_tax"]
    )
    emit(store, "store/order/created", {"type": "order", "id": order.pk})
    return order


@transaction.atomic
def set_order_status(order: BcOrder, status_id: int) -> BcOrder:
    previous = order.status_id
    BcOrder.objects.filter(pk=order.pk).update(status_id=status_id)
    order.refresh_from_db()
    order.save(update_fields=["date_modified"])  # auto_now: the order was modified
    status = {"previous_status_id": previous, "new_status_id": status_id}
    emit(
        order.store,
        "store/order/statusUpdated",
        {"type": "order", "id": order.pk, "status": status},
    )
    emit(order.store, "store/order/updated", {"type": "order", "id": order.pk})
    return order


def touch_order_quietly(order: BcOrder) -> BcOrder:
    """Change an order without any webhook (a lost delivery), for catch-up tests and demos."""
    order.save(update_fields=["date_modified"])
    return order


def hooks_register(store_hash: str, *, destination: str, headers: dict, scopes: list[str]) -> int:
    """Subscribe a destination to scopes directly (the demo bootstrap runs before the web server
    answers, so it cannot go through the hooks API). Idempotent; returns how many were created."""
    from sandbox.bigcommerce.models import BcHook

    store = BcStore.objects.get(store_hash=store_hash)
    created = 0
    for scope in scopes:
        _, made = BcHook.objects.update_or_create(
            store=store, client_id=store.client_id, scope=scope, destination=destination,
            defaults={"headers": headers, "is_active": True},
        )  # fmt: skip
        created += made
    return created
