"""How each vendor's requests are authorised, and how OAuth tokens are kept fresh.

Strategies put headers on a request: a static header (BigCommerce `X-Auth-Token`), or a bearer token
from a TokenManager (MYOB, Exact Online, Acumatica, Business Central). The TokenManager is the one
place tokens are refreshed:

- proactively, `margin` seconds before expiry (and by a beat task for idle connections);
- one refresh at a time per connection: a row lock on the token, re-read after the lock (another
  worker may have refreshed while we waited), the token call, and the new access token and rotated
  refresh token saved in the same transaction;
- never earlier than the vendor allows (Exact Online: 570 s after the previous token);
- a refresh the vendor refuses for good marks the connection `needs_reconnect`, stops its calls and
  tells its owners once; it is not retried in a loop.
"""

import fcntl
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import connection as db_connection
from django.db import transaction
from django.utils import timezone

from audit.redaction import register_secrets
from connectors.answers import expect, json_of, reading
from connectors.errors import PermanentError, ReconnectRequired, TransientError

# Longer than any vendor's token lives; a larger expires_in ("inf", 1e308) is not a lifetime.
MAX_TOKEN_LIFETIME = 366 * 24 * 3600


@dataclass(frozen=True)
class NewToken:
    access_token: str
    expires_in: float
    refresh_token: str | None = None  # None: the vendor did not rotate it; keep the old one
    scope: str = ""

    def __post_init__(self):
        # Built from a vendor's answer: a ValueError here is read as a malformed answer.
        if not isinstance(self.access_token, str) or not self.access_token:
            raise ValueError("the answer has no access_token")
        if not isinstance(self.refresh_token, str | None):
            raise ValueError("its refresh_token is not text")
        if not 0 < float(self.expires_in) <= MAX_TOKEN_LIFETIME:
            raise ValueError(f"its expires_in {self.expires_in!r:.40} is not a token lifetime")


@dataclass(frozen=True)
class TokenPolicy:
    margin: float  # refresh when fewer than this many seconds remain
    min_age: float = 0.0  # no refresh until the current token is this old (Exact: 570 s)


# The vendor-specific part: given the stored token row, ask the vendor for a new token.
TokenGrant = Callable[["OAuthToken"], NewToken]  # noqa: F821 - a string annotation


@dataclass(frozen=True)
class RefreshGrant:
    """The OAuth refresh_token grant: a form-encoded POST to the vendor's token endpoint with the
    app's client id and secret, and the answer read into a NewToken. A refusal is a dead sign-in
    (ReconnectRequired, with `refused` telling the person what to do), except the vendor's
    refusal of a refresh sooner than it allows (`too_early`, text of its error), retried later."""

    label: str  # the vendor, as messages name it
    client: object  # connectors.http.ApiClient on the token endpoint
    path: str
    client_id: str
    client_secret: str
    lifetime: float  # seconds, when the answer names no expires_in
    refused: str
    too_early: str = ""
    # The form's fields in the order the vendor's documentation writes them.
    form_order: tuple[str, ...] = ("grant_type", "refresh_token", "client_id", "client_secret")

    def __call__(self, token) -> NewToken:
        values = {
            "grant_type": "refresh_token", "refresh_token": token.refresh_token,
            "client_id": self.client_id, "client_secret": self.client_secret,
        }  # fmt: skip
        try:
            response = self.client.post(
                self.path, operation="oauth.refresh", data={k: values[k] for k in self.form_order}
            )
        except PermanentError as exc:
            if self.too_early and self.too_early in exc.message:
                raise TransientError(
                    f"{self.label} refused an early token refresh; trying again shortly.",
                    retry_after=30,
                ) from exc
            raise ReconnectRequired(self.refused) from exc
        with reading(self.label, "the token refresh"):
            body = expect(json_of(response, self.label), dict, self.label, "the token refresh")
            return NewToken(
                access_token=body["access_token"],
                refresh_token=body.get("refresh_token"),
                expires_in=float(body.get("expires_in", self.lifetime)),  # text in some answers
                scope=str(body.get("scope", "")),
            )


