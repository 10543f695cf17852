"""secure.myob.com's OAuth 2.0 authorization-code flow.

- GET/POST /sandbox/myob/oauth2/account/authorize — the consent page: a person approves access
  and picks a company file; the redirect carries `code` and `state`, and `businessId` /
  `businessName` only when the request said `prompt=consent` (as MYOB does since March 2025).
- POST /sandbox/myob/oauth2/v1/authorize — the token endpoint (form-encoded): code exchange and
  refresh. Access tokens last 20 minutes, `expires_in` is a string ("1200"), and every refresh
  returns a new refresh token while the old one stops working.
"""

from datetime import timedelta
from urllib.parse import urlencode

from django.db import transaction
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from sandbox.myob.models import MyobApiKey, MyobAuthCode, MyobBusiness, MyobToken, MyobTokenRequest

CODE_SECONDS = 300  # MYOB: "expires 2-5 minutes after it is issued"
AUTHORIZE_PARAMS = ("client_id", "redirect_uri", "response_type", "scope", "state", "prompt")


def _error(grant_type: str, status: int, error: str, description: str) -> JsonResponse:
    MyobTokenRequest.objects.create(grant_type=grant_type, status_code=status)
    return JsonResponse({"error": error, "error_description": description}, status=status)


def token_body(token: MyobToken) -> dict:
    seconds = token.api_key.access_token_seconds
    return {
        "access_token": token.access_token,
        "token_type": "bearer",
        "expires_in": str(seconds),  # MYOB sends a string
        "refresh_token": token.refresh_token,
        "scope": token.scope,
        "user": {"uid": "5f0c1c8e-sandbox-user", "username": "sandbox@example.com"},
    }


def issue_token(
    api_key: MyobApiKey, business_id: str = "", scope: str = "CompanyFile"
) -> MyobToken:
    expires = timezone.now() + timedelta(seconds=api_key.access_token_seconds)
    return MyobToken.objects.create(
        api_key=api_key, expires_at=expires, business_id=business_id, scope=scope
    )


# --- the consent page -----------------------------------------------------------------------
def _redirect_with(redirect_uri: str, params: dict) -> HttpResponseRedirect:
    joiner = "&" if "?" in redirect_uri else "?"
    return HttpResponseRedirect(f"{redirect_uri}{joiner}{urlencode(params)}")


def _page_error(request, message: str, status: int = 400):
    return render(request, "sandbox_myob/authorize.html", {"error": message}, status=status)


@csrf_exempt  # a stand-in for MYOB's own page; demos run on http, where secure cookies never travel
def authorize(request):
    params = {name: (request.POST or request.GET).get(name, "") for name in AUTHORIZE_PARAMS}
    api_key = MyobApiKey.objects.filter(client_id=params["client_id"]).first()
    if api_key is None:
        return _page_error(request, "The client_id is not a registered API key.")
    if not api_key.redirect_uri:
        return _page_error(
            request,
            "This API key has no redirect URI registered, so the sign-in cannot be sent "
            "anywhere. Register the app's callback address with the key, then start again.",
        )
    if params["redirect_uri"] != api_key.redirect_uri:
        # Compared exactly (a trailing slash is the classic mistake), and never followed: the
        # code would go to whoever wrote the address.
        return _page_error(
            request, "The redirect_uri does not match the one registered for this key."
        )
    if params["response_type"] != "code":
        return _redirect_with(
            params["redirect_uri"], {"error": "unsupported_response_type", "state": params["state"]}
        )
    businesses = MyobBusiness.objects.order_by("name")
    if request.method != "POST":
        context = {"params": params, "businesses": businesses, "scopes": params["scope"].split()}
        return render(request, "sandbox_myob/authorize.html", context)
    if request.POST.get("decision") != "approve":
        return _redirect_with(
            params["redirect_uri"], {"error": "access_denied", "state": params["state"]}
        )
    business = businesses.filter(uid=request.POST.get("business", "")).first()
    if business is None:
        context = {"params": params, "businesses": businesses, "scopes": params["scope"].split(),
                   "error": "Pick a company file."}  # fmt: skip
        return render(request, "sandbox_myob/authorize.html", context, status=400)
    code = MyobAuthCode.objects.create(
        api_key=api_key, business=business, redirect_uri=params["redirect_uri"],
        scope=params["scope"], expires_at=timezone.now() + timedelta(seconds=CODE_SECONDS),
    )  # fmt: skip
    answer = {"code": code.code, "state": params["state"]}
    if params["prompt"] == "consent":
        answer |= {"businessId": str(business.uid), "businessName": business.name}
    return _redirect_with(params["redirect_uri"], answer)


# --- the token endpoint ---------------------------------------------------------------------
def _exchange_code(request, api_key: MyobApiKey):
    grant_type = "authorization_code"
    with transaction.atomic():
        code = (
            MyobAuthCode.objects.select_for_update()
            .filter(api_key=api_key, code=request.POST.get("code", ""))
            .select_related("business")
            .first()
        )
        if code is None or code.used or code.expires_at <= timezone.now():
            return _error(grant_type, 400, "invalid_grant", "The code is invalid or has expired.")
        if request.POST.get("redirect_uri", "") != code.redirect_uri:
            return _error(grant_type, 400, "invalid_grant", "The redirect_uri does not match.")
        code.used = True
        code.save(update_fields=["used"])
        new = issue_token(api_key, str(code.business.uid), code.scope)
    MyobTokenRequest.objects.create(grant_type=grant_type, status_code=200)
    return JsonResponse(token_body(new))


def _refresh(request, api_key: MyobApiKey):
    grant_type = "refresh_token"
    with transaction.atomic():
        old = (
            MyobToken.objects.select_for_update()
            .filter(api_key=api_key, refresh_token=request.POST.get("refresh_token", ""))
            .first()
        )
        if old is None or old.refresh_used:
            return _error(grant_type, 400, "invalid_grant", "The refresh token is invalid.")
        old.refresh_used = True
        old.save(update_fields=["refresh_used"])
        new = issue_token(api_key, old.business_id, old.scope)
    MyobTokenRequest.objects.create(grant_type=grant_type, status_code=200)
    return JsonResponse(token_body(new))


@csrf_exempt
@require_POST
def token(request):
    grant_type = request.POST.get("grant_type", "")
    api_key = MyobApiKey.objects.filter(
        client_id=request.POST.get("client_id", ""),
        client_secret=request.POST.get("client_secret", ""),
    ).first()
    if api_key is None:
        return _error(grant_type, 401, "invalid_client", "Invalid client id or secret.")
    if grant_type == "authorization_code":
        return _exchange_code(request, api_key)
    if grant_type == "refresh_token":
        return _refresh(request, api_key)
    return _error(grant_type, 400, "unsupported_grant_type", f"{grant_type!r} not supported.")
