"""Acumatica's OAuth 2.0 on the tenant's own instance (`<instance>/identity/connect/token`).

Two sign-ins, chosen per connection:
- "Connect Acumatica": the authorization-code flow through the instance's consent page
  (setup.py); a refused refresh means a person must connect again.
- a dedicated API user (ROPC, `grant_type=password`): signed in on first use, and signed in again
  with the stored password when the refresh token is dead (30-day absolute expiry by default).

Access tokens last 3600 s; refresh 5 minutes early, one refresh at a time under the token's row
lock (connectors/auth.py TokenManager). Scopes `api offline_access`, never
`api:concurrent_access` (each grant is one licence session; the refresh reuses it, so we never
open a second one). We use OAuth only, never the cookie login, so no session is left open.
"""

from connectors.acumatica.client import LABEL, SYSTEM, NotConnected, instance_url
from connectors.answers import expect, reading
from connectors.auth import NewToken, RefreshGrant, TokenManager, TokenPolicy
from connectors.errors import PermanentError, ReconnectRequired
from connectors.http import ApiClient, VendorRules

POLICY = TokenPolicy(margin=300)
TOKEN_LIFETIME = 3600  # seconds, when a token answer names none
SCOPE = "api offline_access"
TOKEN_PATH = "identity/connect/token"  # noqa: S105 - a path, not a secret
CONNECT, API_USER = "connect", "api_user"


def _token_rules():
    from connectors.acumatica.client import error_message

    return VendorRules(system=SYSTEM, refresh_statuses=frozenset(), error_message=error_message)


def sign_in_method(connection) -> str:
    return (connection.erp_settings or {}).get("sign_in") or CONNECT


def token_client(connection, client_class=ApiClient) -> ApiClient:
    return client_class(
        rules=_token_rules(), base_url=f"{instance_url(connection)}/", connection=connection,
        max_attempts=1,  # a lost answer must not be retried with a refresh token it may have spent
    )  # fmt: skip


def _client_credentials(connection) -> tuple[str, str]:
    return (
        str((connection.erp_settings or {}).get("client_id") or ""),
        str((connection.erp_secrets or {}).get("client_secret") or ""),
    )


def refresh_grant(connection) -> RefreshGrant:
    client_id, client_secret = _client_credentials(connection)
    return RefreshGrant(
        label=LABEL, client=token_client(connection), path=TOKEN_PATH, client_id=client_id,
        client_secret=client_secret, lifetime=TOKEN_LIFETIME,
        refused="Acumatica refused to renew access (the sign-in was revoked, or its refresh token "
        "expired: 30 days by default). Use 'Connect Acumatica' on the connection to sign in again.",
    )  # fmt: skip


def password_tokens(connection, client_class=ApiClient) -> dict:
    """The API user's sign-in (ROPC): the token answer, checked. A refusal names what to fix."""
    from connectors.oauth_connect import sign_in_tokens

    client_id, client_secret = _client_credentials(connection)
    stored = connection.erp_settings or {}
    form = {
        "grant_type": "password", "client_id": client_id, "client_secret": client_secret,
        "username": stored.get("username") or "",
        "password": (connection.erp_secrets or {}).get("password") or "", "scope": SCOPE,
    }  # fmt: skip
    try:
        response = token_client(connection, client_class).post(
            TOKEN_PATH, operation="oauth.password", data=form
        )
    except PermanentError as exc:
        raise ReconnectRequired(sign_in_refusal(exc.message)) from exc
    return sign_in_tokens(response, label=LABEL, lifetime=TOKEN_LIFETIME)


def sign_in_refusal(message: str) -> str:
    """Which part of the sign-in Acumatica refused, from its OIDC error."""
    if "invalid_client" in message:
        return (
            f"Acumatica refused the client ID or secret ({message}). Check them against the "
            "connected application (SM303010): the client ID ends in @<tenant>."
        )
    if "invalid_grant" in message:
        return (
            f"Acumatica refused the API user's name or password ({message}). Correct them in the "
            "connection's Acumatica settings."
        )
    return f"Acumatica refused the sign-in: {message}"


def _new_token(body: dict) -> NewToken:
    with reading(LABEL, "the sign-in"):
        return NewToken(
            access_token=body["access_token"], refresh_token=body.get("refresh_token"),
            expires_in=float(body.get("expires_in", TOKEN_LIFETIME)),
            scope=str(body.get("scope", "")),
        )  # fmt: skip


class AcumaticaGrant:
    """Refresh the token; an API user whose refresh token is dead signs in again with its
    password instead of needing a person."""

    def __init__(self, connection):
        self.connection = connection

    def __call__(self, token) -> NewToken:
        if token.refresh_token:
            try:
                return refresh_grant(self.connection)(token)
            except ReconnectRequired:
                if sign_in_method(self.connection) != API_USER:
                    raise
        elif sign_in_method(self.connection) != API_USER:
            raise ReconnectRequired(refresh_grant(self.connection).refused)
        body = expect(password_tokens(self.connection), dict, LABEL, "the sign-in")
        return _new_token(body)


def token_manager(connection) -> TokenManager:
    return TokenManager(
        connection_id=connection.pk, system=SYSTEM, policy=POLICY,
        grant=AcumaticaGrant(connection),
    )  # fmt: skip


def signed_in_manager(connection) -> TokenManager:
    """The token manager, after the API user's first sign-in when there is no token yet."""
    from connectors.oauth_connect import signed_in
    from tenants.models import OAuthToken

    if not instance_url(connection):
        raise NotConnected("Acumatica is not set up yet: enter the instance URL in its settings.")
    if not OAuthToken.objects.filter(connection=connection, system=SYSTEM).exists():
        if sign_in_method(connection) != API_USER:
            raise NotConnected(
                "Acumatica is not connected yet: use 'Connect Acumatica' on the connection to "
                "sign in (or choose the API user sign-in in its settings)."
            )
        tokens = password_tokens(connection)
        signed_in(connection, system=SYSTEM, tokens=tokens, lifetime=TOKEN_LIFETIME, chosen={})
    return token_manager(connection)