class TokenManager:
    def __init__(self, *, connection_id, system: str, policy: TokenPolicy, grant: TokenGrant):
        self.connection_id = connection_id
        self.system = system
        self.policy = policy
        self.grant = grant

    def _tokens(self):
        from tenants.models import OAuthToken

        return OAuthToken.objects.filter(connection_id=self.connection_id, system=self.system)

    def _due(self, token, now: datetime) -> bool:
        if not token.access_token or token.expires_at is None:
            return True
        return token.expires_at - now <= timedelta(seconds=self.policy.margin)

    def _seconds_until_allowed(self, token, now: datetime) -> float:
        if not self.policy.min_age or token.obtained_at is None:
            return 0.0
        allowed_at = token.obtained_at + timedelta(seconds=self.policy.min_age)
        return max(0.0, (allowed_at - now).total_seconds())

    def access_token(self) -> str:
        """A token good for at least `margin` seconds, refreshing it first if needed."""
        token = self._tokens().get()
        if not self._due(token, timezone.now()):
            register_secrets([token.access_token, token.refresh_token])
            return token.access_token
        return self.refresh(stale=token.access_token)

    def refresh(self, *, stale: str, forced: bool = False) -> str:
        """Refresh unless someone already replaced `stale`; `forced` after the vendor's 401."""
        failure = None
        with refresh_turn(self._tokens(), self.connection_id) as token:
            now = timezone.now()
            if token.access_token and token.access_token != stale:
                return token.access_token  # another worker refreshed while we waited for the lock
            if not forced and not self._due(token, now):
                return token.access_token
            wait = self._seconds_until_allowed(token, now)
            if wait > 0:
                # Exact Online answers a too-early refresh with 401 and may block the app: the
                # call is never sent. The caller retries once the token may be refreshed.
                raise TransientError(
                    f"The {self.system} token may not be refreshed for another {wait:.0f} s.",
                    retry_after=wait,
                )
            try:
                new = self.grant(token)
            except ReconnectRequired as exc:
                failure = exc
                token.last_refresh_error = exc.message
                token.save(update_fields=["last_refresh_error", "updated_at"])
            else:
                register_secrets([new.access_token, new.refresh_token])
                token.access_token = new.access_token
                if new.refresh_token:
                    token.refresh_token = new.refresh_token
                token.scope = new.scope or token.scope
                token.obtained_at = now
                token.expires_at = now + timedelta(seconds=float(new.expires_in))
                token.refresh_count += 1
                token.last_refresh_error = ""
                token.save()
                return token.access_token
        # Outside the transaction, so the recorded error is committed before we report it.
        from tenants.reconnect import connection_needs_reconnect

        connection_needs_reconnect(connection_id=self.connection_id, message=failure.message)
        raise failure


def refresh_turn(tokens, connection_id):
    """The token row, to one refresher at a time across every process (row_turn)."""
    return row_turn(tokens, f"token-{connection_id}")


@contextmanager
def row_turn(rows, lock_name: str):
    """The one row of `rows`, to one holder at a time across every process, while the holder
    calls a vendor (a token refresh, SYSPRO's Logon). PostgreSQL: the row's lock, in a
    transaction. SQLite (the README's embedded default) locks the whole file for as long as a
    transaction writes, and a sandbox vendor served by this same app writes to that file while
    the holder waits for its answer: a lock file beside the database (named `lock_name`) gives
    the turn there, and each write commits at once."""
    if db_connection.vendor != "sqlite":
        with transaction.atomic():
            yield rows.select_for_update().get()
        return
    locks = Path(settings.VAR_DIR) / "locks"
    locks.mkdir(parents=True, exist_ok=True)
    with open(locks / f"{lock_name}.lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield rows.get()
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class StaticHeaderAuth:
    """A header that never changes (BigCommerce's X-Auth-Token)."""

    def __init__(self, headers: dict[str, str]):
        self._headers = headers
        register_secrets(headers.values())

    def headers(self) -> dict[str, str]:
        return dict(self._headers)

    def can_refresh(self) -> bool:
        return False

    def on_unauthorized(self, sent_headers: dict[str, str]) -> None:
        raise NotImplementedError


class BearerTokenAuth:
    """`Authorization: Bearer …` from a TokenManager; one forced refresh after a 401."""

    def __init__(self, manager: TokenManager):
        self.manager = manager

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.manager.access_token()}"}

    def can_refresh(self) -> bool:
        return True

    def on_unauthorized(self, sent_headers: dict[str, str]) -> None:
        stale = sent_headers.get("Authorization", "").removeprefix("Bearer ")
        self.manager.refresh(stale=stale, forced=True)
