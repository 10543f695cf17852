"""Driving the sandbox Business Central (tests, the demo and the other parts): a whole sandbox
in one call (bc_create), a person's edits of items and customers, records as the API shows
them, fault switches, limits, what was asked, and the sandbox clock."""

import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction

from sandbox.business_central import clock
from sandbox.business_central import records as store
from sandbox.business_central.models import (
    BcApp,
    BcCall,
    BcCompany,
    BcEnvironment,
    BcRecord,
    BcSubscription,
    BcTenant,
)
from sandbox.business_central.schema import ENTITY_SETS
from sandbox.models import TokenRequest

DEMO_ITEMS = [
    ("TENT-2P", "Two-person tent", "349.00"), ("PACK-30L", "30 L daypack", "129.95"),
    ("STOVE-1", "Camp stove", "89.00"), ("MUG-STEEL", "Steel mug", "19.50"),
    ("JACKET-S", "Rain jacket S", "199.00"), ("JACKET-M", "Rain jacket M", "199.00"),
    ("JACKET-L", "Rain jacket L", "199.00"),
]  # fmt: skip
DEMO_INVENTORY = 25
# G/L accounts the mapping pickers offer (Cronus-like numbers), with the tax group a sales line
# on them gets (kept as "_taxGroupCode": the API does not show an account's): shipping is
# taxed, returns (where refunds go) are not.
ACCOUNTS = [
    ("10100", "Checking account", "Assets", ""), ("13100", "Accounts Receivable", "Assets", ""),
    ("22100", "Sales Tax Payable", "Liabilities", ""),
    ("40100", "Sales, Retail", "Income", "TAXABLE"),
    ("40200", "Shipping Charges", "Income", "TAXABLE"),
    ("40300", "Sales Discounts", "Income", "TAXABLE"),
    ("40400", "Sales Returns and Allowances", "Income", ""),
    ("50100", "Cost of Goods Sold", "CostOfGoodsSold", ""),
]  # fmt: skip
# Tax areas with the rate the sandbox computes sales tax at ("_taxPercent", never shown).
TAX_AREAS = [("GST10", "GST 10 %", 10), ("NOTAX", "No tax", 0)]
TAX_GROUPS = [("TAXABLE", "Taxable"), ("NONTAXABLE", "Non-taxable")]


@dataclass
class BcSandbox:
    tenant: BcTenant
    app: BcApp
    environment: BcEnvironment
    company: BcCompany
    api_url: str  # <url>/sandbox/bc/v2.0/<tenant>/<environment>/api/v2.0
    entra_url: str  # <url>/sandbox/entra
    accounts: dict = field(default_factory=dict)  # number → id
    tax_areas: dict = field(default_factory=dict)  # code → id
    tax_groups: dict = field(default_factory=dict)  # code → id
    customer_template: str = ""  # the customer number new customers copy
    items: dict = field(default_factory=dict)  # number → id

    @property
    def company_url(self) -> str:
        return f"{self.api_url}/companies({self.company.id})"

    @property
    def token_url(self) -> str:
        return f"{self.entra_url}/{self.tenant.entra_id}/oauth2/v2.0/token"


@transaction.atomic
def bc_create(live_server_url: str, *, slug: str, items=DEMO_ITEMS, environment: str = "Production",
              company: str = "CRONUS", bc_access: bool = True, **limits) -> BcSandbox:  # fmt: skip
    """A tenant `<slug>.onmicrosoft.com` with an app (on BC's Entra Applications page unless
    bc_access=False), an environment (limits as BcEnvironment's fields) and a company with G/L
    accounts, tax areas (GST10 = 10 %), tax groups, a customer template and `items` (number,
    name, price), each with DEMO_INVENTORY in stock."""
    tenant = BcTenant.objects.create(name=f"{slug}.onmicrosoft.com")
    app = BcApp.objects.create(
        tenant=tenant, client_id=str(uuid.uuid4()),
        client_secret=f"sbx~bc~{uuid.uuid4().hex}", bc_access=bc_access,
    )  # fmt: skip
    env = BcEnvironment.objects.create(tenant=tenant, name=environment, **limits)
    firm = BcCompany.objects.create(environment=env, name=company, display_name=f"{company} Inc.")
    sandbox = BcSandbox(
        tenant=tenant, app=app, environment=env, company=firm,
        api_url=f"{live_server_url.rstrip('/')}/sandbox/bc/v2.0/{tenant.entra_id}/{env.name}/api/v2.0",
        entra_url=f"{live_server_url.rstrip('/')}/sandbox/entra",
    )  # fmt: skip
    for number, name, category, tax_group in ACCOUNTS:
        record = store.create(firm, "accounts", {"number": number, "displayName": name,
                                                 "category": category,
                                                 "_taxGroupCode": tax_group})  # fmt: skip
        sandbox.accounts[number] = str(record.record_id)
    for code, name, rate in TAX_AREAS:
        record = store.create(firm, "taxAreas", {"code": code, "displayName": name,
                                                 "_taxPercent": rate})  # fmt: skip
        sandbox.tax_areas[code] = str(record.record_id)
    for code, name in TAX_GROUPS:
        record = store.create(firm, "taxGroups", {"code": code, "displayName": name})
        sandbox.tax_groups[code] = str(record.record_id)
    template = store.create(firm, "customers", {
        "number": store.next_number(firm, "customers"), "displayName": "Web shop customers",
        "taxLiable": True, "taxAreaId": sandbox.tax_areas["GST10"],
        "taxAreaDisplayName": "GST 10 %", "country": "US", "currencyCode": "",
    })  # fmt: skip
    sandbox.customer_template = template.number
    for number, name, price in items:
        record = item_set(firm, number, unit_price=price, display_name=name,
                          inventory=DEMO_INVENTORY, unit_cost=_cost(price))  # fmt: skip
        sandbox.items[number] = str(record.record_id)
    return sandbox


