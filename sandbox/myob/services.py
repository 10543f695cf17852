"""Driving the sandbox MYOB: an API key, a seeded company file, and the fault switches."""

from django.db import transaction
from django.utils import timezone

from sandbox.catalog_seed import DEMO_SKUS, catalog_seed
from sandbox.myob.inventory import items_change as items_change  # a person's edits, for tests
from sandbox.myob.inventory import seed_items_add
from sandbox.myob.models import MyobApiKey, MyobBusiness, MyobRecord
from sandbox.myob.resources import RESOURCES, stock_figures

DEMO_DRIFT = 0.1  # the share of the demo file's catalog items whose price and stock differ

TAX_CODES = [
    ("GST", "Goods & Services Tax", "GST", "10"),
    ("FRE", "GST Free", "GST", "0"),
    ("N-T", "Not Reportable", "NoTax", "0"),
    ("EXP", "Export Sales", "GST", "0"),
]
ACCOUNTS = [
    ("4-1000", "Sales - Online", "Income"),
    ("4-1100", "Sales - Other", "Income"),
    ("4-2000", "Freight Collected", "Income"),
    ("1-1200", "Trade Debtors", "Asset"),
    ("2-1310", "GST Collected", "Liability"),
]
# The sandbox BigCommerce catalog's SKUs, so a sandbox order maps onto this file's items: number,
# name, Base Selling Price, average cost (SHIPPING is a non-inventoried item).
ITEMS = [
    ("TENT-2P", "Two-person tent", "349.00", "180.00"),
    ("PACK-30L", "30 L daypack", "129.95", "61.20"),
    ("STOVE-1", "Camp stove", "89.00", "40.00"),
    ("MUG-STEEL", "Steel mug", "19.50", "6.35"),
    ("JACKET-S", "Rain jacket S", "199.00", "92.00"),
    ("JACKET-M", "Rain jacket M", "199.00", "92.00"),
    ("JACKET-L", "Rain jacket L", "199.00", "92.00"),
    ("SHIPPING", "Shipping and handling", "0.00", None),
]
OPENING_STOCK = 50
CATEGORIES = [("ONL", "Online store"), ("SHOP", "Retail shop")]


def api_key_create(client_id: str, client_secret: str, **fields) -> MyobApiKey:
    key, _ = MyobApiKey.objects.update_or_create(
        client_id=client_id, defaults={"client_secret": client_secret, **fields}
    )
    return key


def record_create(business: MyobBusiness, resource: str, body: dict) -> MyobRecord:
    """Create an entity the way a POST would (validated, links expanded)."""
    spec = RESOURCES[resource.lower()]
    now = timezone.now()
    data = spec.prepare(business, body, None)
    return MyobRecord.objects.create(
        business=business, resource=spec.path, data=data, created=now, last_modified=now
    )


@transaction.atomic
def business_create(
    name: str = "Sandbox Outdoor Pty Ltd",
    *,
    skip_items: tuple[str, ...] = (),
    categories: bool = False,
    **fields,
) -> MyobBusiness:
    """A company file with tax codes, accounts and the sandbox store's items."""
    business = MyobBusiness.objects.create(name=name, **fields)
    codes = {}
    for code, description, kind, rate in TAX_CODES:
        body = {"Code": code, "Description": description, "Type": kind, "Rate": rate}
        codes[code] = record_create(business, "GeneralLedger/TaxCode", body)
    accounts = {}
    for display_id, account_name, classification in ACCOUNTS:
        body = {"DisplayID": display_id, "Name": account_name, "Classification": classification}
        accounts[display_id] = record_create(business, "GeneralLedger/Account", body)
    for number, item_name, price, cost in ITEMS:
        if number in skip_items:
            continue
        body = {
            "Number": number, "Name": item_name, "BaseSellingPrice": price, "IsSold": True,
            "IsInventoried": cost is not None,
            "IncomeAccount": {"UID": str(accounts["4-2000" if number == "SHIPPING" else "4-1000"].uid)},
        }  # fmt: skip
        item = record_create(business, "Inventory/Item", body)
        if cost is not None:  # the opening balance, as an inventory adjustment would leave it
            item.data.update(stock_figures(True, OPENING_STOCK, cost))
            item.save(update_fields=["data"])
    if categories:
        for display_id, category_name in CATEGORIES:
            body = {"DisplayID": display_id, "Name": category_name}
            record_create(business, "GeneralLedger/Category", body)
    return business


def business_with_catalog(skus: int, name: str = "", **fields) -> MyobBusiness:
    """A company file as business_create makes it, plus an item for each of `skus` SKUs of the
    generated catalog (sandbox/catalog_seed.py), put in at once: 10,000 take seconds."""
    business = business_create(name or f"Catalog of {skus} SKUs", **fields)
    seed_items_add(business, catalog_seed(skus))
    return business


def faults_set(business: MyobBusiness, **faults) -> MyobBusiness:
    """fault_error_rate, fault_latency_ms, fault_conflicts (next N PUTs), fault_rate_limited
    (next N calls answer 403 RateLimitError), fault_create_then_error / fault_create_then_hang
    (the next N creates commit, then answer 500 / hang fault_hang_ms), fault_create_resource
    (only creates of this resource path count)."""
    MyobBusiness.objects.filter(pk=business.pk).update(**faults)
    business.refresh_from_db()
    return business


def records(business: MyobBusiness, resource: str):
    return MyobRecord.objects.filter(business=business, resource=resource).order_by("created", "pk")


DEMO_BUSINESS = "Demo Outdoor Co (sandbox MYOB)"


def demo_company_file(client_id: str, client_secret: str, redirect_uri: str) -> MyobBusiness:
    """The demo's API key (registered with the demo's callback address) and company file,
    created once. The file is linked to the my.MYOB login (no company-file password), so the
    demo needs nothing typed in. Beside its own items it has one for each SKU of the demo store's
    generated catalog (but those the seed says the ERP lacks); a file made before gets them too."""
    api_key_create(client_id, client_secret, redirect_uri=redirect_uri)
    business = MyobBusiness.objects.filter(name=DEMO_BUSINESS).first()
    business = business or business_create(DEMO_BUSINESS, requires_cftoken=False)
    if seed_items_add(business, catalog_seed(DEMO_SKUS)):
        # As a shop's books drift from its storefront: the demo's first catalog push has
        # prices and stock to show in its preview.
        items_change(business, share=DEMO_DRIFT, price_factor="0.95", stock_delta=-2, seed=1)
    return business


def demo_tokens(client_id: str, business: MyobBusiness) -> dict:
    """A consented token for the demo file, shaped as MYOB's token endpoint answers it."""
    from sandbox.myob.oauth import issue_token, token_body

    scopes = "sme-company-file sme-contacts-customer sme-sales sme-inventory sme-general-ledger"
    key = MyobApiKey.objects.get(client_id=client_id)
    return token_body(issue_token(key, str(business.uid), scopes))
