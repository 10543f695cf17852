"""What we ask BigCommerce to send us, and where: the scopes each connection subscribes to, those
we accept but have nothing to sync for, and the connection's delivery address."""

from django.conf import settings

from sync.flows import FLOWS

# Accepted and stored, but nothing to sync.
IGNORED_SCOPES = {"store/customer/deleted", "store/hook/deliveryException"}
KNOWN_SCOPES = {scope for flow in FLOWS.values() for scope in flow.scopes} | IGNORED_SCOPES
# What we subscribe to when a connection is activated.
SUBSCRIBED_SCOPES = sorted(KNOWN_SCOPES - IGNORED_SCOPES - {"store/order/archived"})


def webhook_destination(connection) -> str:
    return f"{settings.PUBLIC_BASE_URL}/webhooks/bigcommerce/{connection.pk}/"
