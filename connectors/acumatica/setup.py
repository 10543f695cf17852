"""'Connect Acumatica': the authorization-code sign-in on the tenant's own instance, the
endpoint version picked from those the instance serves, and the document settings."""

from urllib.parse import urlencode

from django.conf import settings

from connectors.acumatica.auth import SCOPE, TOKEN_LIFETIME, TOKEN_PATH, token_client
from connectors.acumatica.client import LABEL, SYSTEM, instance_url
from connectors.oauth_connect import (
    SignInClient,
    authorization_code_exchange,
    redirect_uri_for,
    signed_in,
)

SYSTEM = SYSTEM  # the OAuthToken row's system, as the shared set-up pages read it


def redirect_uri() -> str:
    return redirect_uri_for("acumatica", settings.ACUMATICA_REDIRECT_URI)


def authorize_url(connection, state: str) -> str:
    params = {
        "response_type": "code", "client_id": (connection.erp_settings or {}).get("client_id", ""),
        "redirect_uri": redirect_uri(), "scope": SCOPE, "state": state,
    }  # fmt: skip
    return f"{instance_url(connection)}/identity/connect/authorize?{urlencode(params)}"


def code_exchange(connection, code: str) -> dict:
    """Trade the code for the first token pair at the instance's token endpoint."""
    form = {
        "grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri(),
        "client_id": (connection.erp_settings or {}).get("client_id", ""),
        "client_secret": (connection.erp_secrets or {}).get("client_secret", ""),
    }  # fmt: skip
    return authorization_code_exchange(
        token_client(connection, SignInClient), TOKEN_PATH, form, label=LABEL,
        lifetime=TOKEN_LIFETIME,
    )  # fmt: skip


def connection_connect(connection, *, tokens: dict):
    return signed_in(connection, system=SYSTEM, tokens=tokens, lifetime=TOKEN_LIFETIME, chosen={})


def is_connected(connection) -> bool:
    from tenants.models import OAuthToken

    return OAuthToken.objects.filter(connection=connection, system=SYSTEM).exists()


def picker_choices(connection) -> dict:
    """The document settings are typed, not picked: nothing is read from Acumatica for them
    (a wrong value is named by Acumatica's 422 on the first order)."""
    return {}


def mapping_problems(connection, values: dict) -> dict[str, str]:
    return {}
