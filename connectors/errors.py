"""What can go wrong on an outside call, sorted by what the caller should do about it."""

from audit.redaction import redact_text
from audit.storable import storable


class ConnectorError(Exception):
    """Base: `message` is shown to users, so it says what happened and what to do."""

    permanent = True

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        retry_after: float | None = None,
        cause: str = "",
        subject: str = "",
    ):
        # Messages reach the admin, job records and logs: mask any credential they quote, and
        # keep them storable (a vendor's text may hold U+0000).
        message = storable(redact_text(message))
        super().__init__(message)
        self.message = message
        self.status = status
        self.retry_after = retry_after
        # What a person must fix, for grouping failures (a code of connectors.causes.CAUSES),
        # and the record at fault (a SKU, an account code); blank when the error names none.
        self.cause = cause
        self.subject = storable(redact_text(subject))[:200]


class TransientError(ConnectorError):
    """Worth trying again later: timeouts, 5xx, the vendor's rate limit."""

    permanent = False


class RateLimited(TransientError):
    """The budget is spent; `retry_after` says when there is room again."""


class Wait(TransientError):
    """Nothing was sent and nothing went wrong: the job waits `retry_after` seconds for room (our
    budget, another job's turn at the same customer). A wait is not a failed attempt, so it never
    exhausts the job."""


class BudgetWait(RateLimited, Wait):
    """Our own shared budget for a vendor has no room yet (nothing was sent)."""


class PermanentError(ConnectorError):
    """Retrying the same request will fail the same way (validation, not found, forbidden)."""


class ReconnectRequired(PermanentError):
    """The credential is dead (revoked consent, expired refresh token): a person must reconnect."""


class UnsafeDestination(PermanentError):
    """The URL points somewhere ml-connector must not call (SSRF guard)."""


class UnreadableAnswer(PermanentError):
    """The vendor answered, but not in the documented shape (a field missing or of the wrong type):
    the same answer would fail the same way."""


class InfrastructureUnavailable(TransientError):
    """ml-connector's own Redis, broker or database could not be reached: not the order's fault,
    so the job waits and tries again without it counting as an attempt."""


def _infrastructure_errors() -> tuple[type[BaseException], ...]:
    from django.db import InterfaceError, OperationalError
    from kombu.exceptions import OperationalError as BrokerUnavailable
    from redis.exceptions import BusyLoadingError
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    return (
        InfrastructureUnavailable,  # one of the below, already put in plain words
        RedisConnectionError, RedisTimeoutError, BusyLoadingError,  # the budgets, the cache
        BrokerUnavailable,  # the task queue
        OperationalError, InterfaceError,  # the database connection
    )  # fmt: skip


# The one list of our own infrastructure's failures: each is transient, never the order's fault.
INFRASTRUCTURE_ERRORS = _infrastructure_errors()

REDIS_UNREACHABLE = (
    "ml-connector's rate budget store (Redis) is unreachable; the job waits and tries again. "
    "Nothing to do unless it lasts more than a few minutes: then ask your ml-connector operator "
    "to check Redis."
)


def infrastructure_message(exc: BaseException) -> str:
    """What a finance person reads on the job when our own infrastructure failed."""
    from django.db import Error as DatabaseError
    from kombu.exceptions import OperationalError as BrokerUnavailable

    if isinstance(exc, InfrastructureUnavailable):
        return exc.message
    if isinstance(exc, DatabaseError):
        part = "database"
    elif isinstance(exc, BrokerUnavailable):
        part = "task queue (broker)"
    else:
        return REDIS_UNREACHABLE
    return (
        f"ml-connector's {part} is unreachable; the job waits and tries again. Nothing to do "
        f"unless it lasts more than a few minutes: then ask your ml-connector operator to "
        f"check the {part}."
    )


class AmbiguousWrite(TransientError):
    """A create or change got no clear answer (no answer at all, or a 5xx): the vendor may have
    done it. It is not sent again in place; the job's next attempt looks the record up first."""
