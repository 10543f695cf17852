"""Exact Online's OAuth 2.0 authorization-code flow, at /sandbox/exact_online/api/oauth2/.

- auth: the consent page; a person approves and picks the administration (division); the
  redirect carries `code` and `state`.
- token (form-encoded): code exchange and refresh. Access tokens last 10 minutes and
  `expires_in` is a string ("600"). A refresh token works once: reusing it answers 401 "Old
  refresh token used." and kills its whole chain. A refresh sooner than 570 s after the previous
  token answers 401 "Access token not expired" (body and reason phrase). A refresh token unused
  for 30 days answers 400 "The refresh token expired at …". Token calls per app per day are
  capped (429); every call is kept as an ExactTokenRequest, so tests can count them.
"""

from datetime import timedelta
from urllib.parse import urlencode

from django.db import transaction
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from sandbox.exact_online.models import (
    ExactApp,
    ExactAuthCode,
    ExactDivision,
    ExactToken,
    ExactTokenRequest,
)

CODE_SECONDS = 180  # "valid about 3 minutes", single use
REFRESH_TOKEN_DAYS = 30  # a refresh token unused this long needs a new consent
AUTHORIZE_PARAMS = ("client_id", "redirect_uri", "response_type", "state", "force_login")


def _answer(app_id: str, grant_type: str, status: int, body: dict, reason="") -> JsonResponse:
    ExactTokenRequest.objects.create(
        app=app_id, grant_type=grant_type, status_code=status,
        message=body.get("error_description", "")[:200],
    )  # fmt: skip
    response = JsonResponse(body, status=status)
    if reason:  # Exact documents some refusals by their HTTP reason phrase
        response.reason_phrase = reason
    return response


def token_body(token: ExactToken) -> dict:
    return {
        "access_token": token.access_token,
        "token_type": "bearer",
        "expires_in": str(token.app.access_token_seconds),  # a string, as Exact sends it
        "refresh_token": token.refresh_token,
    }


def issue_token(app: ExactApp, division: ExactDivision, chain=None) -> ExactToken:
    now = timezone.now()
    fields = {"chain": chain} if chain else {}
    return ExactToken.objects.create(
        app=app, division=division, issued_at=now,
        expires_at=now + timedelta(seconds=app.access_token_seconds), **fields,
    )  # fmt: skip


def _redirect_with(redirect_uri: str, params: dict) -> HttpResponseRedirect:
    joiner = "&" if "?" in redirect_uri else "?"
    return HttpResponseRedirect(f"{redirect_uri}{joiner}{urlencode(params)}")


def _page(request, context: dict, status: int = 200):
    return render(request, "sandbox_exact_online/authorize.html", context, status=status)


@csrf_exempt  # the stand-in for another site's page: its form is not ours to protect
def authorize(request):
    params = {name: (request.POST or request.GET).get(name, "") for name in AUTHORIZE_PARAMS}
    app = ExactApp.objects.filter(client_id=params["client_id"]).first()
    if app is None:
        return _page(request, {"error": "The client_id is not a registered app."}, 400)
    if not app.redirect_uri:
        return _page(request, {"error": (
            "This app has no redirect URI registered, so the sign-in cannot be sent anywhere. "
            "Register the app's callback address, then start again."
        )}, 400)  # fmt: skip
    if params["redirect_uri"] != app.redirect_uri:
        # Never followed: the code would go to whoever wrote the address.
        return _page(request, {"error": "The redirect_uri does not match the app's."}, 400)
    if params["response_type"] != "code":
        return _redirect_with(
            params["redirect_uri"], {"error": "unsupported_response_type", "state": params["state"]}
        )
    divisions = ExactDivision.objects.order_by("code")
    context = {"params": params, "divisions": divisions}
    if request.method != "POST":
        return _page(request, context)
    if request.POST.get("decision") != "approve":
        return _redirect_with(
            params["redirect_uri"], {"error": "access_denied", "state": params["state"]}
        )
    division = divisions.filter(code=request.POST.get("division") or 0).first()
    if division is None:
        return _page(request, context | {"error": "Pick an administration."}, 400)
    code = ExactAuthCode.objects.create(
        app=app, division=division, redirect_uri=params["redirect_uri"],
        expires_at=timezone.now() + timedelta(seconds=CODE_SECONDS),
    )  # fmt: skip
    return _redirect_with(params["redirect_uri"], {"code": code.code, "state": params["state"]})


def _exchange_code(request, app: ExactApp):
    grant = "authorization_code"
    with transaction.atomic():
        code = (
            ExactAuthCode.objects.select_for_update()
            .filter(app=app, code=request.POST.get("code", ""))
            .select_related("division")
            .first()
        )
        if code is None or code.used or code.expires_at <= timezone.now():
            return _answer(app.client_id, grant, 400, {"error": "invalid_grant"})
        if request.POST.get("redirect_uri", "") != code.redirect_uri:
            return _answer(app.client_id, grant, 400, {"error": "invalid_request"})
        code.used = True
        code.save(update_fields=["used"])
        new = issue_token(app, code.division)
    return _answer(app.client_id, grant, 200, token_body(new))


def _refresh(request, app: ExactApp):
    grant = "refresh_token"
    with transaction.atomic():
        old = (
            ExactToken.objects.select_for_update()
            .filter(app=app, refresh_token=request.POST.get("refresh_token", ""))
            .first()
        )
        if old is None:
            return _answer(app.client_id, grant, 400, {"error": "invalid_request"})
        if old.refresh_used or old.dead:
            # Reuse: every token of this consent stops working; the user has to consent again.
            ExactToken.objects.filter(chain=old.chain).update(dead=True)
            return _answer(app.client_id, grant, 401, {
                "error": "unauthorized_client", "error_description": "Old refresh token used.",
            })  # fmt: skip
        now = timezone.now()
        expired_at = old.issued_at + timedelta(days=REFRESH_TOKEN_DAYS)
        if now >= expired_at:
            return _answer(app.client_id, grant, 400, {
                "error": "invalid_request", "error_description": (
                    f"The refresh token expired at {_stamp(expired_at)} and it is now {_stamp(now)}."
                ),
            })  # fmt: skip
        if now < old.issued_at + timedelta(seconds=app.min_refresh_seconds):
            return _answer(app.client_id, grant, 401, {
                "error": "invalid_request", "error_description": "Access token not expired",
            }, reason="Access token not expired")  # fmt: skip
        old.refresh_used = True
        old.save(update_fields=["refresh_used"])
        new = issue_token(app, old.division, chain=old.chain)
    return _answer(app.client_id, grant, 200, token_body(new))


def _stamp(moment) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%SZ")


@csrf_exempt
@require_POST
def token(request):
    grant_type = request.POST.get("grant_type", "")
    client_id = request.POST.get("client_id", "")
    app = ExactApp.objects.filter(
        client_id=client_id, client_secret=request.POST.get("client_secret", "")
    ).first()
    if app is None:
        return _answer(client_id, grant_type, 400, {"error": "invalid_client"})
    today = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
    spent = ExactTokenRequest.objects.filter(app=client_id, created_at__gte=today).count()
    if spent >= app.token_calls_per_day:
        return _answer(client_id, grant_type, 429, {
            "error": "too_many_requests", "error_description": "Token requests per day exceeded.",
        })  # fmt: skip
    if grant_type == "authorization_code":
        return _exchange_code(request, app)
    if grant_type == "refresh_token":
        return _refresh(request, app)
    return _answer(client_id, grant_type, 400, {"error": "unsupported_grant_type"})
