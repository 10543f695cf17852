"""A stand-in for Microsoft Entra ID's v2.0 endpoints of one tenant, at
/sandbox/entra/<tenant id or domain>/:

- GET v2.0/.well-known/openid-configuration: the discovery document, naming Microsoft's own URLs
  (https://login.microsoftonline.com/<tenant>/…): a client (msal) reaches the stand-in by
  sending that host here, as the connector's http client does in demo and test mode.
- GET common/discovery/instance: the cloud's host aliases, which msal asks for after an error.
- POST oauth2/v2.0/token (form): client_credentials only, scope
  https://api.businesscentral.dynamics.com/.default. Tokens live a random 60-90 minutes, as
  Entra's do; every call is kept as a TokenRequest. Refusals in Entra's shape: error,
  error_description ("AADSTS…: … Trace ID … Correlation ID … Timestamp …"), error_codes,
  timestamp, trace_id, correlation_id, error_uri.
"""

import random
import secrets
import time
import uuid

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from sandbox.business_central import clock
from sandbox.business_central.models import BcApp, BcTenant
from sandbox.models import IssuedToken, TokenRequest

AUTHORITY = "https://login.microsoftonline.com"
BC_SCOPE = "https://api.businesscentral.dynamics.com/.default"
LIFETIME_SECONDS = (3600, 5400)  # Entra's default: random between 60 and 90 minutes


def tenant_of(segment: str) -> BcTenant | None:
    try:
        return BcTenant.objects.filter(entra_id=uuid.UUID(segment)).first()
    except ValueError:
        return BcTenant.objects.filter(name__iexact=segment).first()


def _refusal(status: int, error: str, code: int, text: str) -> JsonResponse:
    trace, correlation = str(uuid.uuid4()), str(uuid.uuid4())
    stamp = clock.now().strftime("%Y-%m-%d %H:%M:%SZ")
    return JsonResponse({
        "error": error,
        "error_description": f"AADSTS{code}: {text} Trace ID: {trace} Correlation ID: "
                             f"{correlation} Timestamp: {stamp}",
        "error_codes": [code], "timestamp": stamp, "trace_id": trace,
        "correlation_id": correlation, "error_uri": f"{AUTHORITY}/error?code={code}",
    }, status=status)  # fmt: skip


def _no_tenant(segment: str) -> JsonResponse:
    return _refusal(400, "invalid_request", 90002,
                    f"Tenant '{segment}' not found. Check to make sure you have the correct "
                    "tenant ID and are signing into the correct cloud. Check with your "
                    "subscription administrator, this may happen if there are no active "
                    "subscriptions for the tenant.")  # fmt: skip


@require_GET
def discovery(request, tenant):
    found = tenant_of(tenant)
    if found is None:
        return _no_tenant(tenant)
    base = f"{AUTHORITY}/{found.entra_id}"
    return JsonResponse({
        "token_endpoint": f"{base}/oauth2/v2.0/token",
        "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt",
                                                  "client_secret_basic"],
        "jwks_uri": f"{AUTHORITY}/{found.entra_id}/discovery/v2.0/keys",
        "response_modes_supported": ["query", "fragment", "form_post"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
        "scopes_supported": ["openid", "profile", "email", "offline_access"],
        "issuer": f"{base}/v2.0",
        "request_uri_parameter_supported": False,
        "userinfo_endpoint": "https://graph.microsoft.com/oidc/userinfo",
        "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
        "device_authorization_endpoint": f"{base}/oauth2/v2.0/devicecode",
        "http_logout_supported": True,
        "frontchannel_logout_supported": True,
        "end_session_endpoint": f"{base}/oauth2/v2.0/logout",
        "claims_supported": ["sub", "iss", "aud", "exp", "iat", "auth_time", "acr", "nonce",
                             "tid", "ver", "oid", "roles"],
        "kerberos_endpoint": f"{base}/kerberos",
        "tenant_region_scope": "OC",
        "cloud_instance_name": "microsoftonline.com",
        "cloud_graph_host_name": "graph.windows.net",
        "msgraph_host": "graph.microsoft.com",
        "rbac_url": "https://pas.windows.net",
    })  # fmt: skip


@require_GET
def instance_discovery(request):
    """GET common/discovery/instance: the cloud's host aliases (msal asks after an error)."""
    return JsonResponse({
        "tenant_discovery_endpoint":
            f"{AUTHORITY}/common/v2.0/.well-known/openid-configuration",
        "api-version": "1.1",
        "metadata": [{"preferred_network": "login.microsoftonline.com",
                      "preferred_cache": "login.windows.net",
                      "aliases": ["login.microsoftonline.com", "login.windows.net",
                                  "login.microsoft.com", "sts.windows.net"]}],
    })  # fmt: skip


