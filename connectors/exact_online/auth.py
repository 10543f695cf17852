"""Exact Online's OAuth: 10-minute access tokens and single-use refresh tokens.

Refresh in the last 30 seconds or after expiry and never sooner than 570 s after the previous
token (Exact answers 401 "Access token not expired" and counts it against the app). Each refresh
returns a new refresh token and spends the old one; a second worker refreshing with the old one
would kill the chain, so refreshes run one at a time under the token's row lock (TokenManager).
"""

from django.conf import settings

from connectors.auth import RefreshGrant, TokenManager, TokenPolicy
from connectors.errors import PermanentError
from connectors.http import ApiClient, VendorRules

SYSTEM = "exact_online"
POLICY = TokenPolicy(margin=30, min_age=570)
TOKEN_LIFETIME = 600  # seconds, when a token answer names none (Exact's tokens last 10 minutes)
TOKEN_RULES = VendorRules(system=SYSTEM, refresh_statuses=frozenset())
HOSTS = ("nl", "be", "de", "fr", "es", "co.uk", "com")


def base_url(connection) -> str:
    """The country's Exact Online (start.exactonline.<country>), or EXACT_BASE_URL when set (the
    sandbox in demo mode and tests)."""
    if settings.EXACT_BASE_URL:
        return settings.EXACT_BASE_URL.rstrip("/")
    country = (connection.erp_settings or {}).get("country") or "nl"
    if country not in HOSTS:
        raise PermanentError(f"'{country}' is not an Exact Online country; choose one of {HOSTS}.")
    return f"https://start.exactonline.{country}"


def token_client(connection, client_class=ApiClient) -> ApiClient:
    return client_class(
        rules=TOKEN_RULES, base_url=f"{base_url(connection)}/api/oauth2/", connection=connection,
        max_attempts=1,  # a lost answer must not be retried with a refresh token it may have spent
    )  # fmt: skip


def refresh_grant(connection) -> RefreshGrant:
    return RefreshGrant(
        label="Exact Online",
        client=token_client(connection),
        path="token",
        client_id=settings.EXACT_CLIENT_ID,
        client_secret=settings.EXACT_CLIENT_SECRET,
        lifetime=TOKEN_LIFETIME,
        refused="Exact Online refused to renew access (the sign-in was revoked, expired after 30 "
        "days unused, or its refresh token was already spent). Use 'Connect Exact Online' on the "
        "connection to sign in again.",
        # Exact answers a refresh inside the 570 s with 401 "Access token not expired".
        too_early="Access token not expired",
    )


def token_manager(connection) -> TokenManager:
    return TokenManager(
        connection_id=connection.pk, system=SYSTEM, policy=POLICY, grant=refresh_grant(connection)
    )
