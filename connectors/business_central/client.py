"""Business Central's rules for the shared client, and the audited clients of one connection.

- Base URLs: `<BC_API_URL>/v2.0/<tenant>/<environment>/api/v2.0/` for the environment (companies,
  subscriptions, $batch) and `.../companies(<company id>)/` for the company's records.
- Errors come as `{"error": {"code", "message"}}` (BadRequest_*, Authentication_*,
  Authorization_*, Internal_*, Application_*, Request_EntityChanged): the message says both.
- 429: the per-user limits (6,000 requests per 5-minute sliding window; 5 at once with a queue of
  95). Retry-After is documented for 503 only (UNCONFIRMED on 429): honoured when present, else
  the client's jittered exponential backoff decides.
- 503 (a request queued more than 8 minutes) carries Retry-After; 504 after 10 minutes.
- 409 Request_EntityChanged (a stale If-Match) is read by the callers: they read the record
  again and retry.
- One shared budget "bc:<tenant>:<client id>" per app principal (the limits are per user, and an
  app's token is one user): every worker's calls for every company of the principal count in it.
"""

from django.conf import settings

from connectors.answers import json_or_none
from connectors.auth import BearerTokenAuth
from connectors.errors import PermanentError
from connectors.http import ApiClient, RateBudget, VendorRules
from connectors.ratelimit import LIVE, RatePolicy, Window

SYSTEM = "business_central"
LABEL = "Business Central"
API_VERSION = "v2.0"
ENTITY_CHANGED = "Request_EntityChanged"
REQUESTS_PER_WINDOW = 6_000  # per user (app principal), in a 5-minute sliding window
OUR_SHARE = 5_000  # of those, what ml-connector's calls may use
CONCURRENT = 5  # at once; more wait in Business Central's queue (95), then 429


class NotConnected(PermanentError):
    """The connection's settings are not complete (tenant, environment, app or company)."""


def stored(connection) -> dict:
    return connection.erp_settings or {}


def environment_url(connection) -> str:
    values = stored(connection)
    base = settings.BC_API_URL.rstrip("/")
    return (
        f"{base}/v2.0/{values.get('tenant_id') or ''}/{values.get('environment') or ''}/api/"
        f"{API_VERSION}/"
    )


def company_url(connection) -> str:
    return f"{environment_url(connection)}companies({stored(connection).get('company_id')})/"


def error_parts(response) -> tuple[str, str]:
    """(code, message) of Business Central's error body; blank when it is not of that shape."""
    body = json_or_none(response)
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return "", ""
    code, message = error.get("code"), error.get("message")
    return (code if isinstance(code, str) else "")[:100], (
        message if isinstance(message, str) else ""
    )[:500]


def error_message(response) -> str:
    status = response.status_code
    code, message = error_parts(response)
    if code or message:
        detail = f"{code}: {message}" if code and message else code or message
        return f"Business Central answered {status} ({detail})"
    return f"Business Central answered {status}: {response.text[:300] or response.reason}"


def is_entity_changed(exc: PermanentError) -> bool:
    return exc.status == 409 and ENTITY_CHANGED in exc.message


RULES = VendorRules(
    system=SYSTEM, error_message=error_message,
    # No idempotency key: a create is looked up first by its reference (externalDocumentNumber,
    # customerPurchaseOrderReference, the customer's e-mail) and never repeated in place.
    idempotency_header=None,
)  # fmt: skip


def rate_policy() -> RatePolicy:
    """Fixed windows of a fifth of Business Central's sliding window: any 5-minute span touches
    at most six of them, so six windows' worth of calls (6 x 833 = 4,998) stays under the 6,000
    Business Central counts, with a little left to the principal's other clients. (A sliding log
    of 6,000 calls would be counted in fixed windows by connectors/ratelimit.py, which could allow
    twice the limit across a boundary.)"""
    window = settings.BC_RATE_WINDOW_SECONDS  # 300; tests shrink it with the sandbox's
    return RatePolicy(
        windows=(Window(seconds=window / 5, limit=OUR_SHARE // 6),),
        concurrency=CONCURRENT,
    )


def principal_budget(connection, lane: str = LIVE) -> RateBudget:
    values = stored(connection)
    key = f"bc:{values.get('tenant_id') or ''}:{values.get('client_id') or ''}".lower()
    return RateBudget(key=key, policy=rate_policy(), lane=lane)


def _client(connection, base_url: str, lane: str) -> ApiClient:
    from connectors.business_central.auth import token_manager

    return ApiClient(
        rules=RULES, base_url=base_url, auth=BearerTokenAuth(token_manager(connection)),
        connection=connection, budget=principal_budget(connection, lane),
        headers={"Accept": "application/json"},
    )  # fmt: skip


def company_client(connection, lane: str = LIVE) -> ApiClient:
    if not stored(connection).get("company_id"):
        raise NotConnected(
            "No Business Central company is chosen yet: use 'Company' on the connection to pick "
            "the company orders go to."
        )
    return _client(connection, company_url(connection), lane)


def environment_client(connection, lane: str = LIVE) -> ApiClient:
    return _client(connection, environment_url(connection), lane)
