"""The sandboxes' OAuth 2.0 authorization-code flow, one server configured per vendor.

- authorize: the consent page. The client and its registered redirect URI are checked first (an
  error page, never a redirect: the code would go to whoever wrote the address); then a person
  approves and picks what the app may reach (a MYOB business, an Exact division), and the
  redirect carries `code` and `state`, or `error`.
- token (form-encoded POST): code exchange and refresh. Every refresh returns a new pair and the
  old refresh token stops working. Every call is kept as an TokenRequest.

A vendor subclasses OAuthServer: its names, messages and refusals, and the hooks where it differs
(what the person picks, the token body, checks before a grant or a refresh, a spent refresh).
"""

import secrets
from datetime import timedelta
from urllib.parse import urlencode

from django.db import transaction
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from sandbox.models import AuthCode, IssuedToken, OAuthApp, TokenRequest


class OAuthServer:
    vendor = ""  # the kind slug, as OAuthApp.vendor stores it
    app_model: type[OAuthApp] = OAuthApp
    prefix = "sbx"  # tokens and codes read "<prefix>-at-…", "<prefix>-rt-…", "<prefix>-code-…"
    code_seconds = 180
    authorize_params: tuple[str, ...] = ()
    # The consent page: {name} (sandbox), "asks to access your {owner}", whether it lists the
    # scopes asked, the picker's legend, the form field it posts, what it says with nothing to
    # pick, and whether the form carries a CSRF field.
    page = {"name": "", "owner": "", "scopes": False, "legend": "", "field": "", "none": "",
            "csrf": False}  # fmt: skip
    page_errors = {"client": "", "unregistered": "", "redirect": "", "pick": ""}
    # Token-endpoint refusals: (status, error, error_description or "" for none).
    refusals: dict[str, tuple[int, str, str]] = {}

    # --- hooks ------------------------------------------------------------------------------
    def owners(self):
        """What the person may pick on the consent page."""
        raise NotImplementedError

    def choices(self, owners) -> list[tuple[str, str]]:
        """(value posted, label shown) for each of the owners."""
        raise NotImplementedError

    def picked(self, owners, value: str):
        """The owner the form posted, or None."""
        raise NotImplementedError

    def grant_of(self, owner) -> str:
        raise NotImplementedError

    def page_context(self, params: dict) -> dict:
        return {}

    def consent_answer(self, params: dict, code: AuthCode, owner) -> dict:
        return {"code": code.code, "state": params["state"]}

    def token_body(self, token: IssuedToken, app) -> dict:
        return {
            "access_token": token.access_token,
            "token_type": "bearer",
            "expires_in": str(app.access_token_seconds),  # a string, as both vendors send it
            "refresh_token": token.refresh_token,
        }

    def before_grant(self, app, client_id: str, grant_type: str) -> JsonResponse | None:
        """A refusal of any grant for this app (e.g. a daily quota), or None."""
        return None

    def before_refresh(self, app, old: IssuedToken) -> JsonResponse | None:
        """A refusal of refreshing a live, unspent pair, or None."""
        return None

    def spent_refresh(self, app, old: IssuedToken) -> JsonResponse:
        """The answer to a refresh token that was already used (or whose chain was ended)."""
        return self.refuse(app.client_id, "refresh_token", "refresh")

    # --- answers ----------------------------------------------------------------------------
    def answer(self, client_id, grant_type, status, body: dict, reason="") -> JsonResponse:
        TokenRequest.objects.create(
            vendor=self.vendor, client_id=client_id[:100], grant_type=grant_type,
            status_code=status, message=body.get("error_description", "")[:200],
        )  # fmt: skip
        response = JsonResponse(body, status=status)
        if reason:  # Exact documents some refusals by their HTTP reason phrase
            response.reason_phrase = reason
        return response

    def refuse(self, client_id: str, grant_type: str, case: str) -> JsonResponse:
        status, error, description = self.refusals[case]
        body = {"error": error}
        if description:
            body["error_description"] = description.format(grant_type=repr(grant_type))
        return self.answer(client_id, grant_type, status, body)

    # --- tokens -----------------------------------------------------------------------------
    def secret(self, kind: str, size: int = 24) -> str:
        return f"{self.prefix}-{kind}-{secrets.token_urlsafe(size)}"

    def issue(self, app, grant: str = "", scope: str = "", chain=None) -> IssuedToken:
        now = timezone.now()
        fields = {"chain": chain} if chain else {}
        return IssuedToken.objects.create(
            app=app, grant=grant, scope=scope, access_token=self.secret("at"),
            refresh_token=self.secret("rt"), issued_at=now,
            expires_at=now + timedelta(seconds=app.access_token_seconds), **fields,
        )  # fmt: skip

    def app_of(self, token: IssuedToken):
        return self.app_model.objects.get(pk=token.app_id)

    # --- the consent page -------------------------------------------------------------------
    def _page(self, request, context: dict, status: int = 200):
        context = {"page": self.page} | context
        return render(request, "sandbox/authorize.html", context, status=status)

    def _form(self, params: dict, owners) -> dict:
        return {"params": params, "owners": self.choices(owners)} | self.page_context(params)

    def authorize(self, request):
        params = {
            name: (request.POST or request.GET).get(name, "") for name in self.authorize_params
        }
        app = self.app_model.objects.filter(client_id=params["client_id"]).first()
        if app is None:
            return self._page(request, {"error": self.page_errors["client"]}, 400)
        if not app.redirect_uri:
            return self._page(request, {"error": self.page_errors["unregistered"]}, 400)
        if params["redirect_uri"] != app.redirect_uri:
            return self._page(request, {"error": self.page_errors["redirect"]}, 400)
        if params["response_type"] != "code":
            return _redirect_with(
                params["redirect_uri"],
                {"error": "unsupported_response_type", "state": params["state"]},
            )
        owners = self.owners()
        if request.method != "POST":
            return self._page(request, self._form(params, owners))
        if request.POST.get("decision") != "approve":
            return _redirect_with(
                params["redirect_uri"], {"error": "access_denied", "state": params["state"]}
            )
        owner = self.picked(owners, request.POST.get(self.page["field"], ""))
        if owner is None:
            context = self._form(params, owners) | {"error": self.page_errors["pick"]}
            return self._page(request, context, 400)
        code = AuthCode.objects.create(
            code=self.secret("code", 18), app=app, grant=self.grant_of(owner),
            redirect_uri=params["redirect_uri"], scope=params.get("scope", ""),
            expires_at=timezone.now() + timedelta(seconds=self.code_seconds),
        )  # fmt: skip
        return _redirect_with(params["redirect_uri"], self.consent_answer(params, code, owner))

    # --- the token endpoint -----------------------------------------------------------------
    def token(self, request):
        grant_type = request.POST.get("grant_type", "")
        client_id = request.POST.get("client_id", "")
        app = self.app_model.objects.filter(
            client_id=client_id, client_secret=request.POST.get("client_secret", "")
        ).first()
        if app is None:
            return self.refuse(client_id, grant_type, "client")
        if refusal := self.before_grant(app, client_id, grant_type):
            return refusal
        if grant_type == "authorization_code":
            return self._exchange_code(request, app)
        if grant_type == "refresh_token":
            return self._refresh(request, app)
        return self.refuse(client_id, grant_type, "grant_type")

    def _exchange_code(self, request, app):
        grant_type = "authorization_code"
        with transaction.atomic():
            code = _locked(AuthCode, app, code=request.POST.get("code", ""))
            if code is None or code.used or code.expires_at <= timezone.now():
                return self.refuse(app.client_id, grant_type, "code")
            if request.POST.get("redirect_uri", "") != code.redirect_uri:
                return self.refuse(app.client_id, grant_type, "redirect")
            code.used = True
            code.save(update_fields=["used"])
            new = self.issue(app, code.grant, code.scope)
        return self.answer(app.client_id, grant_type, 200, self.token_body(new, app))

    def _refresh(self, request, app):
        grant_type = "refresh_token"
        with transaction.atomic():
            old = _locked(IssuedToken, app, refresh_token=request.POST.get("refresh_token", ""))
            if old is None:
                return self.refuse(app.client_id, grant_type, "refresh")
            if old.refresh_used or old.dead:
                return self.spent_refresh(app, old)
            if refusal := self.before_refresh(app, old):
                return refusal
            old.refresh_used = True
            old.save(update_fields=["refresh_used"])
            new = self.issue(app, old.grant, old.scope, chain=old.chain)
        return self.answer(app.client_id, grant_type, 200, self.token_body(new, app))

    def views(self):
        """The two endpoints as Django views: (authorize, token)."""

        @csrf_exempt  # a stand-in for the vendor's own page: its form is not ours to protect
        def authorize(request):
            return self.authorize(request)

        @csrf_exempt
        @require_POST
        def token(request):
            return self.token(request)

        return authorize, token


def _locked(model, app, **lookup):
    """The app's row that `lookup` names, locked until the transaction ends (or None)."""
    return model.objects.select_for_update().filter(app=app, **lookup).first()


def _redirect_with(redirect_uri: str, params: dict) -> HttpResponseRedirect:
    joiner = "&" if "?" in redirect_uri else "?"
    return HttpResponseRedirect(f"{redirect_uri}{joiner}{urlencode(params)}")
