"""What can go wrong on an outside call, sorted by what the caller should do about it."""

from audit.redaction import redact_text
from audit.storable import storable


class ConnectorError(Exception):
    """Base: `message` is shown to users, so it says what happened and what to do."""

    permanent = True

    def __init__(
        self, message: str, *, status: int | None = None, retry_after: float | None = None
    ):
        # Messages reach the admin, job records and logs: mask any credential they quote, and
        # keep them storable (a vendor's text may hold U+0000).
        message = storable(redact_text(message))
        super().__init__(message)
        self.message = message
        self.status = status
        self.retry_after = retry_after


class TransientError(ConnectorError):
    """Worth trying again later: timeouts, 5xx, the vendor's rate limit."""

    permanent = False


class RateLimited(TransientError):
    """The budget is spent; `retry_after` says when there is room again."""


class PermanentError(ConnectorError):
    """Retrying the same request will fail the same way (validation, not found, forbidden)."""


class ReconnectRequired(PermanentError):
    """The credential is dead (revoked consent, expired refresh token): a person must reconnect."""


class UnsafeDestination(PermanentError):
    """The URL points somewhere ml-connector must not call (SSRF guard)."""


class UnreadableAnswer(PermanentError):
    """The vendor answered, but not in the documented shape (a field missing or of the wrong type):
    the same answer would fail the same way."""
