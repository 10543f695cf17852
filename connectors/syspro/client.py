"""SYSPRO's rules for the shared client, and the audited client of one connection's operator.

- SYSPRO 8 e.net Communications Load Balancer, REST binding: `<server_url>` is
  `https://<host>:<port>/SYSPROWCFService/Rest`. Every call is a GET with query parameters, the
  XML and the passwords in the URL (recorded): the audit log masks UserId, OperatorPassword and
  CompanyPassword by name, and the values are registered as secrets too.
- Every answer is HTTP 200 (recorded), a refusal included: its body starts `ERROR:` (recorded:
  `ERROR: Invalid operator password`). Such a body is a failure here (FAIL), never retried in place;
  the caller reads SYSPRO's words from the error (`refusal`).
- 5xx and timeouts come from the IIS/WCF host in front of SYSPRO: a read is retried, a write
  (Setup, Transaction) is never repeated in place (AmbiguousWrite).
- One session per operator (a second Logon ends the first, third-party production notes): every
  call of an operator goes through one budget key with concurrency 1, across all workers.
"""

import re
from hashlib import sha256
from urllib.parse import urlsplit

from django.conf import settings

from connectors.errors import PermanentError, TransientError
from connectors.http import FAIL, ApiClient, RateBudget, VendorRules
from connectors.ratelimit import LIVE, RatePolicy, Window

SYSTEM = "syspro"
LABEL = "SYSPRO"
ERROR_PREFIX = "ERROR"
REFUSED = "SYSPRO refused the call: "
# No published request limit (UNCONFIRMED): one call at a time per operator is the real limit;
# the window only keeps a runaway loop from hammering the server.
CALLS_PER_MINUTE = 600
# 34 upper-case hex characters and two spaces, recorded; a little slack either way.
SESSION_ID = re.compile(r"^[0-9A-Fa-f]{16,64}\s{0,4}$")


class NotConnected(PermanentError):
    """The connection's settings are not complete, or name a server we must not call."""


class SessionGone(TransientError):
    """SYSPRO no longer knows the session id (ended by another Logon, idle timeout, restart),
    still after the one Logon again: the job tries later."""


class SysproRefused(PermanentError):
    """An `ERROR:` answer that is not about the session; `reason` is SYSPRO's own text."""

    def __init__(self, message: str, *, reason: str = "", **kwargs):
        super().__init__(message, **kwargs)
        self.reason = reason


def stored(connection) -> dict:
    return connection.erp_settings or {}


def secrets_of(connection) -> dict:
    return connection.erp_secrets or {}


def session_id_in(response) -> str | None:
    """The session id when the body is one (Logon's answer; some SYSPRO 8 installs quote it as
    JSON, third-party), as SYSPRO wrote it: with its trailing spaces."""
    body = response.content[:200].decode("cp1252", errors="replace")
    if body.strip().startswith('"'):
        body = body.strip().strip('"')
    return body if SESSION_ID.match(body) else None


def answer_secrets(response) -> list[str]:
    session_id = session_id_in(response)
    return [session_id, session_id.strip()] if session_id else []


def is_refusal(body: str) -> bool:
    """SYSPRO's refusal: plain text starting `ERROR` (the recorded `ERROR: …`)."""
    return body.lstrip().upper().startswith(ERROR_PREFIX)


def is_session_gone(reason: str) -> bool:
    """The refusal of a call that carried a UserId is about that session (the team's rule: its
    text names the UserId or the session, any case; SYSPRO's exact wording is UNCONFIRMED)."""
    lowered = reason.lower()
    return "userid" in lowered or "session" in lowered


def _body(response) -> str:
    return response.content[:2000].decode("cp1252", errors="replace")


def error_message(response) -> str:
    body = _body(response).strip()
    if response.status_code < 400 and is_refusal(body):
        return REFUSED + body[:500]
    return f"SYSPRO answered {response.status_code}: {body[:300] or response.reason}"


def refusal(exc: PermanentError) -> str | None:
    """SYSPRO's own words (`ERROR: …`) when the error is its refusal, else None."""
    if exc.status is not None and exc.status < 400 and exc.message.startswith(REFUSED):
        return exc.message.removeprefix(REFUSED)
    return None


class _Rules(VendorRules):
    def classify(self, response) -> str:
        if response.status_code < 400 and is_refusal(_body(response)):
            return FAIL
        return super().classify(response)


# No idempotency key: a SYSPRO write is looked up first by its reference (the order's
# CustomerPoNumber, the customer's e-mail) and never repeated in place.
RULES = _Rules(
    system=SYSTEM, error_message=error_message, idempotency_header=None,
    answer_secrets=answer_secrets,
)  # fmt: skip


def server_url(connection) -> str:
    """The e.net REST address; refused unless https (outside demo mode), before any call."""
    url = str(stored(connection).get("server_url") or "").strip()
    if not url:
        raise NotConnected(
            "Connect SYSPRO: its e.net REST service URL is not set; enter it in the connection's "
            "settings (e.g. https://syspro.example.com:40001/SYSPROWCFService/Rest)."
        )
    parts = urlsplit(url)
    if parts.scheme != "https" and not settings.DEMO_MODE:
        raise NotConnected(
            f"The SYSPRO e.net REST service URL {parts.scheme}://{parts.hostname or ''} is not "
            "https: SYSPRO's REST calls carry the operator's password and session in the address, "
            "so ml-connector only sends them encrypted. Ask your SYSPRO partner for the service's "
            "https address and enter it in the connection's settings."
        )
    return url.rstrip("/")


def operator_key(connection) -> str:
    """One SYSPRO operator on one server and company: what holds one session at a time."""
    values = stored(connection)
    parts = [
        str(values.get("server_url") or "").strip().rstrip("/").lower(),
        str(values.get("company_id") or "").strip().upper(),
        str(values.get("operator") or "").strip().upper(),
    ]
    return sha256("\n".join(parts).encode()).hexdigest()[:40]


def operator_budget(connection, lane: str = LIVE) -> RateBudget:
    policy = RatePolicy(windows=(Window(seconds=60, limit=CALLS_PER_MINUTE),), concurrency=1)
    return RateBudget(key=f"syspro:{operator_key(connection)}", policy=policy, lane=lane)


def credentials(connection) -> dict[str, str]:
    """Logon's parameters; NotConnected while the operator or company is missing."""
    values, secrets = stored(connection), secrets_of(connection)
    missing = [
        label
        for key, label in (("operator", "operator"), ("company_id", "company ID"))
        if not str(values.get(key) or "").strip()
    ]
    if missing:
        raise NotConnected(
            f"Connect SYSPRO: its {' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} "
            "not set; enter them in the connection's settings."
        )
    return {
        "Operator": str(values["operator"]).strip(),
        "OperatorPassword": str(secrets.get("operator_password") or ""),
        "CompanyId": str(values["company_id"]).strip(),
        "CompanyPassword": str(secrets.get("company_password") or ""),
    }


class _CheckClient(ApiClient):
    """The check's client: it calls SYSPRO while the connection needs reconnecting, to see
    whether corrected settings work (a success revives the connection)."""

    def _refuse_dead_connection(self) -> None:
        pass


def client(connection, lane: str = LIVE, *, revive: bool = False) -> ApiClient:
    """The audited client on the connection's server, in its operator's one-at-a-time budget.
    The passwords are registered as secrets by the client (they are the connection's)."""
    return (_CheckClient if revive else ApiClient)(
        rules=RULES,
        base_url=server_url(connection) + "/",
        connection=connection,
        budget=operator_budget(connection, lane),
    )
