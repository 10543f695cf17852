"""A SYSPRO connection on a sandbox company (tests/support/syspro_sandbox.py), as a person's
settings form would save it: the operator's and company's passwords as secrets."""

from tenants.models import ConnectionStatus
from tests.factories import ConnectionFactory

# In the scan's markers (tests/support/secret_scan.py): a password seen in a row or a log fails.
OPERATOR_PASSWORD = "syspro-pw-secret-op"
COMPANY_PASSWORD = "syspro-pw-secret-co"


def syspro_connection(tenant, company, *, status=ConnectionStatus.ACTIVE, store=None, **settings):
    """`company` from syspro_sandbox(live_server, operator_password=OPERATOR_PASSWORD, …); with
    `store` (a sandbox store, at PUBLIC_BASE_URL) the connection is that store's."""
    of_store = {} if store is None else {
        "store_hash": store.store_hash, "bc_access_token": store.access_token,
        "bc_client_secret": store.client_secret, "bc_client_id": store.client_id,
        "bc_api_url": f"{settings.pop('public_url')}/sandbox/bigcommerce",
    }  # fmt: skip
    return ConnectionFactory(
        tenant=tenant, erp_kind="syspro", status=status, name=f"Store to {company.company_id}",
        **of_store,
        erp_settings={
            "server_url": company.server_url, "operator": company.operator,
            "company_id": company.company_id, "warehouse": "WH01", **settings,
        },
        erp_secrets={
            "operator_password": company.operator_password,
            "company_password": company.company_password,
        },
    )  # fmt: skip
