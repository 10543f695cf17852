"""What every company-file call passes through (sandbox.gate, in MYOB's order): the API key (403
DeveloperInactive), the key's rate limits across all files (403 RateLimitError), the bearer token
(401), the API version header, the company file and the consent for it, the token's scope, the
company-file credentials (x-myobapi-cftoken), then the switchable faults.

Which header failed is always named in AdditionalDetails ("Header: x-myobapi-key"), as MYOB's
documented RateLimitError and DeveloperInactive bodies do.
"""

import base64
import binascii
import secrets
import time

from django.db import transaction
from django.utils import timezone

from sandbox.gate import Admission, Gate, bearer
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
    value = bearer(request)
    token = IssuedToken.objects.filter(app=key, access_token=value).first() if value else None
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


class MyobGate(Gate):
    """admit(request, business_id, scopes) → Admission(app=key, token, target=business)."""

    error = ApiError
    counted_faults = ("fault_rate_limited",)

    def identify(self, request, business_id, scopes):
        return Admission(app=api_key_of(request))

    def count(self, request, admission, business_id, scopes):
        count_call(admission.app)
        return {}

    def authorize(self, request, admission, business_id, scopes):
        admission.token = token_of(request, admission.app)
        check_version(request)
        admission.target = business_of(business_id, admission.token)
        check_scope(admission.token, scopes)
        check_company_file_user(request, admission.target)

    def fault(self, name, target):
        if name == "fault_rate_limited":
            return rate_limited("per-second")
        return ApiError(500, "InternalServerError", "An unexpected error occurred (sandbox fault)")

    def create_counts(self, resource, wanted):
        return resource.startswith(wanted)  # a resource path and those below it


GATE = MyobGate()
admit, after_create = GATE.admit, GATE.after_create
