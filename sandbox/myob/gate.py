"""What every company-file call passes through, in this order: the API key (403 DeveloperInactive),
the key's rate limits across all files (403 RateLimitError), the bearer token (401), the API
version header, the company file and the consent for it, the token's scope, the company-file
credentials (x-myobapi-cftoken), then the switchable faults.

Which header failed is always named in AdditionalDetails ("Header: x-myobapi-key"), as MYOB's
documented RateLimitError and DeveloperInactive bodies do.
"""

import base64
import binascii
import random
import secrets
import time

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from sandbox.models import IssuedToken
from sandbox.myob.errors import ApiError, rate_limited
from sandbox.myob.models import MyobApiKey, MyobBusiness

LEGACY_SCOPE = "CompanyFile"  # keys from before March 2025: one scope for everything


def api_key_of(request) -> MyobApiKey:
    key = MyobApiKey.objects.filter(client_id=request.headers.get("x-myobapi-key", "")).first()
    if key is None:
        raise ApiError(
            403,
            "DeveloperInactive",
            "The API key is missing, inactive or not recognised",
            "Header: x-myobapi-key",
        )
    return key


def count_call(key: MyobApiKey) -> None:
    """Count the call against the key's per-second and daily limits (every file, every tenant)."""
    now = time.time()
    second, day = int(now), int(now // 86400)
    with transaction.atomic():
        key = MyobApiKey.objects.select_for_update().get(pk=key.pk)
        if key.second_window != second:
            key.second_window, key.second_count = second, 0
        if key.day_window != day:
            key.day_window, key.day_count = day, 0
        key.second_count += 1
        key.day_count += 1
        key.save(update_fields=["second_window", "second_count", "day_window", "day_count"])
    if key.day_count > key.daily_limit:
        raise rate_limited("daily")
    if key.second_count > key.per_second_limit:
        raise rate_limited("per-second")


def token_of(request, key: MyobApiKey) -> IssuedToken:
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    token = None
    if scheme.lower() == "bearer" and value:
        token = IssuedToken.objects.filter(app=key, access_token=value.strip()).first()
    if token is None or token.expires_at <= timezone.now():
        raise ApiError(
            401,
            "OAuthTokenIsInvalid",
            "The supplied OAuth token (Bearer) is not valid",
            "Header: Authorization",
            31001,
        )
    return token


def check_version(request) -> None:
    if request.headers.get("x-myobapi-version", "").lower() != "v2":
        raise ApiError(
            400,
            "InvalidApiVersion",
            "This API needs x-myobapi-version: v2",
            "Header: x-myobapi-version",
        )


def business_of(business_id, token: IssuedToken) -> MyobBusiness:
    business = MyobBusiness.objects.filter(uid=business_id).first()
    if business is None:
        raise ApiError(404, "NotFound", "The company file was not found", "Business", 150)
    if token.grant and token.grant.lower() != str(business.uid):
        raise ApiError(
            403,
            "AccessDenied",
            "The access token was not granted for this business; connect it separately",
            "Header: Authorization",
        )
    return business


def check_scope(token: IssuedToken, needed: tuple[str, ...]) -> None:
    granted = set(token.scope.split())
    if not needed or LEGACY_SCOPE in granted or granted & set(needed):
        return
    raise ApiError(
        403,
        "AccessDenied",
        f"The access token's scopes do not include {' or '.join(needed)}",
        "Header: Authorization",
    )


def check_company_file_user(request, business: MyobBusiness) -> None:
    """x-myobapi-cftoken = base64("user:password"). Files linked to the my.MYOB login (SSO) do
    not need it; a token that is sent is still checked."""
    raw = request.headers.get("x-myobapi-cftoken")
    if raw is None:
        if business.requires_cftoken:
            raise ApiError(
                401,
                "CompanyFileCredentialsMissing",
                "This company file needs its user's credentials",
                "Header: x-myobapi-cftoken",
            )
        return
    try:
        user, _, password = base64.b64decode(raw, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        user, password = "", None
    right_user = secrets.compare_digest(user.lower(), business.username.lower())
    right_password = password is not None and secrets.compare_digest(password, business.password)
    if not (right_user and right_password):
        raise ApiError(
            401,
            "InvalidCompanyFileCredentials",
            "The company file user name or password is incorrect",
            "Header: x-myobapi-cftoken",
        )


def take_fault(business: MyobBusiness, field: str) -> bool:
    """Use up one of a counted fault (forced 409s, forced rate-limit answers)."""
    return bool(
        MyobBusiness.objects.filter(pk=business.pk, **{f"{field}__gt": 0}).update(
            **{field: F(field) - 1}
        )
    )


def apply_faults(business: MyobBusiness) -> None:
    if business.fault_latency_ms:
        time.sleep(business.fault_latency_ms / 1000)
    if take_fault(business, "fault_rate_limited"):
        raise rate_limited("per-second")
    if business.fault_error_rate and random.random() < business.fault_error_rate:
        raise ApiError(500, "InternalServerError", "An unexpected error occurred (sandbox fault)")


def after_create(business: MyobBusiness, resource: str) -> None:
    """Faults of a create that has committed: MYOB made the record, the answer goes wrong."""
    wanted = business.fault_create_resource.lower()
    if wanted and not resource.lower().startswith(wanted):
        return
    if take_fault(business, "fault_create_then_error"):
        raise ApiError(500, "InternalServerError", "An unexpected error occurred (sandbox fault)")
    if take_fault(business, "fault_create_then_hang"):
        time.sleep(business.fault_hang_ms / 1000)


def admit(request, business_id, scopes: tuple[str, ...]) -> tuple[MyobApiKey, MyobBusiness]:
    key = api_key_of(request)
    count_call(key)
    token = token_of(request, key)
    check_version(request)
    business = business_of(business_id, token)
    check_scope(token, scopes)
    check_company_file_user(request, business)
    apply_faults(business)
    return key, business
