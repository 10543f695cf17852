"""The parts of an OAuth authorization-code sign-in every ERP shares: the `state` kept in the
session and checked on the way back, and the client that trades the code for tokens."""

import secrets

from connectors.http import ApiClient

SESSION_KEY = "oauth_sign_in"


def state_issue(request, *, system: str, connection) -> str:
    """A fresh state for this browser's sign-in to `system` for `connection`."""
    state = secrets.token_urlsafe(24)
    request.session[f"{SESSION_KEY}:{system}"] = {"state": state, "connection": str(connection.pk)}
    return state


def state_take(request, *, system: str) -> str | None:
    """The connection id the sign-in was started for, when the returned state is the one issued
    (used once: a replayed or forged callback gets None)."""
    expected = request.session.pop(f"{SESSION_KEY}:{system}", None) or {}
    state = request.GET.get("state", "")
    if not expected or not state or not secrets.compare_digest(state, expected.get("state", "")):
        return None
    return expected["connection"]


class SignInClient(ApiClient):
    """The sign-in is what revives a connection marked needs_reconnect, so it may run then."""

    def _refuse_dead_connection(self) -> None:
        return None
