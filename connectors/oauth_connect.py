"""The parts of an OAuth authorization-code sign-in every ERP shares: the connection the pages are
for, the `state` kept in the session and checked on the way back, the client that trades the
code for tokens, and storing what the sign-in brought back."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from audit.redaction import register_secrets
from connectors.answers import expect, json_of, reading
from connectors.auth import NewToken
from connectors.errors import PermanentError
from connectors.http import ApiClient
from tenants.models import Connection, ConnectionStatus, OAuthToken
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


def erp_settings_merge(connection, values: dict):
    """Save `values` into the connection's ERP settings, keeping the others."""
    connection.erp_settings = {**(connection.erp_settings or {}), **values}
    connection.save(update_fields=["erp_settings", "updated_at"])
    return connection


def redirect_uri_for(kind: str, configured: str) -> str:
    """Where the vendor sends the browser back: `configured` (the address registered with the
    vendor's app, exactly as written: a trailing slash matters) or this site's callback page."""
    return configured or f"{settings.PUBLIC_BASE_URL}{reverse(f'{kind}:connect-callback')}"


def change_page(connection) -> str:
    """The connection's admin page, where every sign-in and settings page returns to."""
    return reverse("admin:tenants_connection_change", args=[connection.pk])


def authorization_code_exchange(client, path: str, form: dict, *, label: str, lifetime: float):
    """Trade the sign-in's authorization code (in `form`, single use, minutes old) for tokens at
    the vendor's token endpoint; a refusal tells the person to sign in again."""
    register_secrets([form["code"]])
    try:
        response = client.post(path, operation="oauth.code_exchange", data=form)
    except PermanentError as exc:
        raise PermanentError(
            f"{label} did not accept the sign-in (the code may have expired): try 'Connect "
            f"{label}' again."
        ) from exc
    return sign_in_tokens(response, label=label, lifetime=lifetime)


def sign_in_tokens(response, *, label: str, lifetime: float) -> dict:
    """The tokens a code exchange brought back, checked like a refresh's (an access token, a sane
    lifetime; `lifetime` when the answer names none): a malformed answer is a plain error for the
    person signing in, never a crash of the callback page."""
    body = expect(json_of(response, label), dict, label, "the sign-in")
    with reading(label, "the sign-in"):
        NewToken(
            access_token=body.get("access_token"),
            expires_in=body.get("expires_in", lifetime),
            refresh_token=body.get("refresh_token"),
        )
    register_secrets([body["access_token"], body.get("refresh_token")])
    return body


@transaction.atomic
def signed_in(connection, *, system: str, tokens: dict, lifetime: float, chosen: dict):
    """Store the tokens a sign-in brought back (`lifetime`: seconds when the vendor's answer has no
    expires_in) and merge what the person chose (company file, division) into the connection's
    settings. A connection that needed reconnecting gets going again, with the jobs that waited."""
    from sync.dispatch import jobs_dispatch_waiting

    now = timezone.now()
    OAuthToken.objects.update_or_create(
        connection=connection, system=system,
        defaults={
            "access_token": tokens["access_token"], "refresh_token": tokens.get("refresh_token", ""),
            "scope": tokens.get("scope", ""), "obtained_at": now, "last_refresh_error": "",
            "expires_at": now + timedelta(seconds=float(tokens.get("expires_in", lifetime))),
        },
    )  # fmt: skip
    connection = Connection.objects.select_for_update().get(pk=connection.pk)
    connection.erp_settings = {**(connection.erp_settings or {}), **chosen}
    fields = ["erp_settings", "updated_at"]
    if connection.status == ConnectionStatus.NEEDS_RECONNECT:
        connection.status, connection.last_error, connection.last_error_at = (
            ConnectionStatus.ACTIVE, "", None,
        )  # fmt: skip
        fields += ["status", "last_error", "last_error_at"]
        transaction.on_commit(lambda: jobs_dispatch_waiting(connection=connection))
    connection.save(update_fields=fields)
    return connection
