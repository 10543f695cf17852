"""OAuth 2.0 / OIDC on an instance (/identity/…), on the sandboxes' one server (sandbox.oauth):

- connect/token (form): grant_type password (ROPC: username, password, scope),
  authorization_code and refresh_token, each with client_id `<GUID>@<Tenant>` and client_secret.
  Answers {access_token, expires_in: 3600, token_type: "Bearer", scope, refresh_token (only with
  offline_access)}. client_credentials is no flow of Acumatica's: unsupported_grant_type. A refresh
  token expires absolutely `refresh_days` (30) after its grant; each refresh rotates the pair
  (UNCONFIRMED: IdentityServer's one-time-only refresh tokens).
- connect/authorize: the consent page, where a person signs in as one of the tenant's users.
- .well-known/openid-configuration: the discovery document.
One session per grant (no api:concurrent_access): it opens at the token's first API call.
"""

import base64
from datetime import timedelta
from urllib.parse import unquote_plus

from django.db import transaction
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from sandbox.acumatica.models import AcuApp, AcuInstance, AcuUser
from sandbox.models import IssuedToken
from sandbox.oauth import OAuthServer


class AcumaticaOAuth(OAuthServer):
    vendor = AcuApp.VENDOR
    app_model = AcuApp
    prefix = "sbx-acu"
    code_seconds = 300
    authorize_params = ("client_id", "redirect_uri", "response_type", "state", "scope")
    page = {
        "name": "Acumatica", "owner": "tenant as one of its users", "scopes": False,
        "legend": "Sign in as", "field": "user", "none": "The tenant has no users.",
        "csrf": False,
    }  # fmt: skip
    page_errors = {
        "client": "Invalid client_id: the application is not registered on this instance.",
        "unregistered": "The application has no redirect URI registered.",
        "redirect": "Invalid redirect_uri.",
        "pick": "Pick a user to sign in as.",
    }
    refusals = {
        "client": (400, "invalid_client", ""),
        "code": (400, "invalid_grant", ""),
        "redirect": (400, "invalid_grant", ""),
        "refresh": (400, "invalid_grant", ""),
        "grant_type": (400, "unsupported_grant_type", ""),
        "password": (400, "invalid_grant", "invalid_username_or_password"),
        "expired": (400, "invalid_grant", "The refresh token has expired."),
    }

    def __init__(self, instance: AcuInstance):
        self.instance = instance
        self.client_id = ""

    # --- the consent page: the app's tenant's users -------------------------------------------
    def authorize(self, request):
        self.client_id = (request.POST or request.GET).get("client_id", "")
        return super().authorize(request)

    def owners(self):
        app = AcuApp.objects.filter(client_id=self.client_id).first()
        return AcuUser.objects.filter(tenant_id=app.tenant_id if app else None).order_by("username")

    def choices(self, owners):
        return [(user.pk, user.username) for user in owners]

    def picked(self, owners, value):
        return owners.filter(pk=value).first() if str(value).isdigit() else None

    def grant_of(self, owner):
        return str(owner.pk)

    # --- the token endpoint ---------------------------------------------------------------------
    def token_body(self, token: IssuedToken, app):
        body = {"access_token": token.access_token, "expires_in": app.access_token_seconds,
                "token_type": "Bearer", "scope": token.scope or "api"}  # fmt: skip
        if "offline_access" in token.scope.split():
            body["refresh_token"] = token.refresh_token
        return body

    def before_grant(self, app, client_id, grant_type):
        if app.tenant.instance_id != self.instance.pk:
            return self.refuse(client_id, grant_type, "client")
        return None

    def before_refresh(self, app, old):
        first = IssuedToken.objects.filter(chain=old.chain).order_by("issued_at").first()
        if timezone.now() >= first.issued_at + timedelta(days=app.refresh_days):
            return self.refuse(app.client_id, "refresh_token", "expired")
        return None

    def token(self, request):
        _basic_client(request)
        if request.POST.get("grant_type") != "password":
            return super().token(request)
        client_id = request.POST.get("client_id", "")
        app = AcuApp.objects.filter(
            client_id=client_id, client_secret=request.POST.get("client_secret", "")
        ).first()
        if app is None or app.tenant.instance_id != self.instance.pk:
            return self.refuse(client_id, "password", "client")
        user = AcuUser.objects.filter(
            tenant=app.tenant, username=request.POST.get("username", ""),
            password=request.POST.get("password", ""),
        ).first()  # fmt: skip
        if user is None:
            return self.refuse(client_id, "password", "password")
        with transaction.atomic():
            new = self.issue(app, str(user.pk), request.POST.get("scope", "api"))
        return self.answer(client_id, "password", 200, self.token_body(new, app))


def _basic_client(request) -> None:
    """client_secret_basic (the discovery document offers it): the client's id and secret from
    `Authorization: Basic`, as if posted in the form."""
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "basic" or request.POST.get("client_id"):
        return
    try:
        client_id, _, secret = base64.b64decode(value).decode().partition(":")
    except (ValueError, UnicodeDecodeError):
        return
    form = request.POST.copy()
    form["client_id"], form["client_secret"] = unquote_plus(client_id), unquote_plus(secret)
    request.POST = form


def discovery(request, instance: AcuInstance) -> JsonResponse:
    base = request.build_absolute_uri(f"/sandbox/acumatica/{instance.slug}/identity")
    return JsonResponse({
        "issuer": base,
        "authorization_endpoint": f"{base}/connect/authorize",
        "token_endpoint": f"{base}/connect/token",
        "userinfo_endpoint": f"{base}/connect/userinfo",
        "end_session_endpoint": f"{base}/connect/endsession",
        "scopes_supported": ["openid", "profile", "email", "api", "offline_access",
                             "api:concurrent_access"],
        "grant_types_supported": ["authorization_code", "implicit", "password", "refresh_token"],
        "response_types_supported": ["code", "token", "id_token", "id_token token", "code id_token",
                                     "code token", "code id_token token"],
        "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic",
                                                  "private_key_jwt"],
    })  # fmt: skip


def views(instance: AcuInstance):
    server = AcumaticaOAuth(instance)

    @csrf_exempt
    def authorize(request):
        return server.authorize(request)

    @csrf_exempt
    @require_POST
    def token(request):
        return server.token(request)

    return authorize, token


def issue_token(app: AcuApp, user: AcuUser, scope: str = "api offline_access") -> IssuedToken:
    """A consented token without the browser (tests and the demo)."""
    return AcumaticaOAuth(app.tenant.instance).issue(app, str(user.pk), scope)


def token_body(token: IssuedToken) -> dict:
    app = AcuApp.objects.get(pk=token.app_id)
    return AcumaticaOAuth(app.tenant.instance).token_body(token, app)
