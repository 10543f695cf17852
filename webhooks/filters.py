"""Query filters of the events API."""

import django_filters

from tenants.filters import DateTimeRangeFilter, TenantFilterSet, connection_filter
from webhooks.models import EventState, InboundEvent
from webhooks.subscription import KNOWN_SCOPES


class InboundEventFilter(TenantFilterSet):
    connection = connection_filter()
    scope = django_filters.ChoiceFilter(choices=[(s, s) for s in sorted(KNOWN_SCOPES)])
    state = django_filters.ChoiceFilter(choices=EventState.choices)
    resource_id = django_filters.CharFilter(max_length=64, help_text="E.g. the order id.")
    received = DateTimeRangeFilter(field_name="received_at")

    class Meta:
        model = InboundEvent
        fields = ["tenant", "connection", "scope", "state", "resource_id", "received"]
