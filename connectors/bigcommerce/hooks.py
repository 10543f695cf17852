"""Our webhook subscriptions on the store: registered on activation, healed hourly.

BigCommerce deactivates a hook after 48 hours of failed deliveries and after 90 days without
activity, and allows one hook per scope and destination. The check lists the hooks, re-activates
inactive ones, recreates missing ones and never creates a duplicate.
"""

from django.utils import timezone

from connectors.answers import reading
from connectors.bigcommerce.store import BigCommerceStore
from connectors.errors import ConnectorError
from tenants.models import Connection
from webhooks.destination import webhook_destination
from webhooks.subscription import dropped_scopes, subscribed_scopes
from webhooks.verification import SECRET_HEADER


def ensure_hooks(connection: Connection) -> dict:
    """Make the store's hooks match what we need; record and return what was found and done."""
    destination = webhook_destination(connection)
    wanted_headers = {SECRET_HEADER: connection.webhook_secret}
    health = {"checked_at": timezone.now().isoformat(), "destination": destination, "actions": []}
    try:
        _hooks_ensure(BigCommerceStore(connection), destination, wanted_headers, health)
    except ConnectorError as exc:
        health["error"] = exc.message
    Connection.objects.filter(pk=connection.pk).update(webhook_health=health)
    return health


@reading("BigCommerce", "the store's webhooks")
def _hooks_ensure(store, destination: str, wanted_headers: dict, health: dict) -> None:
    scopes = subscribed_scopes(store.connection)
    ours = [h for h in store.hooks() if h.get("destination") == destination]
    by_scope: dict[str, dict] = {}
    for hook in sorted(ours, key=lambda h: h["id"]):
        by_scope.setdefault(hook["scope"], hook)
    for scope in scopes:
        hook = by_scope.get(scope)
        if hook is None:
            by_scope[scope] = store.create_hook(
                scope=scope, destination=destination, headers=wanted_headers
            )
            health["actions"].append(f"created {scope}")
        elif not hook.get("is_active") or (hook.get("headers") or {}) != wanted_headers:
            by_scope[scope] = store.update_hook(hook["id"], is_active=True, headers=wanted_headers)
            health["actions"].append(f"re-activated {scope}")
    for scope in dropped_scopes(store.connection):
        hook = by_scope.get(scope)
        if hook is not None and hook.get("is_active"):
            store.update_hook(hook["id"], is_active=False)
            health["actions"].append(f"deactivated {scope}")
    health["hooks"] = [
        {"scope": s, "id": by_scope[s]["id"], "is_active": by_scope[s].get("is_active", True)}
        for s in scopes
    ]
    health["error"] = ""
