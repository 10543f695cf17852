"""MYOB's OAuth: access tokens last 20 minutes; each refresh returns a new refresh token."""

from django.conf import settings

from connectors.answers import json_of, reading
from connectors.auth import NewToken, TokenManager, TokenPolicy
from connectors.errors import ReconnectRequired
from connectors.http import ApiClient, VendorRules

SYSTEM = "myob"
# Refresh two minutes early: a worker may hold the token for a whole batch of calls.
POLICY = TokenPolicy(margin=120)

TOKEN_RULES = VendorRules(system=SYSTEM, refresh_statuses=frozenset())


def _token_client(connection) -> ApiClient:
    return ApiClient(
        rules=TOKEN_RULES, base_url=settings.MYOB_OAUTH_URL, connection=connection, max_attempts=2
    )


def refresh_grant(connection):
    def grant(token) -> NewToken:
        from connectors.errors import PermanentError

        try:
            response = _token_client(connection).post(
                "v1/authorize",
                operation="oauth.refresh",
                data={
                    "client_id": settings.MYOB_CLIENT_ID,
                    "client_secret": settings.MYOB_CLIENT_SECRET,
                    "refresh_token": token.refresh_token,
                    "grant_type": "refresh_token",
                },
            )
        except PermanentError as exc:
            raise ReconnectRequired(
                "MYOB refused to renew access (the sign-in was revoked or has expired). Use "
                "'Connect MYOB' on the connection to sign in again."
            ) from exc
        with reading("MYOB", "the token refresh"):
            body = json_of(response, "MYOB")
            return NewToken(
                access_token=body["access_token"],
                refresh_token=body.get("refresh_token"),
                expires_in=float(body.get("expires_in", 1200)),  # a string in MYOB's answer
                scope=str(body.get("scope", "")),
            )

    return grant


def token_manager(connection) -> TokenManager:
    return TokenManager(
        connection_id=connection.pk, system=SYSTEM, policy=POLICY, grant=refresh_grant(connection)
    )
