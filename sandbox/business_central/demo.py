"""The demo tenant's Business Central connection: an app of the sandbox's Entra tenant
`demo.onmicrosoft.com` with access to its environment `Production`, company CRONUS, whose items
are the sandbox's starter items and the demo store's SKUs; orders become posted sales invoices,
shipping on G/L account 40200.
Its item and customer subscriptions are created once the connection is live and the server
answers their handshake (connectors/business_central/subscriptions.py)."""

from django.conf import settings

from sandbox.business_central import services
from sandbox.business_central.models import BcApp, BcCompany, BcTenant
from sandbox.catalog_seed import DEMO_SKUS, catalog_seed
from sandbox.demo_connection import DemoConnection

SLUG = "demo"
SHIPPING_ACCOUNT, REFUND_ACCOUNT = "40200", "40300"
TEMPLATE_NAME = "Web shop customers"  # services.bc_create's template customer


def demo_company() -> BcCompany:
    """The demo's sandbox company, made with its items once."""
    tenant = BcTenant.objects.filter(name=f"{SLUG}.onmicrosoft.com").first()
    if tenant is None:
        services.bc_create(settings.PUBLIC_BASE_URL, slug=SLUG)
        tenant = BcTenant.objects.get(name=f"{SLUG}.onmicrosoft.com")
    company = BcCompany.objects.get(environment__tenant=tenant)
    _items_seed(company)
    return company


def _items_seed(company: BcCompany) -> None:
    """The demo store's SKUs as items (less the few the seed says the ERP lacks), once."""
    seed = catalog_seed(DEMO_SKUS)
    if services.record(company, "items", seed[0].skus()[0]) is not None:
        return
    for product in seed:
        if product.erp_lacks:
            continue
        for sku, price in _sku_prices(product):
            services.item_set(
                company, sku, unit_price=price, unit_cost=product.cost,
                display_name=product.name[:100], inventory=product.stock,
            )  # fmt: skip


def _sku_prices(product):
    if not product.variants:
        return [(product.sku, product.price)]
    return [(v.sku, v.price if v.price is not None else product.price) for v in product.variants]


def _template_number(company: BcCompany) -> str:
    """The customer bc_create makes for new web customers to copy (tax area GST10)."""
    template = next(
        c for c in services.records(company, "customers") if c["displayName"] == TEMPLATE_NAME
    )
    return template["number"]


def sign_in(connection) -> None:
    """As a person would leave the settings form and the company picker: the app's ids and
    secret typed in, the company picked. There is nothing else to sign in to: each call's token
    comes from the app's secret (connectors/business_central/auth.py)."""
    from connectors.business_central.auth import token_manager

    company = demo_company()
    app = BcApp.objects.get(tenant=company.environment.tenant)
    if connection.erp_settings.get("client_id") != app.client_id:
        _settings_type_in(connection, company, app)
    # The row every worker shares the app's token through; the first call fills it.
    token_manager(connection)


def _settings_type_in(connection, company: BcCompany, app: BcApp) -> None:
    environment = company.environment
    connection.erp_settings = {
        **connection.erp_settings,
        "tenant_id": str(environment.tenant.entra_id), "environment": environment.name,
        "company_id": str(company.id), "client_id": app.client_id,
        "customer_template": _template_number(company),
    }  # fmt: skip
    connection.erp_secrets = {**(connection.erp_secrets or {}), "client_secret": app.client_secret}
    connection.save(update_fields=["erp_settings", "erp_secrets"])


DEMO = DemoConnection(
    "Demo store → Business Central", "demo4", sign_in,
    {"document": "sales_invoice", "shipping_account": SHIPPING_ACCOUNT,
     "refund_account": REFUND_ACCOUNT, "tax_check": "warn"},
)  # fmt: skip