def _record(client_id: str, grant_type: str, response: JsonResponse) -> JsonResponse:
    import json

    body = json.loads(response.content)
    TokenRequest.objects.create(
        vendor=BcApp.VENDOR, client_id=client_id[:100], grant_type=grant_type[:40],
        status_code=response.status_code, message=body.get("error_description", "")[:200],
    )  # fmt: skip
    return response


def _client(request) -> tuple[str, str]:
    """The client's id and secret: posted (client_secret_post, msal's way) or HTTP Basic."""
    client_id = request.POST.get("client_id", "")
    secret = request.POST.get("client_secret", "")
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "basic" and not client_id:
        import base64
        from urllib.parse import unquote_plus

        try:
            basic_id, _, basic_secret = base64.b64decode(value).decode().partition(":")
            client_id, secret = unquote_plus(basic_id), unquote_plus(basic_secret)
        except (ValueError, UnicodeDecodeError):
            pass
    return client_id, secret


def _token(request, tenant: str) -> JsonResponse:
    found = tenant_of(tenant)
    if found is None:
        return _no_tenant(tenant)
    client_id, secret = _client(request)
    grant_type = request.POST.get("grant_type", "")
    if not client_id:
        return _refusal(400, "invalid_request", 900144,
                        "The request body must contain the following parameter: "
                        "'client_id'.")  # fmt: skip
    app = BcApp.objects.filter(tenant=found, client_id__iexact=client_id).first()
    if app is None:
        return _refusal(400, "unauthorized_client", 700016,
                        f"Application with identifier '{client_id}' was not found in the "
                        f"directory '{found.name}'. This can happen if the application has not "
                        "been installed by the administrator of the tenant or consented to by "
                        "any user in the tenant. You may have sent your authentication request "
                        "to the wrong tenant.")  # fmt: skip
    if app.fault_entra_latency_ms:
        time.sleep(app.fault_entra_latency_ms / 1000)
    if BcApp.objects.filter(pk=app.pk, fault_entra_unavailable__gt=0).update(
        fault_entra_unavailable=app.fault_entra_unavailable - 1
    ):
        response = _refusal(503, "temporarily_unavailable", 50196,
                            "The server is temporarily unavailable.")  # fmt: skip
        response["Retry-After"] = "5"
        return response
    if grant_type != "client_credentials":
        return _refusal(400, "unsupported_grant_type", 70003,
                        f"The app requested an unsupported grant type '{grant_type}'.")  # fmt: skip
    if not secret or not secrets.compare_digest(secret, app.client_secret):
        return _refusal(401, "invalid_client", 7000215,
                        "Invalid client secret provided. Ensure the secret being sent in the "
                        "request is the client secret value, not the client secret ID, for a "
                        f"secret added to app '{app.client_id}'.")  # fmt: skip
    scope = request.POST.get("scope", "")
    if not scope:
        return _refusal(400, "invalid_request", 90014,
                        "The required field 'scope' is missing from the credential. Ensure that "
                        "you have all the necessary parameters for the login request.")  # fmt: skip
    if scope.split() != [BC_SCOPE]:
        return _refusal(400, "invalid_scope", 70011,
                        f"The provided request must include a 'scope' input parameter. The "
                        f"provided value for the input parameter 'scope' is not valid. The scope "
                        f"{scope} is not valid.")  # fmt: skip
    return JsonResponse(_issue(app, scope))


def _issue(app: BcApp, scope: str) -> dict:
    from datetime import timedelta

    lifetime = random.randint(*LIFETIME_SECONDS)
    now = clock.now()
    token = IssuedToken.objects.create(
        app=app, grant=str(app.tenant.entra_id), scope=scope,
        access_token=f"sbx-bc-at-{secrets.token_urlsafe(32)}",
        refresh_token=f"sbx-bc-unused-{secrets.token_urlsafe(16)}",  # client credentials: none
        issued_at=now, expires_at=now + timedelta(seconds=lifetime),
    )  # fmt: skip
    return {"token_type": "Bearer", "expires_in": lifetime, "ext_expires_in": lifetime,
            "access_token": token.access_token}  # fmt: skip


@csrf_exempt
@require_POST
def token(request, tenant):
    client_id, _ = _client(request)
    return _record(client_id, request.POST.get("grant_type", ""), _token(request, tenant))


def issue_token(app: BcApp) -> dict:
    """A token as the token endpoint would answer it, without the call (tests and the demo)."""
    return _issue(app, BC_SCOPE)
