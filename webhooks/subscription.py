"""What we ask BigCommerce to send us: the scopes each connection subscribes to, and those we
accept but have nothing to sync for."""

from sync.flows import FLOWS

# Accepted and stored, but nothing to sync.
IGNORED_SCOPES = {"store/customer/deleted", "store/hook/deliveryException"}
KNOWN_SCOPES = {scope for flow in FLOWS.values() for scope in flow.scopes} | IGNORED_SCOPES
# What we subscribe to when a connection is activated.
SUBSCRIBED_SCOPES = sorted(KNOWN_SCOPES - IGNORED_SCOPES - {"store/order/archived"})
