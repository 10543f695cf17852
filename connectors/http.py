"""The one HTTP client for every outside call (a ruff rule bans `requests` everywhere else).

Per call, in order: refuse a connection that needs reconnecting, check the destination (SSRF
guard), wait for the shared rate budget, add auth headers, send with explicit timeouts on a pooled
session, record the attempt in the audit log, then act on the vendor's answer as its rules table
says: success, refresh the token once and retry, retry with backoff, or fail for good.

Short waits are slept in place; a wait longer than `max_inline_wait` is raised as a TransientError
with `retry_after`, so the Celery task goes back to the queue instead of holding a worker.

A create is never repeated blindly: a POST or PATCH that gets no answer or a RETRY-class status
may have been done, so it raises AmbiguousWrite instead of being sent again, and the job's next
attempt starts with the look-up by external reference. Definite refusals (a rate-limit answer, a
401 refreshed once) are still retried in place, and so is a write the vendor deduplicates by an
idempotency key (`VendorRules.idempotency_header`, the same key on every try).
"""

import email.utils
import math
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urljoin

import requests
from django.conf import settings

from audit.redaction import register_secrets
from audit.services import api_call_record
from connectors import ratelimit
from connectors.errors import (
    AmbiguousWrite,
    BudgetWait,
    PermanentError,
    RateLimited,
    ReconnectRequired,
    TransientError,
)
from connectors.ssrf import check_destination
from sync.lease import current_lease

CONNECT_TIMEOUT = 5.0
# Not idempotent: a repeat may do the work twice (a second invoice); PUT and DELETE name their record.
UNREPEATABLE_METHODS = frozenset({"POST", "PATCH"})
USER_AGENT = "ml-connector/1.0 (+https://github.com/ml-connector)"

SUCCESS, RETRY, RATE_LIMITED, REFRESH, FAIL = "success", "retry", "rate_limited", "refresh", "fail"
# Requests that change nothing at the vendor; every other one is fenced by the job's lease.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


# The longest wait a vendor's answer is taken at: a day covers every documented window (Exact's
# daily quota); a longer one (or 1e308) is capped rather than overflowing a datetime.
MAX_SERVER_WAIT = 24 * 3600.0


def sane_seconds(value: float | None) -> float | None:
    """A wait the vendor stated, clamped to [0, MAX_SERVER_WAIT]; None for NaN."""
    if value is None or math.isnan(value):
        return None
    return min(max(0.0, value), MAX_SERVER_WAIT)


def header_seconds(response, name: str) -> float | None:
    """A number of seconds (or an HTTP date) from a header; None when absent or unreadable, so
    the client's own backoff decides."""
    value = response.headers.get(name)
    if value is None:
        return None
    try:
        return sane_seconds(float(value))
    except ValueError:
        pass
    try:
        parsed = email.utils.parsedate_to_datetime(value)  # Retry-After may be an HTTP date
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return sane_seconds(parsed.timestamp() - time.time()) if parsed else None


def retry_after_header(response) -> float | None:
    return header_seconds(response, "Retry-After")


def default_error_message(response) -> str:
    return f"HTTP {response.status_code}: {response.text[:500]}"


@dataclass(frozen=True)
class Budget:
    """What the vendor's headers say about the remaining budget."""

    remaining: int | None = None
    reset_in: float | None = None  # seconds until the window resets
    quota: int | None = None
    window: float | None = None  # seconds


