"""Connecting a connection to Exact Online: the sign-in, the division, and the mapping settings
checked against the division's real reference data."""

from urllib.parse import urlencode

from django.conf import settings

from connectors.answers import reading
from connectors.errors import ConnectorError
from connectors.exact_online.auth import SYSTEM, TOKEN_LIFETIME, base_url, token_client
from connectors.oauth_connect import (
    SignInClient,
    authorization_code_exchange,
    erp_settings_merge,
    redirect_uri_for,
    signed_in,
)


def redirect_uri() -> str:
    return redirect_uri_for("exact_online", settings.EXACT_REDIRECT_URI)


def authorize_url(connection, state: str) -> str:
    params = {
        "client_id": settings.EXACT_CLIENT_ID, "redirect_uri": redirect_uri(),
        "response_type": "code", "state": state, "force_login": "0",
    }  # fmt: skip
    return f"{base_url(connection)}/api/oauth2/auth?{urlencode(params)}"


def code_exchange(connection, code: str) -> dict:
    """Trade the code (single use, about 3 minutes) for the first token pair."""
    form = {
        "grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri(),
        "client_id": settings.EXACT_CLIENT_ID, "client_secret": settings.EXACT_CLIENT_SECRET,
    }  # fmt: skip
    return authorization_code_exchange(
        token_client(connection, SignInClient), "token", form, label="Exact Online",
        lifetime=TOKEN_LIFETIME,
    )  # fmt: skip


def connection_connect(connection, *, tokens: dict, division: int | None = None):
    """Store the new tokens (and the division, when known); a connection that needed
    reconnecting gets going again."""
    chosen = {"division": int(division)} if division else {}
    return signed_in(
        connection, system=SYSTEM, tokens=tokens, lifetime=TOKEN_LIFETIME, chosen=chosen
    )


def division_choices(connection) -> list[tuple[int, str]]:
    """The divisions the signed-in user may use, the current one first."""
    from connectors.exact_online.api import LABEL, current_me, me_api

    current = current_me(connection)["CurrentDivision"]
    api = me_api(connection)
    response = api.http.get(
        f"{current}/hrm/Divisions", operation="hrm.divisions.list",
        params={"$select": "Code,Description"},
    )  # fmt: skip
    with reading(LABEL, "the list of divisions"):
        found = [(int(d["Code"]), f"{d['Code']} {d.get('Description') or ''}".strip())
                 for d in api.rows(response)]  # fmt: skip
    return sorted(found, key=lambda choice: choice[0] != current)


def division_save(connection, division: int):
    return erp_settings_merge(connection, {"division": int(division)})


def is_connected(connection) -> bool:
    from tenants.models import OAuthToken

    return bool((connection.erp_settings or {}).get("division")) and (
        OAuthToken.objects.filter(connection=connection, system=SYSTEM).exists()
    )


# --- mapping settings -----------------------------------------------------------------------
def picker_choices(connection) -> dict[str, list[tuple[str, str]]]:
    """The division's real values for each picker, read fresh from Exact Online."""
    from connectors.exact_online.api import ExactApi

    api = ExactApi(connection)

    def pairs(resource, select, filter="", label="Description"):
        rows = api.list(resource, select=select, filter=filter)
        return [(str(r["Code"]).strip(), f"{str(r['Code']).strip()} {r.get(label) or ''}".strip())
                for r in rows]  # fmt: skip

    return {
        "journals": pairs("financial/Journals", "Code,Description", "Type eq 20"),
        "gl_accounts": pairs("financial/GLAccounts", "Code,Description", "IsBlocked eq false"),
        "vat_codes": pairs("vat/VATCodes", "Code,Description", "IsBlocked eq false"),
        "cost_centers": pairs("hrm/Costcenters", "Code,Description"),
        "items": pairs("logistics/Items", "Code,Description", "IsSalesItem eq true"),
    }


FIELD_CHOICES = {
    "journal": "journals", "gl_revenue": "gl_accounts", "shipping_gl": "gl_accounts",
    "vat_taxable": "vat_codes", "vat_non_taxable": "vat_codes", "vat_shipping": "vat_codes",
    "cost_center": "cost_centers", "shipping_item": "items", "unmapped_sku_item": "items",
}  # fmt: skip


def mapping_problems(connection, values: dict) -> dict[str, str]:
    """{field: message} for settings that name something the division does not have."""
    from connectors.exact_online.mapping import rules_parse

    try:
        choices = picker_choices(connection)
    except ConnectorError as exc:
        return {"__all__": f"The settings could not be checked against Exact Online: {exc.message}"}
    problems = {}
    for name, kind in FIELD_CHOICES.items():
        value = str(values.get(name) or "").strip()
        if value and value not in {code for code, _ in choices[kind]}:
            problems[name] = f"{value} is not in the Exact Online division."
    try:
        centers = {code for code, _ in choices["cost_centers"]}
        for rule in rules_parse(values.get("cost_center_rules") or ""):
            if rule.cost_center not in centers:
                problems["cost_center_rules"] = (
                    f"Cost centre {rule.cost_center} is not in the division."
                )
    except ValueError as exc:
        problems["cost_center_rules"] = str(exc)
    return problems
