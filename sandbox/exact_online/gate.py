"""What every REST call passes through (sandbox.gate, in Exact's order): the bearer token (401),
the division and the token's right to it (403 WrongDivision), the hourly error budget per endpoint,
the division's minutely and daily limits (429, with Exact's X-RateLimit-* headers in epoch
milliseconds), then the faults (latency, a 429 storm, a forced 401, forced 503s, a share of 500s)."""

import time
from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from sandbox.exact_online.errors import ApiError
from sandbox.exact_online.models import ExactApiRequest, ExactApp, ExactDivision
from sandbox.gate import Admission, Gate, bearer
from sandbox.models import IssuedToken

ERROR_STATUSES = (400, 401, 403, 404)


def token_of(request) -> tuple[IssuedToken, ExactDivision]:
    """The bearer token and the division it was granted for."""
    value = bearer(request)
    tokens = IssuedToken.objects.filter(app__vendor=ExactApp.VENDOR, access_token=value)
    token = tokens.first() if value else None
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


def log_refusal(division_code: int | None, method: str, endpoint: str, status: int) -> None:
    """A call refused before it was counted still spends the endpoint's error budget."""
    ExactApiRequest.objects.create(
        division=division_code, method=method, endpoint=endpoint, status_code=status,
        created_at=timezone.now(),
    )  # fmt: skip


class ExactGate(Gate):
    """admit(request, division_code, endpoint) → Admission(token, target=division, headers,
    log: this call's ExactApiRequest, its status set by the view)."""

    error = ApiError
    counted_faults = ("fault_rate_limited", "fault_unauthorized", "fault_server_errors")

    def identify(self, request, division_code, endpoint):
        token, granted = token_of(request)
        division = ExactDivision.objects.filter(code=division_code).first()
        if division is None or division.pk != granted.pk:
            raise ApiError(403, "Forbidden - WrongDivision")
        check_error_budget(division, endpoint)
        return Admission(token=token, target=division)

    def count(self, request, admission, division_code, endpoint):
        headers, admission.log = count_call(admission.target, request.method, endpoint)
        return headers

    def fault(self, name, target):
        if name == "fault_rate_limited":
            # A 429 storm: answered as if the minute's quota were spent.
            exhausted = rate_headers(target, target.minutely_limit + 1, 0, time.time())
            return ApiError(429, "Too many requests", exhausted)
        if name == "fault_unauthorized":
            return ApiError(401, "Unauthorized")
        if name == "fault_error_rate":
            return ApiError(
                500, "A problem has occurred. The cause of this issue will be investigated."
            )
        # fault_server_errors and fault_create_then_error
        return ApiError(503, "Service unavailable (sandbox fault)")

    def faulted(self, admission, error):
        # A faulted 429 carries only the minutely headers, as a real one does.
        error.headers = error.headers if error.status == 429 else admission.headers | error.headers
        ExactApiRequest.objects.filter(pk=admission.log.pk).update(status_code=error.status)


GATE = ExactGate()
admit, after_create = GATE.admit, GATE.after_create
