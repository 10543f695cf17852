"""Acumatica's rules for the shared client, and the audited client of one connection's endpoint.

- The base URL is `<instance>/entity/Default/<version>/`: the version the connection pins.
- 401: refresh the token once (connectors/auth.py BearerTokenAuth) and send again.
- 422: the entity comes back with `error` next to each failing field, detail lines included; the
  message names them ("Line 2 InventoryID 'ABC': 'Inventory ID' cannot be found"), for good.
- 400/500: the ASP.NET HttpError shape {message, exceptionMessage, ...}; 400 fails for good.
- 429: the licence's limit. Acumatica sends no Retry-After (UNCONFIRMED: none is documented),
  so the client's exponential backoff decides. A 429 whose body says "API Login Limit" is the
  licence's API user count: a clear message, since only closing sessions frees one.
- 412 (If-None-Match / If-Match) is read by the callers.
- The licence also counts requests per minute per instance and delays beyond half of them: one
  shared budget "acumatica:<instance>" keeps every worker under the limit the connection states.
"""

from django.conf import settings

from connectors.answers import json_or_none
from connectors.auth import BearerTokenAuth
from connectors.errors import PermanentError
from connectors.http import ApiClient, RateBudget, VendorRules
from connectors.ratelimit import LIVE, RatePolicy, Window

SYSTEM = "acumatica"
LABEL = "Acumatica"
ENDPOINT = "Default"  # the system endpoint; others are for Acumatica's internal use
LOGIN_LIMIT = "API Login Limit"
LOGIN_LIMIT_MESSAGE = (
    "Acumatica refused a new sign-in: the licence's API user limit (Maximum Number of Web "
    "Services API Users, License Monitoring Console SM604000) is reached. Sessions close after "
    "10 idle minutes; ml-connector tries again. If it lasts, sign out other API clients or raise "
    "the limit."
)
# Unlimited in a trial licence; a conservative default when the connection states none.
DEFAULT_PER_MINUTE = 100
DEFAULT_CONCURRENT = 3


class NotConnected(PermanentError):
    """No sign-in yet: nothing can be sent until 'Connect Acumatica' (or the API user's sign-in)
    is done."""


def instance_url(connection) -> str:
    return str((connection.erp_settings or {}).get("instance_url") or "").rstrip("/")


def endpoint_url(connection, version: str | None = None) -> str:
    stored = connection.erp_settings or {}
    version = version or stored.get("endpoint_version") or "24.200.001"
    return f"{instance_url(connection)}/entity/{ENDPOINT}/{version}/"


class RecordRefused(PermanentError):
    """A 422: `fields` holds (where, field, value, error) of each failing field."""

    def __init__(self, message: str, *, fields: list[tuple[str, str, object, str]], **kwargs):
        super().__init__(message, **kwargs)
        self.fields = fields


def field_errors(entity, where: str = "") -> list[tuple[str, str, object, str]]:
    """Every `error` in an echoed entity as (where, field, value, error): `where` is "" for the
    record's own fields, "Line 2" for a detail line of `Details`, "MainContact/" for a linked
    entity. Depth is bounded by the answer's nesting (a hostile answer fails as unreadable)."""
    found = []
    if not isinstance(entity, dict):
        return found
    own = entity.get("error")
    if isinstance(own, str) and own:
        found.append((where, "", None, own))
    for name, value in entity.items():
        if isinstance(value, dict) and "value" in value:
            error = value.get("error")
            if isinstance(error, str) and error:
                found.append((where, name, value.get("value"), error))
        elif isinstance(value, dict):
            found += field_errors(value, f"{where}{name}/")
        elif isinstance(value, list):
            for number, row in enumerate(value, start=1):
                line = f"Line {number} " if name == "Details" else f"{name} line {number} "
                found += field_errors(row, f"{where}{line}")
    return found


def field_error_text(where: str, name: str, value, error: str) -> str:
    shown = f" '{value}'" if value not in (None, "") else ""
    subject = f"{where}{name}{shown}".strip() or "The record"
    return f"{subject}: {error}"


def error_message(response) -> str:
    body = json_or_none(response)
    status = response.status_code
    if status == 429 and LOGIN_LIMIT in response.text:
        return LOGIN_LIMIT_MESSAGE
    if status == 422:
        errors = [field_error_text(*found) for found in field_errors(body)]
        if errors:
            return f"Acumatica refused the record (422): {'; '.join(errors[:8])}"
    if isinstance(body, dict) and isinstance(body.get("error"), str):
        # The token endpoint's OIDC error: {"error": "invalid_grant", "error_description": ...}
        described = body.get("error_description")
        detail = (
            f"{body['error']} ({described})"
            if described and isinstance(described, str)
            else body["error"]
        )
        return f"Acumatica answered {status}: {detail[:500]}"
    if isinstance(body, dict):
        detail = body.get("exceptionMessage") or body.get("message")
        if isinstance(detail, str) and detail:
            return f"Acumatica answered {status}: {detail[:500]}"
    return f"Acumatica answered {status}: {response.text[:300] or response.reason}"


RULES = VendorRules(
    system=SYSTEM, error_message=error_message,
    # The contract-based API takes no idempotency key: a create is looked up first by its
    # ExternalRef, and a create sent without a key is never repeated in place (creates=True).
    idempotency_header=None,
)  # fmt: skip


def rate_policy(connection) -> RatePolicy:
    stored = connection.erp_settings or {}
    per_minute = int(stored.get("requests_per_minute") or DEFAULT_PER_MINUTE)
    concurrent = int(stored.get("concurrent_requests") or DEFAULT_CONCURRENT)
    window = settings.ACUMATICA_RATE_WINDOW_SECONDS  # 60; tests shrink it with the sandbox's
    # Half the licence's minute: beyond it Acumatica delays every request (the licence's queue),
    # and more than 20 queued are refused.
    return RatePolicy(
        windows=(Window(seconds=window, limit=max(1, per_minute // 2)),), concurrency=concurrent
    )


def instance_budget(connection, lane: str = LIVE) -> RateBudget:
    return RateBudget(
        key=f"acumatica:{instance_url(connection).lower()}", policy=rate_policy(connection),
        lane=lane,
    )  # fmt: skip


def entity_client(connection, *, lane: str = LIVE) -> ApiClient:
    from connectors.acumatica.auth import signed_in_manager

    return ApiClient(
        rules=RULES, base_url=endpoint_url(connection),
        auth=BearerTokenAuth(signed_in_manager(connection)), connection=connection,
        budget=instance_budget(connection, lane), headers={"Accept": "application/json"},
    )  # fmt: skip


def instance_client(url: str, connection=None) -> ApiClient:
    """`GET <instance>/entity`: the versions the instance serves (no sign-in needed). `url` is
    the instance URL as typed (the settings form checks it before anything is saved)."""
    return ApiClient(
        rules=RULES, base_url=f"{url.rstrip('/')}/", connection=connection,
        headers={"Accept": "application/json"}, max_attempts=2,
    )  # fmt: skip