@dataclass(frozen=True)
class VendorRules:
    """One vendor's table: how to read its answers."""

    system: str
    retry_statuses: frozenset[int] = frozenset({408, 425, 500, 502, 503, 504})
    rate_limit_statuses: frozenset[int] = frozenset({429})
    refresh_statuses: frozenset[int] = frozenset({401})
    is_rate_limited: Callable[[requests.Response], bool] = lambda response: False
    retry_after: Callable[[requests.Response], float | None] = retry_after_header
    error_message: Callable[[requests.Response], str] = default_error_message
    budget: Callable[[requests.Response], Budget | None] = lambda response: None
    # The header under which the vendor deduplicates writes, when it offers one: a create sent
    # with it may be repeated in place. None for every vendor so far (see each RULES).
    idempotency_header: str | None = None
    # Credentials an answer hands out in a form redaction cannot tell by name (SYSPRO's session
    # id as a plain-text body): registered as secrets before the answer is recorded.
    answer_secrets: Callable[[requests.Response], list[str]] = lambda response: []

    def classify(self, response: requests.Response) -> str:
        status = response.status_code
        if status < 400:
            return SUCCESS
        if status in self.rate_limit_statuses or self.is_rate_limited(response):
            return RATE_LIMITED
        if status in self.refresh_statuses:
            return REFRESH
        if status in self.retry_statuses:
            return RETRY
        return FAIL


@dataclass(frozen=True)
class RateBudget:
    key: str  # what the vendor counts, e.g. "myob:<api key>", "exact:<division>"
    policy: ratelimit.RatePolicy
    lane: str = ratelimit.LIVE


@dataclass
class Backoff:
    base: float = 1.0
    cap: float = 600.0

    def delay(self, attempt: int, server_says: float | None) -> float:
        # Full jitter around the exponential step, and never sooner than the server asked.
        step = min(self.cap, self.base * 2 ** (attempt - 1))
        server_says = sane_seconds(server_says) or 0.0
        return max(server_says, step * random.uniform(0.5, 1.5))  # noqa: S311


def default_timeout() -> tuple[float, float]:
    """(connect, read) seconds; the read timeout is a setting so tests can provoke one."""
    return CONNECT_TIMEOUT, settings.HTTP_READ_TIMEOUT


_sessions = threading.local()


def _session() -> requests.Session:
    """One pooled session per thread (requests sessions are not safe to share across threads)."""
    session = getattr(_sessions, "session", None)
    if session is None:
        session = requests.Session()
        session.headers["User-Agent"] = USER_AGENT
        _sessions.session = session
    return session


