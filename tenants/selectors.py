"""Who may see and change what. Every view and admin class asks these; nothing is implicit."""

from collections.abc import Iterable

from audit.redaction import collect_secret_values
from tenants.models import WRITE_ROLES, Connection, Membership, Role
from tenants.request_memo import remembered
from webhooks.destination import webhook_destination


def tenant_ids_for(user, roles: Iterable[str] | None = None) -> list[int]:
    """Tenants the user belongs to (with one of `roles`, when given)."""
    if not user.is_authenticated:
        return []
    wanted = None if roles is None else tuple(sorted(roles))

    def query() -> list[int]:
        memberships = Membership.objects.filter(user=user)
        if wanted is not None:
            memberships = memberships.filter(role__in=wanted)
        return list(memberships.values_list("tenant_id", flat=True))

    return remembered((user.pk, wanted), query)  # once per request (tenants/request_memo.py)


def role_for(user, tenant_id: int) -> Role | None:
    role = (
        Membership.objects.filter(user=user, tenant_id=tenant_id)
        .values_list("role", flat=True)
        .first()
    )
    return Role(role) if role else None


def can_write(user, tenant_id: int) -> bool:
    return user.is_superuser or role_for(user, tenant_id) in WRITE_ROLES


def can_read(user, tenant_id: int) -> bool:
    return user.is_superuser or role_for(user, tenant_id) is not None


def connections_visible_to(user):
    qs = Connection.objects.select_related("tenant")
    return qs if user.is_superuser else qs.filter(tenant_id__in=tenant_ids_for(user))


def secret_values_of(connection) -> list[str]:
    """Every credential value a connection holds, for value-based redaction."""
    values = [connection.bc_access_token, connection.bc_client_secret, connection.webhook_secret]
    values += collect_secret_values(connection.erp_secrets)
    for token in connection.tokens.all():
        values += [token.access_token, token.refresh_token]
    return [v for v in values if v]


def connection_list(*, scope):
    """Connections an API caller may see (`scope`: tenants.api_auth.ApiScope)."""
    return scope.filter(Connection.objects.select_related("tenant"))


def connection_webhook_health(connection) -> dict:
    """What the last hook check found, and the last webhook that actually arrived."""
    health = connection.webhook_health or {}
    last = connection.inbound_events.order_by("-received_at", "-id").first()
    return {
        "webhook_url": webhook_destination(connection),
        "checked_at": health.get("checked_at"),
        "error": health.get("error", ""),
        "actions": health.get("actions", []),
        "hooks": health.get("hooks", []),
        "last_delivery": last and {
            "id": last.pk, "scope": last.scope, "state": last.state, "received_at": last.received_at,
        },
    }  # fmt: skip


def connection_token_status(connection) -> dict:
    """Whether each stored credential is usable, without a single secret value."""
    from django.utils import timezone

    now = timezone.now()
    tokens = list(connection.tokens.order_by("system"))
    for token in tokens:
        if not token.access_token:
            token.state = "missing"
        elif token.expires_at is not None and token.expires_at <= now:
            token.state = "expired"
        else:
            token.state = "valid"
    return {"bigcommerce_token_stored": bool(connection.bc_access_token), "oauth": tokens}
