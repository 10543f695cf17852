"""Connecting a connection to MYOB: the OAuth authorization-code flow, the company file, and the
mapping settings checked against the file's real reference data."""

from urllib.parse import urlencode

from django.conf import settings

from connectors.errors import ConnectorError
from connectors.myob.auth import SYSTEM, TOKEN_LIFETIME, TOKEN_RULES
from connectors.myob.reference import ACCOUNTS, CATEGORIES, ITEMS, TAX_CODES, ReferenceData
from connectors.oauth_connect import (
    SignInClient,
    authorization_code_exchange,
    redirect_uri_for,
    signed_in,
)

# Granular scopes (keys made after March 2025; "CompanyFile" is deprecated for them). Which scope
# covers which endpoint is UNCONFIRMED; these are the families our calls touch.
SCOPES = (
    "sme-company-file",
    "sme-contacts-customer",
    "sme-sales",
    "sme-inventory",
    "sme-general-ledger",
)


def redirect_uri() -> str:
    return redirect_uri_for("myob", settings.MYOB_REDIRECT_URI)


def authorize_url(connection, state: str) -> str:
    params = {
        "client_id": settings.MYOB_CLIENT_ID,
        "redirect_uri": redirect_uri(),
        "response_type": "code",
        "scope": " ".join(SCOPES),
        "state": state,
        # Without it MYOB does not send back the businessId of the file the person picked.
        "prompt": "consent",
    }
    return f"{settings.MYOB_OAUTH_URL.rstrip('/')}/account/authorize?{urlencode(params)}"


def code_exchange(connection, code: str) -> dict:
    """Trade the authorization code for tokens (MYOB's code lives 2-5 minutes, single use)."""
    client = SignInClient(
        rules=TOKEN_RULES, base_url=settings.MYOB_OAUTH_URL, connection=connection, max_attempts=1
    )
    form = {
        "client_id": settings.MYOB_CLIENT_ID, "client_secret": settings.MYOB_CLIENT_SECRET,
        "scope": " ".join(SCOPES), "code": code, "redirect_uri": redirect_uri(),
        "grant_type": "authorization_code",
    }  # fmt: skip
    return authorization_code_exchange(
        client, "v1/authorize", form, label="MYOB", lifetime=TOKEN_LIFETIME
    )


def connection_connect(connection, *, tokens: dict, business_id: str, business_name: str = ""):
    """Store the new tokens and the company file the person picked; a connection that needed
    reconnecting gets going again."""
    chosen = {"business_id": business_id} | (
        {"business_name": business_name} if business_name else {}
    )
    return signed_in(
        connection, system=SYSTEM, tokens=tokens, lifetime=TOKEN_LIFETIME, chosen=chosen
    )


def company_file_credentials_save(connection, *, username: str, password: str | None):
    """The company file user, sent as x-myobapi-cftoken; a blank password keeps the stored one."""
    erp_settings = {**(connection.erp_settings or {}), "company_file_username": username}
    erp_secrets = dict(connection.erp_secrets or {})
    if password:
        erp_secrets["company_file_password"] = password
    if not username:
        erp_secrets.pop("company_file_password", None)
    connection.erp_settings, connection.erp_secrets = erp_settings, erp_secrets
    connection.save(update_fields=["erp_settings", "erp_secrets", "updated_at"])
    return connection


# --- mapping settings -----------------------------------------------------------------------
def is_connected(connection) -> bool:
    from tenants.models import OAuthToken

    business_id = (connection.erp_settings or {}).get("business_id")
    return (
        bool(business_id)
        and OAuthToken.objects.filter(connection=connection, system=SYSTEM).exists()
    )


def picker_choices(connection) -> dict[str, list[tuple[str, str]]]:
    """The company file's real values for each picker, read fresh from MYOB."""
    from connectors.myob.api import MyobApi

    reference = ReferenceData(MyobApi(connection))
    codes = [
        (c["Code"], f"{c['Code']} — {c.get('Description') or ''} ({c.get('Rate')}%)")
        for c in reference.all(TAX_CODES)
    ]
    accounts = [
        (a["DisplayID"], f"{a['DisplayID']} {a.get('Name') or ''}")
        for a in reference.all(ACCOUNTS)
        if not a.get("IsHeader") and a.get("Classification") == "Income" and a.get("IsActive", True)
    ]
    categories = [
        (c["DisplayID"], f"{c['DisplayID']} {c.get('Name') or ''}")
        for c in reference.all(CATEGORIES)
    ]
    items = [
        (i["Number"], f"{i['Number']} {i.get('Name') or ''}")
        for i in reference.all(ITEMS)
        if i.get("IsSold", True)
    ]
    return {"tax_codes": codes, "accounts": accounts, "categories": categories, "items": items}


def mapping_problems(connection, values: dict) -> dict[str, str]:
    """{field: message} for settings that name something the company file does not have."""
    from connectors.myob.api import MyobApi

    try:
        reference = ReferenceData(MyobApi(connection))
        checks = [
            ("tax_code_taxable", TAX_CODES), ("tax_code_non_taxable", TAX_CODES),
            ("freight_tax_code", TAX_CODES), ("unmapped_sku_account", ACCOUNTS),
            ("category", CATEGORIES), ("freight_item", ITEMS),
        ]  # fmt: skip
        problems = {}
        for field, kind in checks:
            value = (values.get(field) or "").strip()
            if field in values and value and not reference.find(kind, [value]):
                problems[field] = f"{value} is not in the MYOB company file."
        if "category" in values and not values.get("category") and reference.all(CATEGORIES):
            problems["category"] = "This company file tracks categories: choose the sale category."
    except ConnectorError as exc:
        return {"__all__": f"The settings could not be checked against MYOB: {exc.message}"}
    return problems
