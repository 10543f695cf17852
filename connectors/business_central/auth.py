"""The app-only (service-to-service) token from Microsoft Entra ID, got with msal.

The client-credentials grant (`scope=https://api.businesscentral.dynamics.com/.default`) with the
connection's app id and secret, at Microsoft's authority `https://login.microsoftonline.com/
<tenant>`: msal reads the tenant's OpenID discovery document, then posts to its token endpoint.
msal sends both through `EntraHttp`, our audited client (connectors/http.py): every call is
recorded, redacted (client_secret, access_token) and SSRF-checked like any other. In demo and test
mode only (settings.DEMO_MODE) the host login.microsoftonline.com goes to settings.BC_ENTRA_URL,
the sandbox's stand-in; production differs only there. msal's instance discovery and region
detection are off, so it calls nothing else.

Tokens live a random 60-90 minutes (`expires_in`): connectors/auth.py TokenManager keeps one in
the connection's OAuthToken row, shared by every worker, and gets a new one `margin` before it
expires. There is no refresh token: a new token is a new client-credentials grant. A refusal
(wrong or expired secret, unknown app or tenant) is a ReconnectRequired in plain words; the
connection's check gets a token itself (`token_fetch`), so fixing the secret and testing the
connection revives a connection that needed reconnecting.
"""

import json

import msal
from django.conf import settings

from connectors.answers import reading
from connectors.auth import NewToken, TokenManager, TokenPolicy
from connectors.business_central.client import SYSTEM, stored
from connectors.errors import AmbiguousWrite, ReconnectRequired, TransientError
from connectors.http import VendorRules
from connectors.oauth_connect import SignInClient

ENTRA = "Microsoft Entra ID"  # as messages name it
MICROSOFT_LOGIN = "https://login.microsoftonline.com"
SCOPE = "https://api.businesscentral.dynamics.com/.default"
POLICY = TokenPolicy(margin=300)
# Entra's answers msal reads itself (an OAuth error body, a tenant it does not know).
ENTRA_READS = frozenset(range(400, 500)) - {429}
RENEWAL_STEPS = (
    "create a new one in the Azure portal (App registrations → your app → Certificates & "
    "secrets → New client secret) and paste its Value (not its ID) into the connection's "
    "Business Central settings, then use 'Test connection'."
)
# Entra's AADSTS codes, and what each asks of the person setting the connection up.
REFUSALS = {
    "AADSTS7000215": "the client secret is wrong or expired: " + RENEWAL_STEPS,
    "AADSTS7000222": "the client secret has expired: " + RENEWAL_STEPS,
    "AADSTS700016": (
        "the Application (client) ID is not an app of this Entra tenant: copy it from the Azure "
        "portal (App registrations → your app → Application (client) ID) and check the tenant ID."
    ),
    "AADSTS90002": (
        "Microsoft Entra ID does not know this tenant: copy the Tenant ID from the Azure portal "
        "(Microsoft Entra ID → Overview)."
    ),
    "AADSTS500011": (
        "Business Central is not available in this Entra tenant: check the tenant ID, and that "
        "the app has the Dynamics 365 Business Central API permission API.ReadWrite.All."
    ),
}


def entra_rules() -> VendorRules:
    from connectors.business_central.client import error_message

    return VendorRules(system=SYSTEM, refresh_statuses=frozenset(), error_message=error_message)


def routed(url: str) -> str:
    """Microsoft's login host, sent to the sandbox's stand-in in demo and test mode only."""
    stand_in = (settings.BC_ENTRA_URL or "").rstrip("/")
    if settings.DEMO_MODE and stand_in and url.startswith(f"{MICROSOFT_LOGIN}/"):
        return stand_in + url.removeprefix(MICROSOFT_LOGIN)
    return url


class EntraHttp:
    """msal's http_client (msal.oauth2cli.http.HttpClient) on our audited client. Entra's 4xx
    answers go back to msal, which reads them as OAuth errors; 5xx and 429 are retried by the
    client like any vendor's. The sign-in may run while the connection needs reconnecting: it is
    what revives it."""

    def __init__(self, connection):
        self.client = SignInClient(
            rules=entra_rules(), base_url=f"{MICROSOFT_LOGIN}/", connection=connection,
            max_attempts=2,
        )  # fmt: skip

    def _send(self, method: str, url: str, operation: str, **kwargs):
        return self.client.request(
            method, routed(url), operation=operation, read_statuses=ENTRA_READS, **kwargs
        )

    def get(self, url, params=None, headers=None, **kwargs):
        return self._send("GET", url, "entra.discovery", params=params, headers=headers)

    def post(self, url, params=None, data=None, headers=None, **kwargs):
        return self._send("POST", url, "entra.token", params=params, data=data, headers=headers)

    def close(self):
        return None