def _cost(price) -> str:
    from decimal import Decimal

    return str((Decimal(str(price)) * Decimal("0.55")).quantize(Decimal("0.01")))


def _number(value):
    from sandbox.business_central.documents import number

    return number(value)


def item_set(company: BcCompany, number: str, *, unit_price=None, unit_cost=None, inventory=None,
             display_name=None, **fields) -> BcRecord:  # fmt: skip
    """A person's edit of an item in BC (created when missing): stamped, versioned, a change
    appended, as an API write is."""
    if unit_price is not None:
        fields["unitPrice"] = _number(unit_price)
    if unit_cost is not None:
        fields["unitCost"] = _number(unit_cost)
    if inventory is not None:
        fields["inventory"] = _number(inventory)
    if display_name is not None:
        fields["displayName"] = display_name
    fields.setdefault("taxGroupCode", "TAXABLE") if not store.find(
        company, "items", number=number) else None  # fmt: skip
    return store.put(company, "items", number, **fields)


def customer_set(company: BcCompany, number: str, **fields) -> BcRecord:
    """A person's edit of a customer in BC (created when missing), fields as the API names them."""
    return store.put(company, "customers", number, **fields)


def records(company: BcCompany, entity_set: str) -> list[dict]:
    """The entity set's records as the API answers them, a document's lines included."""
    spec = ENTITY_SETS[entity_set]
    expand = [spec.lines] if spec.lines else []
    return [store.render(record, expand=expand) for record in store.listed(company, entity_set)]


def record(company: BcCompany, entity_set: str, number: str) -> dict | None:
    found = store.find(company, entity_set, number=number)
    spec = ENTITY_SETS[entity_set]
    return store.render(found, expand=[spec.lines] if spec.lines else []) if found else None


def document_url(base_url: str, company: BcCompany, entity_set: str, record_id) -> str:
    """The read-only page of a sales document (what the demo links to)."""
    from sandbox.business_central.pages import document_path

    return base_url.rstrip("/") + document_path(company.id, entity_set, record_id)


def faults_set(environment: BcEnvironment, **switches) -> BcEnvironment:
    """fault_error_rate, fault_latency_ms, fault_rate_limited (next N calls 429),
    fault_unavailable (next N calls 503 with Retry-After: fault_retry_after),
    fault_create_then_error / fault_create_then_hang (the next N creates commit, then 500 /
    hang fault_hang_ms; only of fault_create_resource, an entity set, when set)."""
    BcEnvironment.objects.filter(pk=environment.pk).update(**switches)
    environment.refresh_from_db()
    return environment


def entra_faults_set(app: BcApp, **switches) -> BcApp:
    """fault_entra_unavailable (next N token calls 503), fault_entra_latency_ms; bc_access."""
    BcApp.objects.filter(pk=app.pk).update(**switches)
    app.refresh_from_db()
    return app


def limits_set(environment: BcEnvironment, **limits) -> BcEnvironment:
    """requests_per_window, window_seconds, concurrent, queue, max_page_size."""
    BcEnvironment.objects.filter(pk=environment.pk).update(**limits)
    environment.refresh_from_db()
    return environment


def call_counts(environment: BcEnvironment) -> dict:
    """{"total", "429", "503", <other statuses>, "peak_window"}: the calls the environment
    answered, by status, and the most made in one window."""
    calls = BcCall.objects.filter(environment=environment)
    counts = Counter(str(code) for code in calls.values_list("status_code", flat=True))
    window = environment.window_seconds
    starts = Counter(int(moment.timestamp() // window)
                     for moment in calls.values_list("created_at", flat=True))  # fmt: skip
    return {"total": calls.count(), "429": counts.get("429", 0), "503": counts.get("503", 0),
            **counts, "peak_window": max(starts.values(), default=0)}  # fmt: skip


def token_calls(app: BcApp) -> int:
    return TokenRequest.objects.filter(vendor=BcApp.VENDOR, client_id=app.client_id).count()


def clock_advance(seconds: float):
    """Move the sandbox clock forward (token and subscription expiry, debounce, retries)."""
    return clock.advance(seconds)


def subscriptions(environment: BcEnvironment) -> list[BcSubscription]:
    return list(BcSubscription.objects.filter(environment=environment).order_by("created"))


# --- webhook subscriptions (sandbox/business_central/subscriptions.py, notify.py) -------------
def notifications_send() -> dict:
    """One pass of the webhook sender, now: {"expired", "sent", "retried", "deleted"}."""
    from sandbox.business_central.notify import notifications_send as send

    return send()


def subscription_add(environment: BcEnvironment, *, notification_url: str, resource: str,
                     client_state: str = "") -> BcSubscription:  # fmt: skip
    """A subscription made by someone else (no handshake), e.g. a stray for the tests."""
    now = clock.now()
    return BcSubscription.objects.create(
        environment=environment, subscription_id=uuid.uuid4().hex,
        notification_url=notification_url, resource=resource, client_state=client_state,
        expiration=now + timedelta(days=3), created=now, modified=now,
    )  # fmt: skip


def subscription_remove(environment: BcEnvironment, subscription_id: str) -> None:
    """BC deletes a subscription (after failed deliveries, a 4xx, or by an admin)."""
    BcSubscription.objects.filter(environment=environment, subscription_id=subscription_id).delete()


def changes(company: BcCompany, entity_set: str) -> list:
    """The writes appended for an entity set, oldest first (BcChange rows)."""
    return list(company.changes.filter(entity_set=entity_set).order_by("pk"))
