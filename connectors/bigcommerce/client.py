"""BigCommerce's rules for the shared client, and the client for one connection's store."""

import contextlib

from connectors.answers import json_or_none
from connectors.auth import StaticHeaderAuth
from connectors.http import ApiClient, Budget, RateBudget, VendorRules, header_seconds
from connectors.ratelimit import LIVE, RatePolicy, Window

# Plus & Standard plans: 150 requests per 30 s per store, shared by every app on the store (Pro:
# 450). The store's real quota arrives in X-Rate-Limit-* headers and replaces this default; the
# store refreshes it all at once, at the reset those headers announce, and the budget follows
# that window and the store's count of calls left (ApiClient._observe_budget).
DEFAULT_POLICY = RatePolicy(windows=(Window(seconds=30, limit=150),))


def _retry_after(response) -> float | None:
    # "If both X-Retry-After and X-Rate-Limit-Time-Reset-Ms are present, honor the longer."
    reset_ms = header_seconds(response, "X-Rate-Limit-Time-Reset-Ms")
    waits = [
        header_seconds(response, "X-Retry-After"),
        reset_ms / 1000 if reset_ms is not None else None,
        header_seconds(response, "Retry-After"),
    ]
    known = [w for w in waits if w is not None]
    return max(known) if known else None


def _budget(response) -> Budget | None:
    def number(name):
        with contextlib.suppress(TypeError, ValueError):
            return int(response.headers.get(name))
        return None

    window_ms, reset_ms = (
        number("X-Rate-Limit-Time-Window-Ms"),
        number("X-Rate-Limit-Time-Reset-Ms"),
    )
    if window_ms is None:
        return None
    return Budget(
        remaining=number("X-Rate-Limit-Requests-Left"),
        reset_in=reset_ms / 1000 if reset_ms is not None else None,
        quota=number("X-Rate-Limit-Requests-Quota"),
        window=window_ms / 1000,
    )


def _error_message(response) -> str:
    """v2 answers a list of {status, message}; v3 an object {status, title, errors}, or a
    variants batch {batch_errors: [{title, ...}]}."""
    body = json_or_none(response)
    if isinstance(body, list) and body and isinstance(body[0], dict):
        detail = "; ".join(str(item.get("message", "")) for item in body)
    elif isinstance(body, dict) and isinstance(body.get("batch_errors"), list):
        detail = "; ".join(
            str(item.get("title", "")) for item in body["batch_errors"] if isinstance(item, dict)
        )
    elif isinstance(body, dict):
        detail = str(body.get("title") or body.get("message") or "")
        errors = body.get("errors")
        if isinstance(errors, dict) and errors:
            detail += " (" + "; ".join(f"{k}: {v}" for k, v in errors.items()) + ")"
    else:
        detail = response.text[:300]
    hints = {
        401: " Check the store's access token in the connection settings.",
        403: " The API account lacks a scope this needs (Orders, Customers, Products, "
        "Information read access).",
        404: " The store hash may be wrong, or the record was deleted.",
    }
    detail = detail.rstrip(".")  # BigCommerce's own texts often end with a full stop
    return f"BigCommerce answered {response.status_code}: {detail}.{hints.get(response.status_code, '')}"


RULES = VendorRules(
    system="bigcommerce",
    # 401 means a wrong token: a BigCommerce token never expires, so there is nothing to refresh.
    refresh_statuses=frozenset(),
    retry_after=_retry_after,
    error_message=_error_message,
    budget=_budget,
    # No idempotency key: neither BigCommerce's OpenAPI files nor its docs name one (its webhook
    # `hash` dedupes deliveries, not API writes). Writes (hooks, refunds) look up before creating.
    idempotency_header=None,
)


def store_client(connection, *, lane: str = LIVE) -> ApiClient:
    """The audited client for one connection's store, rate-limited per store."""
    base = f"{connection.bc_api_url.rstrip('/')}/stores/{connection.store_hash}/"
    return ApiClient(
        rules=RULES,
        base_url=base,
        auth=StaticHeaderAuth({"X-Auth-Token": connection.bc_access_token}),
        connection=connection,
        budget=RateBudget(
            key=f"bigcommerce:{connection.store_hash}", policy=DEFAULT_POLICY, lane=lane
        ),
        headers={"Accept": "application/json"},
    )
