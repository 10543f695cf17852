"""Exact Online's rules for the shared client, and the audited client for one division.

- Limits count per division (per app): 60 calls a minute and 5,000 a day. One shared budget
  "exact:<division>" keeps every worker under them; the X-RateLimit-* headers (reset in epoch
  milliseconds) correct it, and a used-up daily quota blocks the budget until Exact's reset, so
  jobs wait (visibly) instead of failing.
- 4xx answers are never retried blindly: ten errors an hour on one endpoint block the app.
"""

import time

from django.conf import settings

from connectors.answers import json_or_none
from connectors.auth import BearerTokenAuth
from connectors.errors import PermanentError
from connectors.exact_online.auth import SYSTEM, base_url, token_manager
from connectors.http import ApiClient, Budget, RateBudget, VendorRules
from connectors.ratelimit import LIVE, RatePolicy, Window


class NotConnected(PermanentError):
    """No sign-in or no division yet: nothing can be sent until 'Connect Exact Online' is done."""


# A little under Exact's 60 and 5,000: calls admitted at the end of one of Exact's windows may
# arrive in the next (one per busy worker), and the same company's other apps are not ours to count.
MINUTELY, DAILY = 55, 4900


def rate_policy() -> RatePolicy:
    minute = settings.EXACT_RATE_WINDOW_SECONDS  # 60; tests shrink it with the sandbox's
    return RatePolicy(
        windows=(Window(seconds=minute, limit=MINUTELY), Window(seconds=86400, limit=DAILY))
    )


def _int(response, name: str) -> int | None:
    try:
        return int(response.headers[name])
    except (KeyError, ValueError):
        return None


def _seconds_until(epoch_ms: int | None) -> float | None:
    return None if epoch_ms is None else max(0.0, epoch_ms / 1000 - time.time())


def budget(response) -> Budget | None:
    """The tighter of the two quotas Exact reports. Over the minutely quota it sends only the
    minutely headers."""
    daily = _int(response, "X-RateLimit-Remaining")
    if daily is not None and daily <= 0:
        return Budget(remaining=0, reset_in=_seconds_until(_int(response, "X-RateLimit-Reset")))
    minutely = _int(response, "X-RateLimit-Minutely-Remaining")
    if minutely is None:
        return None
    reset = _seconds_until(_int(response, "X-RateLimit-Minutely-Reset"))
    return Budget(remaining=minutely, reset_in=reset)


def retry_after(response) -> float | None:
    found = budget(response)
    return found.reset_in if found else None


def error_message(response) -> str:
    try:
        detail = json_or_none(response)["error"]["message"]["value"]
    except (KeyError, TypeError):
        detail = response.text[:300] or response.reason
    return f"Exact Online answered {response.status_code}: {detail}"


RULES = VendorRules(
    system=SYSTEM, budget=budget, retry_after=retry_after, error_message=error_message,
    # Exact Online's REST API takes no idempotency key: before creating, the record is looked up
    # (a create is found again by YourRef / the account Code).
    idempotency_header=None,
)  # fmt: skip


def division_of(connection) -> int | None:
    return (connection.erp_settings or {}).get("division") or None


def division_budget(division: int, lane: str = LIVE) -> RateBudget:
    return RateBudget(key=f"exact:{division}", policy=rate_policy(), lane=lane)


def division_client(connection, *, lane: str = LIVE) -> ApiClient:
    from tenants.models import OAuthToken

    division = division_of(connection)
    if not division or not OAuthToken.objects.filter(connection=connection, system=SYSTEM).exists():
        raise NotConnected(
            "Exact Online is not connected yet: use 'Connect Exact Online' on the connection to "
            "sign in and choose the division."
        )
    return ApiClient(
        rules=RULES,
        base_url=f"{base_url(connection)}/api/v1/{division}/",
        auth=BearerTokenAuth(token_manager(connection)),
        connection=connection,
        budget=division_budget(division, lane),
        headers={"Accept": "application/json"},
    )


def me_client(connection) -> ApiClient:
    """current/Me: no division in the URL, so it is not counted against the division's quota."""
    return ApiClient(
        rules=RULES, base_url=f"{base_url(connection)}/api/v1/",
        auth=BearerTokenAuth(token_manager(connection)), connection=connection,
        headers={"Accept": "application/json"},
    )  # fmt: skip