def credentials(connection) -> tuple[str, str, str]:
    """(tenant id, client id, client secret), each required."""
    from connectors.business_central.client import NotConnected

    values = stored(connection)
    tenant, client_id = str(values.get("tenant_id") or ""), str(values.get("client_id") or "")
    secret = str((connection.erp_secrets or {}).get("client_secret") or "")
    if not (tenant and client_id and secret):
        raise NotConnected(
            "Connect Business Central first: enter the Entra tenant ID, the application (client) "
            "ID and its client secret in the connection's settings."
        )
    return tenant, client_id, secret


def refusal_message(result: dict) -> str:
    """What Entra's refusal means, from its AADSTS code (error_description starts with it)."""
    described = str(result.get("error_description") or "")
    codes = result.get("error_codes") if isinstance(result.get("error_codes"), list) else []
    for code, meaning in REFUSALS.items():
        if described.startswith(f"{code}:") or int(code.removeprefix("AADSTS")) in codes:
            return f"Microsoft Entra ID refused the sign-in: {meaning} ({code})"
    error = str(result.get("error") or "no token in its answer")
    first_line = described.splitlines()[0][:300] if described else ""
    return f"Microsoft Entra ID refused the sign-in ({error}). {first_line}".strip()


def _not_answered(exc: AmbiguousWrite) -> TransientError:
    return TransientError(
        f"Microsoft Entra ID did not answer the token request ({exc.message[:200]}); "
        "ml-connector tries again shortly.",
        retry_after=exc.retry_after or 30,
    )


def token_fetch(connection) -> dict:
    """A new app-only token from Entra: msal's answer ({access_token, expires_in, ...}). What msal
    cannot read of Entra's answers is a plain error, never a crash."""
    tenant, client_id, secret = credentials(connection)
    try:
        with reading(ENTRA, "the tenant's OpenID discovery document"):
            try:
                app = msal.ConfidentialClientApplication(
                    client_id, client_credential=secret, authority=f"{MICROSOFT_LOGIN}/{tenant}",
                    http_client=EntraHttp(connection), instance_discovery=False,
                    azure_region=False,
                )  # fmt: skip
            except ValueError as exc:
                # msal's tenant discovery: the tenant's document answered 4xx (or is not JSON).
                raise ReconnectRequired(
                    f"{ENTRA} refused the sign-in: {REFUSALS['AADSTS90002']} (tenant {tenant})"
                ) from exc
        with reading(ENTRA, "the token request"):
            try:
                result = app.acquire_token_for_client(scopes=[SCOPE])
            except json.JSONDecodeError as exc:
                raise TransientError(
                    f"{ENTRA} answered the token request with something that is not JSON; "
                    "ml-connector tries again shortly (the answer is in the API call log).",
                    retry_after=30,
                ) from exc
    except AmbiguousWrite as exc:
        raise _not_answered(exc) from exc
    if not isinstance(result, dict) or not result.get("access_token"):
        raise ReconnectRequired(refusal_message(result if isinstance(result, dict) else {}))
    return result


def new_token(result: dict) -> NewToken:
    with reading(ENTRA, "the token request"):
        return NewToken(
            access_token=result["access_token"], expires_in=float(result["expires_in"]),
            scope=SCOPE,
        )  # fmt: skip


class ClientCredentialsGrant:
    """TokenManager's grant: a new client-credentials token (there is no refresh token)."""

    def __init__(self, connection):
        self.connection = connection

    def __call__(self, token) -> NewToken:
        return new_token(token_fetch(self.connection))


def token_manager(connection) -> TokenManager:
    """The connection's token, kept in its OAuthToken row (made empty on first use: the first
    call then gets a token)."""
    from tenants.models import OAuthToken

    credentials(connection)
    OAuthToken.objects.get_or_create(connection=connection, system=SYSTEM)
    return TokenManager(
        connection_id=connection.pk, system=SYSTEM, policy=POLICY,
        grant=ClientCredentialsGrant(connection),
    )  # fmt: skip
