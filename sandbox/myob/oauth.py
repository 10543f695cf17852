"""POST /sandbox/myob/oauth2/v1/authorize — MYOB's token endpoint (form-encoded, like the real one)."""

from datetime import timedelta

from django.db import transaction
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from sandbox.myob.models import MyobApiKey, MyobToken, MyobTokenRequest


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
        "scope": "sme-company-file sme-contacts-customer sme-sales sme-inventory sme-general-ledger",
        "user": {"uid": "5f0c1c8e-sandbox-user", "username": "sandbox@example.com"},
    }


def issue_token(api_key: MyobApiKey, business_id: str = "") -> MyobToken:
    expires = timezone.now() + timedelta(seconds=api_key.access_token_seconds)
    return MyobToken.objects.create(api_key=api_key, expires_at=expires, business_id=business_id)


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
    if grant_type != "refresh_token":
        return _error(grant_type, 400, "unsupported_grant_type", f"{grant_type!r} not supported.")
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
        new = issue_token(api_key, old.business_id)
    MyobTokenRequest.objects.create(grant_type=grant_type, status_code=200)
    return JsonResponse(token_body(new))
