"""What every REST call passes through: the bearer token (401), the division and the token's
right to it (403 WrongDivision), the hourly error budget per endpoint, the division's minutely and
daily limits (429, with Exact's X-RateLimit-* headers in epoch milliseconds), then the faults
(latency, a 429 storm, a forced 401, forced 503s, a share of 500s)."""

import random
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from sandbox.exact_online.errors import ApiError
from sandbox.exact_online.models import ExactApiRequest, ExactApp, ExactDivision
from sandbox.models import IssuedToken

ERROR_STATUSES = (400, 401, 403, 404)


@dataclass
class Admission:
    token: IssuedToken
    division: ExactDivision | None = None
    headers: dict = field(default_factory=dict)
    log: ExactApiRequest | None = None  # this call's row, its status set by the view


def token_of(request) -> tuple[IssuedToken, ExactDivision]:
    """The bearer token and the division it was granted for."""
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    token = None
    if scheme.lower() == "bearer" and value:
        token = IssuedToken.objects.filter(
            app__vendor=ExactApp.VENDOR, access_token=value.strip()
        ).first()
    granted = ExactDivision.objects.filter(code=token.grant).first() if token else None
    if granted is None or token.dead or token.expires_at <= timezone.now():
        # Exact answers an expired token with 401 and no useful body.
        raise ApiError(401, "Unauthorized")
    return token, granted


def _windows(division: ExactDivision, now: float) -> tuple[float, float]:
    minute_start = now - (now % division.window_seconds)
    day_start = now - (now % 86400)
    return minute_start, day_start


def rate_headers(division: ExactDivision, minute_used: int, day_used: int, now: float) -> dict:
    minute_start, day_start = _windows(division, now)
    minutely = {
        "X-RateLimit-Minutely-Limit": str(division.minutely_limit),
        "X-RateLimit-Minutely-Remaining": str(max(0, division.minutely_limit - minute_used)),
        "X-RateLimit-Minutely-Reset": str(int((minute_start + division.window_seconds) * 1000)),
    }
    if minute_used > division.minutely_limit:
        return minutely  # Exact sends only the minutely headers when that quota is used up
    return minutely | {
        "X-RateLimit-Limit": str(division.daily_limit),
        "X-RateLimit-Remaining": str(max(0, division.daily_limit - day_used)),
        "X-RateLimit-Reset": str(int((day_start + 86400) * 1000)),
    }


def count_call(division: ExactDivision, method: str, endpoint: str) -> tuple[dict, ExactApiRequest]:
    """Count this call against the division's limits (under its row lock); 429 when over."""
    now = time.time()
    minute_start, day_start = _windows(division, now)
    with transaction.atomic():
        ExactDivision.objects.select_for_update().filter(pk=division.pk).first()
        calls = ExactApiRequest.objects.filter(division=division.code).exclude(status_code=429)
        minute_used = calls.filter(created_at__gte=_at(minute_start)).count() + 1
        day_used = calls.filter(created_at__gte=_at(day_start)).count() + 1
        headers = rate_headers(division, minute_used, day_used, now)
        over = minute_used > division.minutely_limit or day_used > division.daily_limit
        # The row is made before the lock goes, so concurrent calls count it.
        log = ExactApiRequest.objects.create(
            division=division.code, method=method, endpoint=endpoint,
            status_code=429 if over else 0, created_at=timezone.now(),
        )  # fmt: skip
    if over:
        raise ApiError(429, "Too many requests", headers)
    return headers, log


def _at(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, tz=UTC)


def check_error_budget(division: ExactDivision, endpoint: str) -> None:
    since = timezone.now() - timedelta(hours=1)
    errors = ExactApiRequest.objects.filter(
        division=division.code, endpoint=endpoint, status_code__in=ERROR_STATUSES,
        created_at__gte=since,
    ).count()  # fmt: skip
    if errors >= division.errors_per_hour:
        # The blocked answer's exact status and text are UNCONFIRMED; Exact documents the block.
        raise ApiError(
            403,
            f"Forbidden - too many errors on {endpoint} in the last hour: the app is blocked "
            "for this endpoint for an hour.",
        )


def take_fault(division: ExactDivision, name: str) -> bool:
    return bool(
        ExactDivision.objects.filter(pk=division.pk, **{f"{name}__gt": 0}).update(
            **{name: F(name) - 1}
        )
    )


def apply_faults(division: ExactDivision) -> None:
    if division.fault_latency_ms:
        time.sleep(division.fault_latency_ms / 1000)
    if take_fault(division, "fault_rate_limited"):
        # A 429 storm: answered as if the minute's quota were spent.
        exhausted = rate_headers(division, division.minutely_limit + 1, 0, time.time())
        raise ApiError(429, "Too many requests", exhausted)
    if take_fault(division, "fault_unauthorized"):
        raise ApiError(401, "Unauthorized")
    if take_fault(division, "fault_server_errors"):
        raise ApiError(503, "Service unavailable (sandbox fault)")
    if division.fault_error_rate and random.random() < division.fault_error_rate:
        raise ApiError(500, "A problem has occurred. The cause of this issue will be investigated.")


def after_create(division: ExactDivision, endpoint: str) -> None:
    """Faults of a create that has committed: Exact made the record, the answer goes wrong."""
    wanted = division.fault_create_resource.lower()
    if wanted and endpoint.lower() != wanted:
        return
    if take_fault(division, "fault_create_then_error"):
        raise ApiError(503, "Service unavailable (sandbox fault)")
    if take_fault(division, "fault_create_then_hang"):
        time.sleep(division.fault_hang_ms / 1000)


def log_refusal(division_code: int | None, method: str, endpoint: str, status: int) -> None:
    """A call refused before it was counted still spends the endpoint's error budget."""
    ExactApiRequest.objects.create(
        division=division_code, method=method, endpoint=endpoint, status_code=status,
        created_at=timezone.now(),
    )  # fmt: skip


def admit(request, division_code: int | None, endpoint: str) -> Admission:
    token, granted = token_of(request)
    if division_code is None:
        return Admission(token)  # current/Me: no division, not counted against the limits
    division = ExactDivision.objects.filter(code=division_code).first()
    if division is None or division.pk != granted.pk:
        raise ApiError(403, "Forbidden - WrongDivision")
    check_error_budget(division, endpoint)
    headers, log = count_call(division, request.method, endpoint)
    try:
        apply_faults(division)
    except ApiError as exc:
        # A faulted 429 carries only the minutely headers, as a real one does.
        exc.headers = exc.headers if exc.status == 429 else headers | exc.headers
        ExactApiRequest.objects.filter(pk=log.pk).update(status_code=exc.status)
        raise
    return Admission(token, division, headers, log)
