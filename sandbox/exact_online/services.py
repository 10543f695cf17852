"""Driving the sandbox Exact Online: an app, a seeded division, demo tokens, fault switches."""

from collections import Counter

from django.db import transaction

from sandbox.exact_online.models import ExactApiRequest, ExactApp, ExactDivision, ExactRecord
from sandbox.exact_online.resources import RESOURCES, create
from sandbox.models import TokenRequest

# (code, description, Exact's GL type: 110 revenue, 20 accounts receivable)
GL_ACCOUNTS = [
    ("8000", "Revenue web shop", 110), ("8010", "Revenue wholesale", 110),
    ("8050", "Shipping charged", 110), ("1300", "Debtors", 20),
]  # fmt: skip
COST_CENTERS = [("WEB", "Web shop"), ("EU", "Europe"), ("UK", "United Kingdom"), ("US", "Americas")]
VAT_CODES = [("2", "VAT high 21%", "0.21"), ("1", "VAT low 9%", "0.09"), ("0", "VAT 0%", "0")]
JOURNALS = [("70", "Sales", 20), ("71", "Sales returns", 21), ("10", "Cash", 10)]
# The sandbox BigCommerce catalog's SKUs, so a sandbox order maps onto this division's items.
ITEMS = [
    ("TENT-2P", "Two-person tent", "349.00"), ("PACK-30L", "30 L daypack", "129.95"),
    ("STOVE-1", "Camp stove", "89.00"), ("MUG-STEEL", "Steel mug", "19.50"),
    ("JACKET-S", "Rain jacket S", "199.00"), ("JACKET-M", "Rain jacket M", "199.00"),
    ("JACKET-L", "Rain jacket L", "199.00"), ("SHIPPING", "Shipping", "0.00"),
]  # fmt: skip


def app_create(client_id: str, client_secret: str, **fields) -> ExactApp:
    app, _ = ExactApp.objects.update_or_create(
        client_id=client_id, defaults={"client_secret": client_secret, **fields}
    )
    return app


def record_create(division: ExactDivision, resource: str, body: dict) -> ExactRecord:
    """Create an entity the way a POST would (checked and completed)."""
    return create(division, RESOURCES[resource.lower()], body)


@transaction.atomic
def division_create(code: int, name: str = "Sandbox Outdoor B.V.", *, skip_items=(), **fields):
    """A division with GL accounts, cost centres, VAT codes, journals and the store's items."""
    division = ExactDivision.objects.create(code=code, name=name, **fields)
    accounts = {}
    for gl_code, description, kind in GL_ACCOUNTS:
        body = {"Code": gl_code, "Description": description, "Type": kind, "IsBlocked": False}
        accounts[gl_code] = record_create(division, "financial/GLAccounts", body)
    for cc_code, description in COST_CENTERS:
        body = {"Code": cc_code, "Description": description}
        record_create(division, "hrm/Costcenters", body)
    for vat_code, description, percentage in VAT_CODES:
        body = {"Code": vat_code, "Description": description, "Percentage": float(percentage),
                "Type": "B", "VATTransactionType": "S", "IsBlocked": False}  # fmt: skip
        record_create(division, "vat/VATCodes", body)
    for journal_code, description, kind in JOURNALS:
        body = {"Code": journal_code, "Description": description, "Type": kind}
        record_create(division, "financial/Journals", body)
    for sku, description, price in ITEMS:
        if sku in skip_items:
            continue
        revenue = accounts["8050" if sku == "SHIPPING" else "8000"]
        body = {"Code": sku, "Description": description, "IsSalesItem": True, "SalesVatCode": "2",
                "GLRevenue": str(revenue.guid), "StandardSalesPrice": float(price)}  # fmt: skip
        record_create(division, "logistics/Items", body)
    return division


def faults_set(division: ExactDivision, **faults) -> ExactDivision:
    """fault_error_rate, fault_latency_ms, fault_unauthorized (next N calls 401),
    fault_server_errors (next N calls 503), fault_rate_limited (next N calls 429),
    fault_create_then_error / fault_create_then_hang (the next N creates commit, then answer 503
    / hang fault_hang_ms; only creates of fault_create_resource when set), and the
    limits (minutely_limit, daily_limit, window_seconds, errors_per_hour)."""
    ExactDivision.objects.filter(pk=division.pk).update(**faults)
    division.refresh_from_db()
    return division


def records(division: ExactDivision, resource: str):
    return ExactRecord.objects.filter(division=division, resource=resource).order_by(
        "created", "pk"
    )


def call_counts(division: ExactDivision) -> dict:
    """What the division answered: calls, 429s, and the most calls admitted in one of its rate
    windows (fixed windows, as the limit is counted and X-RateLimit-Minutely-Reset says)."""
    calls = ExactApiRequest.objects.filter(division=division.code)
    per_window = Counter(
        int(moment.timestamp() // division.window_seconds)
        for moment in calls.exclude(status_code=429).values_list("created_at", flat=True)
    )
    return {
        "calls": calls.count(),
        "429": calls.filter(status_code=429).count(),
        "peak": max(per_window.values(), default=0),
    }


def token_calls(client_id: str, grant_type: str = "") -> int:
    """How many times the app called the token endpoint (of one grant type, if given)."""
    calls = TokenRequest.objects.filter(vendor=ExactApp.VENDOR, client_id=client_id)
    return calls.filter(grant_type=grant_type).count() if grant_type else calls.count()


DEMO_DIVISION = 100001


def demo_division(client_id: str, client_secret: str, redirect_uri: str) -> ExactDivision:
    app_create(client_id, client_secret, redirect_uri=redirect_uri)
    existing = ExactDivision.objects.filter(code=DEMO_DIVISION).first()
    return existing or division_create(DEMO_DIVISION, "Demo Outdoor Co (sandbox Exact)")


def demo_tokens(client_id: str, division: ExactDivision) -> dict:
    """A consented token for the division, shaped as the token endpoint answers it."""
    from sandbox.exact_online.oauth import issue_token, token_body

    return token_body(issue_token(ExactApp.objects.get(client_id=client_id), division))
