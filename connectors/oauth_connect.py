"""The parts of an OAuth authorization-code sign-in every ERP shares: the connection the pages are
for, the `state` kept in the session and checked on the way back, and the client that trades the
code for tokens."""

import secrets

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse

from connectors.http import ApiClient
from tenants.selectors import can_write, connections_visible_to

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


def connection_to_set_up(request, pk, *, erp_kind: str):
    """The connection a sign-in or settings page is for: looked up through the person's tenant
    scope (another tenant's id is a 404) and only for someone who may change it (403)."""
    connection = get_object_or_404(connections_visible_to(request.user), pk=pk)
    if connection.erp_kind != erp_kind:
        raise Http404
    if not can_write(request.user, connection.tenant_id):
        raise PermissionDenied
    return connection


def change_page(connection) -> str:
    """The connection's admin page, where every sign-in and settings page returns to."""
    return reverse("admin:tenants_connection_change", args=[connection.pk])
