"""Setting a connection up: the company orders go to (from the environment's `companies`), and
the document settings checked against the company's real G/L accounts and customers. There is no
sign-in page: the app signs itself in with its client secret (connectors/business_central/auth.py)."""

from connectors.answers import reading
from connectors.business_central.client import LABEL, SYSTEM
from connectors.errors import ConnectorError
from connectors.oauth_connect import erp_settings_merge

SYSTEM = SYSTEM  # the OAuthToken row's system, as the shared set-up pages read it
ACCOUNTS = "accounts"


def company_choices(connection) -> list[tuple[str, str]]:
    from connectors.business_central.connector import companies_list, company_name

    with reading(LABEL, "the list of companies"):
        return [(str(c["id"]), company_name(c)) for c in companies_list(connection)]


def company_save(connection, company_id: str):
    return erp_settings_merge(connection, {"company_id": str(company_id)})


def picker_choices(connection) -> dict[str, list[tuple[str, str]]]:
    """The company's G/L accounts that take postings, for the shipping line's picker."""
    from connectors.business_central.api import BusinessCentralApi

    api = BusinessCentralApi(connection)
    rows = api.list(ACCOUNTS, filter="directPosting eq true", select="number,displayName,blocked")
    with reading(LABEL, "the chart of accounts"):
        accounts = [
            (str(row["number"]), f"{row['number']} {row.get('displayName') or ''}".strip())
            for row in rows
            if row.get("blocked") is not True
        ]
    return {"accounts": accounts}


def mapping_problems(connection, values: dict) -> dict[str, str]:
    """{field: message} for a value the company does not have (checked again on saving)."""
    from connectors.business_central.api import BusinessCentralApi, quoted

    problems = {}
    try:
        accounts = {code for code, _ in picker_choices(connection)["accounts"]}
        template = str(values.get("customer_template") or "").strip()
        found = template and BusinessCentralApi(connection).first(
            "customers", filter=f"number eq {quoted(template)}", select="id,number"
        )
    except ConnectorError as exc:
        return {
            "__all__": f"The settings could not be checked against Business Central: {exc.message}"
        }
    account = str(values.get("shipping_account") or "").strip()
    if account and account not in accounts:
        problems["shipping_account"] = (
            f"G/L account {account} does not take postings in the company."
        )
    if template and not found:
        problems["customer_template"] = (
            f"Customer {template} is not in the Business Central company."
        )
    return problems
