"""MYOB's rules for the shared client, and the audited client for one connection's company file.

- Rate limits count per API key across every tenant: one shared budget "myob:<api key>", 8 calls
  a second (we draw 7) and 1,000,000 a day. Over it MYOB answers 403 with Errors[0].Name
  "RateLimitError" (documented); a 429 is treated the same (a third-party claim, UNCONFIRMED). No Retry-After is
  documented, so the client's exponential backoff decides the wait.
- A 401 is only worth a token refresh when it is about the bearer token. MYOB names the failed
  header in AdditionalDetails ("Header: x-myobapi-cftoken"): a refused company-file password
  fails at once with a message that says which setting to fix.
"""

import base64
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from audit.redaction import register_secrets
from connectors.answers import json_or_none
from connectors.auth import BearerTokenAuth
from connectors.errors import PermanentError
from connectors.http import FAIL, REFRESH, ApiClient, RateBudget, VendorRules
from connectors.myob.auth import SYSTEM, token_manager
from connectors.ratelimit import LIVE, RatePolicy, Window

# A little under MYOB's 8 a second: a call granted late in one second can reach MYOB in the next,
# where it counts (the same margin as Exact Online's 55 of 60). Seen on a busy machine: a ninth
# call landing in MYOB's second and answered 403 RateLimitError.
RATE_POLICY = RatePolicy(
    windows=(Window(seconds=1, limit=7), Window(seconds=86400, limit=1_000_000))
)

OAUTH, COMPANY_FILE, API_KEY = "oauth", "company_file", "api_key"
# Which part of the set-up failed, by the header MYOB names in AdditionalDetails.
PART_BY_HEADER = {
    "x-myobapi-cftoken": COMPANY_FILE,
    "authorization": OAUTH,
    "x-myobapi-key": API_KEY,
}
PART_HINTS = {
    COMPANY_FILE: "The company file user name or password was refused: correct them on the "
    "connection's MYOB company file page.",
    OAUTH: "MYOB did not accept ml-connector's sign-in: use 'Connect MYOB' to sign in again.",
    API_KEY: "MYOB did not accept ml-connector's API key (MYOB_CLIENT_ID): the platform's MYOB "
    "app registration needs attention.",
}


class NotConnected(PermanentError):
    """No sign-in or no company file yet: nothing can be sent until 'Connect MYOB' is done."""


def myob_errors(response) -> list[dict]:
    body = json_or_none(response)
    errors = body.get("Errors") if isinstance(body, dict) else None
    return [e for e in errors if isinstance(e, dict)] if isinstance(errors, list) else []


def failed_part(text: str) -> str | None:
    """OAUTH / COMPANY_FILE / API_KEY from an error's AdditionalDetails or a message quoting it."""
    lowered = text.lower()
    for header, part in PART_BY_HEADER.items():
        if f"header: {header}" in lowered:
            return part
    return None


def is_rate_limited(response) -> bool:
    errors = myob_errors(response)
    return (
        response.status_code == 403 and bool(errors) and errors[0].get("Name") == "RateLimitError"
    )


def error_message(response) -> str:
    errors = myob_errors(response)
    if errors:
        detail = "; ".join(
            f"{e.get('Name')}: {e.get('Message')}"
            + (f" ({e['AdditionalDetails']})" if e.get("AdditionalDetails") else "")
            for e in errors[:5]
        )
    else:
        detail = response.text[:300] or response.reason
    part = failed_part(detail) if response.status_code in (401, 403) else None
    hint = f" {PART_HINTS[part]}" if part else ""
    return f"MYOB answered {response.status_code}: {detail}.{hint}"


@dataclass(frozen=True)
class MyobRules(VendorRules):
    def classify(self, response) -> str:
        action = super().classify(response)
        if action == REFRESH:
            # Refresh for the bearer token only; an unnamed 401 is taken to be about it too.
            part = failed_part(
                " ".join(str(e.get("AdditionalDetails")) for e in myob_errors(response))
            )
            if part not in (None, OAUTH):
                return FAIL
        return action


RULES = MyobRules(
    system=SYSTEM, is_rate_limited=is_rate_limited, error_message=error_message,
    # The MYOB Business API takes no idempotency key: before creating, the record is looked up
    # (an invoice is found again by CustomerPurchaseOrderNumber).
    idempotency_header=None,
)  # fmt: skip


class MyobAuth(BearerTokenAuth):
    """The bearer token plus, for files that need it, the company-file user as a cftoken."""

    def __init__(self, manager, cftoken: str | None):
        super().__init__(manager)
        self.cftoken = cftoken

    def headers(self) -> dict[str, str]:
        headers = super().headers()
        if self.cftoken:
            headers["x-myobapi-cftoken"] = self.cftoken
        return headers


def cftoken_for(connection) -> str | None:
    """base64("user:password"), or None for files linked to the my.MYOB login (no user set)."""
    username = (connection.erp_settings or {}).get("company_file_username") or ""
    if not username:
        return None
    password = (connection.erp_secrets or {}).get("company_file_password") or ""
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    register_secrets([token])  # the header is masked by name too; this covers any echo of it
    return token


def api_key_budget(lane: str = LIVE) -> RateBudget:
    return RateBudget(key=f"myob:{settings.MYOB_CLIENT_ID}", policy=RATE_POLICY, lane=lane)


def company_file_client(connection, *, lane: str = LIVE) -> ApiClient:
    from tenants.models import OAuthToken

    business_id = (connection.erp_settings or {}).get("business_id") or ""
    if (
        not business_id
        or not OAuthToken.objects.filter(connection=connection, system=SYSTEM).exists()
    ):
        raise NotConnected(
            "MYOB is not connected yet: use 'Connect MYOB' on the connection to sign in and "
            "choose the company file."
        )
    return ApiClient(
        rules=RULES,
        base_url=f"{settings.MYOB_API_URL.rstrip('/')}/{business_id}/",
        auth=MyobAuth(token_manager(connection), cftoken_for(connection)),
        connection=connection,
        budget=api_key_budget(lane),
        headers={
            "x-myobapi-key": settings.MYOB_CLIENT_ID,
            "x-myobapi-version": "v2",
            "Accept": "application/json",
        },
    )


def wire(value):
    """JSON numbers for MYOB. Decimal amounts pass through float only to be written as JSON;
    the shortest float repr of an amount with ≤15 significant digits is that amount exactly."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {k: wire(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [wire(v) for v in value]
    return value
