"""The demo tenant's SYSPRO connection: operator MLC of the sandbox's company EDU1 (SYSPRO's
own demo company code), warehouse WH01, whose stock items are the sandbox's starter items and
the demo store's SKUs; orders become billing orders invoiced at once. sign_in types into the
settings what a person would: the server URL, operator, passwords, company and warehouse."""

import secrets

from django.conf import settings

from sandbox.catalog_seed import DEMO_SKUS, catalog_seed
from sandbox.demo_connection import DemoConnection
from sandbox.syspro import services
from sandbox.syspro.models import SysproCompany

COMPANY_ID, OPERATOR = "EDU1", "MLC"


def demo_company() -> SysproCompany:
    """The demo's sandbox company, made with its stock once."""
    company = SysproCompany.objects.filter(company_id=COMPANY_ID).first()
    if company is None:
        company = services.syspro_create(
            company_id=COMPANY_ID, operator=OPERATOR, name="Demo Outdoor Co (EDU1)",
            operator_password=secrets.token_urlsafe(12),
        )  # fmt: skip
        services.stock_many(company, _seed_stock())
    return company


def _seed_stock():
    """The demo store's SKUs (less the few the seed says the ERP lacks)."""
    for product in catalog_seed(DEMO_SKUS):
        if product.erp_lacks:
            continue
        for variant in product.variants or [None]:
            sku = variant.sku if variant else product.sku
            price = variant.price if variant and variant.price is not None else product.price
            yield sku, product.name, price, product.stock


def sign_in(connection) -> None:
    """As a person would fill in the settings form: SYSPRO has no sign-in beyond them (each
    cycle logs on with the operator's password)."""
    company = demo_company()
    if connection.erp_settings.get("company_id") == company.company_id:
        return
    operator = company.operators.get(code=OPERATOR)
    connection.erp_settings = {
        **connection.erp_settings,
        "server_url": services.server_url(settings.PUBLIC_BASE_URL),
        "operator": operator.code, "company_id": company.company_id,
        "warehouse": services.WAREHOUSE,
    }  # fmt: skip
    connection.erp_secrets = {
        **(connection.erp_secrets or {}),
        "operator_password": operator.password, "company_password": company.company_password,
    }  # fmt: skip
    connection.save(update_fields=["erp_settings", "erp_secrets"])


DEMO = DemoConnection(
    "Demo store → SYSPRO", "demo5", sign_in,
    {"order_mode": "billing", "customer_code_scheme": "prefix", "customer_code_prefix": "BC",
     "price_handling": "store", "product_class": "WEB"},
)  # fmt: skip
