"""MYOB's OAuth: access tokens last 20 minutes; each refresh returns a new refresh token."""

from django.conf import settings

from connectors.auth import RefreshGrant, TokenManager, TokenPolicy
from connectors.http import ApiClient, VendorRules

SYSTEM = "myob"
# Refresh two minutes early: a worker may hold the token for a whole batch of calls.
POLICY = TokenPolicy(margin=120)
TOKEN_LIFETIME = 1200  # seconds, when a token answer names none (MYOB's tokens last 20 minutes)

TOKEN_RULES = VendorRules(system=SYSTEM, refresh_statuses=frozenset())


def refresh_grant(connection) -> RefreshGrant:
    return RefreshGrant(
        label="MYOB",
        client=ApiClient(
            rules=TOKEN_RULES, base_url=settings.MYOB_OAUTH_URL, connection=connection,
            max_attempts=2,
        ),
        path="v1/authorize",
        client_id=settings.MYOB_CLIENT_ID,
        client_secret=settings.MYOB_CLIENT_SECRET,
        lifetime=TOKEN_LIFETIME,
        refused="MYOB refused to renew access (the sign-in was revoked or has expired). Use "
        "'Connect MYOB' on the connection to sign in again.",
        form_order=("client_id", "client_secret", "refresh_token", "grant_type"),
    )  # fmt: skip


def token_manager(connection) -> TokenManager:
    return TokenManager(
        connection_id=connection.pk, system=SYSTEM, policy=POLICY, grant=refresh_grant(connection)
    )
