"""What we ask BigCommerce to send us: the scopes each connection subscribes to, and those we
accept but have nothing to sync for."""

from catalog.echo import CATALOG_SCOPES
from catalog.models import CatalogSettings
from sync.flows import FLOWS

# Accepted and stored, but nothing to sync.
IGNORED_SCOPES = {"store/customer/deleted", "store/hook/deliveryException"}
KNOWN_SCOPES = (
    {scope for flow in FLOWS.values() for scope in flow.scopes} | IGNORED_SCOPES | CATALOG_SCOPES
)
# What every connection subscribes to when it is activated.
SUBSCRIBED_SCOPES = sorted(
    KNOWN_SCOPES - IGNORED_SCOPES - CATALOG_SCOPES - {"store/order/archived"}
)


def subscribed_scopes(connection) -> list[str]:
    """SUBSCRIBED_SCOPES, and the catalog's where the connection pushes its ERP's catalog (its
    own writes' echoes are recognised and dropped: catalog/echo.py)."""
    pushes = CatalogSettings.objects.filter(connection_id=connection.pk, enabled=True).exists()
    return sorted({*SUBSCRIBED_SCOPES, *CATALOG_SCOPES}) if pushes else SUBSCRIBED_SCOPES


def dropped_scopes(connection) -> list[str]:
    """Scopes whose hooks the connection keeps inactive: the catalog's while it pushes none."""
    return sorted(CATALOG_SCOPES - set(subscribed_scopes(connection)))