@dataclass
class ApiClient:
    rules: VendorRules
    base_url: str
    auth: object | None = None  # StaticHeaderAuth | BearerTokenAuth | None
    connection: object | None = None  # tenants.Connection, for the audit row and status checks
    budget: RateBudget | None = None
    headers: dict[str, str] = field(default_factory=dict)
    timeout: tuple[float, float] = field(default_factory=default_timeout)
    max_attempts: int = 3
    max_inline_wait: float = 5.0
    backoff: Backoff = field(default_factory=Backoff)
    allow_private: bool | None = None  # None: settings decide (demo/test mode)

    def __post_init__(self):
        self._prepaid = 0  # budget slots taken by slot_reserve for the next calls
        if self.connection is not None:
            from tenants.selectors import secret_values_of

            register_secrets(secret_values_of(self.connection))

    # -- public ---------------------------------------------------------------------------
    def slot_reserve(self) -> None:
        """Take a slot of the budget now, for this client's next call, waiting as a call would
        (a short wait inline, a long one raises BudgetWait): a caller that must not start other
        work while the vendor has no room for it (a run's store reads) asks here first."""
        if self.budget:
            self._wait_for_slot()
            self._prepaid += 1

    def get(self, path, *, operation, **kwargs):
        return self.request("GET", path, operation=operation, **kwargs)

    def post(self, path, *, operation, **kwargs):
        return self.request("POST", path, operation=operation, **kwargs)

    def put(self, path, *, operation, **kwargs):
        return self.request("PUT", path, operation=operation, **kwargs)

    def patch(self, path, *, operation, **kwargs):
        return self.request("PATCH", path, operation=operation, **kwargs)

    def delete(self, path, *, operation, **kwargs):
        return self.request("DELETE", path, operation=operation, **kwargs)

    def url_for(self, path: str) -> str:
        if path.startswith(("https://", "http://")):
            return path
        return urljoin(self.base_url.rstrip("/") + "/", path.lstrip("/"))

    def request(
        self,
        method: str,
        path: str,
        *,
        operation: str,
        params=None,
        json=None,
        data=None,
        headers: dict[str, str] | None = None,
        idempotency_key: str | None = None,
        read_statuses: frozenset[int] = frozenset(),
        creates: bool = False,
    ) -> requests.Response:
        """`read_statuses`: error statuses the caller reads itself (a batch's failed rows).
        `creates`: a request that makes a record although its method would not say so (Acumatica's
        PUT upsert with no key, SYSPRO's GET Setup and Transaction calls): no more repeatable than a
        POST, and fenced by the job's lease like any write."""
        url = self.url_for(path)
        keyed_headers = self._idempotency(idempotency_key)
        repeatable = method.upper() not in UNREPEATABLE_METHODS or bool(keyed_headers)
        if creates:
            repeatable = bool(keyed_headers)
        refreshed = False
        attempt = 0
        while True:
            attempt += 1
            self._refuse_dead_connection()
            check_destination(url, allow_private=self.allow_private)
            self._take_slot()
            self._fence(method, writes=creates)
            sent_headers = {**self.headers, **(self.auth.headers() if self.auth else {})}
            sent_headers.update(headers or {})
            sent_headers.update(keyed_headers)  # the same key on every try
            response, error, duration_ms = self._send(method, url, params, json, data, sent_headers)
            if response is not None:
                register_secrets(self.rules.answer_secrets(response))
            api_call_record(
                system=self.rules.system,
                operation=operation,
                method=method,
                url=response.url if response is not None else url,
                connection=self.connection,
                attempt=attempt,
                duration_ms=duration_ms,
                request_headers=sent_headers,
                request_body=json if json is not None else data,
                response=response,
                error=error,
            )
            if response is not None:
                self._observe_budget(response)
            action = RETRY if response is None else self.rules.classify(response)
            if action == SUCCESS or (
                response is not None and response.status_code in read_statuses
            ):
                return response
            if action == REFRESH and self.auth and self.auth.can_refresh() and not refreshed:
                refreshed = True
                self.auth.on_unauthorized(sent_headers)
                continue
            if action == RETRY and not repeatable:
                # The vendor may have done it: never send it again blindly.
                raise self._ambiguous(operation, response, error)
            if action in (RETRY, RATE_LIMITED):
                server_says = self.rules.retry_after(response) if response is not None else None
                delay = self.backoff.delay(attempt, server_says)
                if action == RATE_LIMITED and self.budget:
                    # Every process sharing this budget holds back, not only this one.
                    ratelimit.limiter().block_until(self.budget.key, time.time() + delay)
                if attempt < self.max_attempts and delay <= self.max_inline_wait:
                    time.sleep(delay)
                    continue
                raise self._transient(action, response, error, delay)
            raise PermanentError(self.rules.error_message(response), status=response.status_code)

    # -- internals ------------------------------------------------------------------------
    def _take_slot(self) -> None:
        if not self.budget:
            return
        if self._prepaid:
            self._prepaid -= 1  # taken by slot_reserve
            return
        self._wait_for_slot()

    def _wait_for_slot(self) -> None:
        ratelimit.wait_for_slot(
            self.budget.key,
            self.budget.policy,
            lane=self.budget.lane,
            max_wait=self.max_inline_wait,
            **self._budget_names(),
        )

    @staticmethod
    def _fence(method: str, *, writes: bool = False) -> None:
        """A run that lost its job to another worker (it froze past its lease) sends no write:
        the other worker is doing it."""
        lease = current_lease()
        if lease is not None and (writes or method.upper() not in SAFE_METHODS):
            lease.confirm()

    def _idempotency(self, key: str | None) -> dict[str, str]:
        """The vendor's idempotency header with the caller's key; nothing when the vendor
        offers none (a key it ignores would make a repeat no safer)."""
        if key and self.rules.idempotency_header:
            return {self.rules.idempotency_header: key}
        return {}

    def _send(self, method, url, params, json, data, headers):
        start = time.monotonic()
        lease = None
        try:
            if self.budget and self.budget.policy.concurrency:
                lease = self._take_lease()
            response = _session().request(
                method,
                url,
                params=params,
                json=json,
                data=data,
                headers=headers,
                timeout=self.timeout,
                allow_redirects=False,
            )
            return response, None, int((time.monotonic() - start) * 1000)
        except requests.RequestException as exc:
            return None, exc, int((time.monotonic() - start) * 1000)
        finally:
            if lease:
                ratelimit.limiter().release(self.budget.key, lease)

    def _take_lease(self) -> str:
        lease = f"{threading.get_ident()}-{time.monotonic_ns()}"
        limit = self.budget.policy.concurrency
        ttl = self.timeout[0] + self.timeout[1] + 5
        deadline = time.monotonic() + self.max_inline_wait
        while (wait := ratelimit.limiter().try_lease(self.budget.key, lease, limit, ttl)) > 0:
            if time.monotonic() + wait > deadline:
                names = self._budget_names()
                raise BudgetWait(
                    f"Waiting for {names['budget_name']} ({names['vendor']} allows {limit} calls "
                    "at once, and that many are under way)",
                    retry_after=1.0,
                )
            time.sleep(wait)
        return lease

    def _budget_names(self) -> dict[str, str]:
        """How a budget wait names the budget to a person reading the job."""
        from audit.models import System

        vendor = dict(System.choices).get(self.rules.system, self.rules.system)
        store = self.rules.system == System.BIGCOMMERCE
        return {
            "budget_name": "the store's API budget" if store else f"{vendor}'s API budget",
            "vendor": vendor,
        }

    def _observe_budget(self, response) -> None:
        if not self.budget:
            return
        budget = self.rules.budget(response)
        if budget is None:
            return
        limiter = ratelimit.limiter()
        reset_in, window = sane_seconds(budget.reset_in), sane_seconds(budget.window)
        if budget.remaining is not None and budget.remaining <= 0 and reset_in:
            limiter.block_until(self.budget.key, time.time() + reset_in)
        if budget.quota and budget.quota > 0 and window:  # a quota of 0 or less is not a quota
            limiter.set_quota(self.budget.key, window, budget.quota)
            if budget.remaining is not None and reset_in:
                used = min(budget.quota, max(0, budget.quota - budget.remaining))
                limiter.align(self.budget.key, window, budget.quota, used, reset_in)

    def _refuse_dead_connection(self) -> None:
        if self.connection is None:
            return
        from tenants.models import Connection, ConnectionStatus

        status, last_error = (
            Connection.objects.filter(pk=self.connection.pk)
            .values_list("status", "last_error")
            .get()
        )
        if status == ConnectionStatus.NEEDS_RECONNECT:
            raise ReconnectRequired(
                f"{self.connection.name} needs reconnecting before ml-connector can call "
                f"{self.rules.system} again ({last_error})."
            )

    def _ambiguous(self, operation, response, error) -> AmbiguousWrite:
        system = self.rules.system
        if response is None:
            what = f"did not answer in time ({type(error).__name__})"
            status = None
        else:
            what = f"answered {response.status_code}"
            status = response.status_code
        return AmbiguousWrite(
            f"{system} did not confirm the write ({operation}): it {what}, so it may or may "
            "not have been made. ml-connector does not send it again blindly: it looks it up "
            "by its reference before it tries again, and creates it only if it is not there. "
            "Nothing to do unless this keeps happening.",
            status=status,
        )

    def _transient(self, action, response, error, delay) -> TransientError:
        if response is None:
            message = f"{self.rules.system} did not answer ({type(error).__name__}): {error}"
            return TransientError(message, retry_after=delay)
        message = self.rules.error_message(response)
        cls = RateLimited if action == RATE_LIMITED else TransientError
        return cls(message, status=response.status_code, retry_after=delay)
