"""Query filters of the connections API, and the tenant filter every list shares."""

from datetime import UTC

import django_filters
from django import forms
from django_filters.fields import IsoDateTimeField, RangeField
from django_filters.widgets import DateRangeWidget

from connectors.registry import ERP_CHOICES
from tenants.models import Connection, ConnectionStatus


class UtcIsoDateTimeField(IsoDateTimeField):
    """Moved to UTC once parsed: ISO 8601 allows offsets PostgreSQL refuses (beyond ±15:59)."""

    def to_python(self, value):
        value = super().to_python(value)
        if value is None:
            return value
        try:
            return value.astimezone(UTC)
        except OverflowError:
            raise forms.ValidationError("The date is out of range.", code="invalid") from None


class UtcIsoDateTimeRangeField(RangeField):
    widget = DateRangeWidget  # `_after` / `_before`

    def __init__(self, *args, **kwargs):
        super().__init__((UtcIsoDateTimeField(), UtcIsoDateTimeField()), *args, **kwargs)


class DateTimeRangeFilter(django_filters.IsoDateTimeFromToRangeFilter):
    """`<name>_after` / `<name>_before`, ISO 8601 with any offset."""

    field_class = UtcIsoDateTimeRangeField


def connection_filter() -> django_filters.UUIDFilter:
    # Not stripped: a value of only whitespace is a bad id, not "no filter".
    return django_filters.UUIDFilter(
        field_name="connection_id", strip=False, help_text="The connection's id."
    )


class TenantFilterSet(django_filters.FilterSet):
    tenant = django_filters.CharFilter(
        field_name="tenant__slug",
        max_length=60,
        help_text="Tenant slug; only narrows results for people in several tenants.",
    )


class ConnectionFilter(TenantFilterSet):
    status = django_filters.ChoiceFilter(choices=ConnectionStatus.choices)
    erp_kind = django_filters.ChoiceFilter(choices=ERP_CHOICES)

    class Meta:
        model = Connection
        fields = ["tenant", "status", "erp_kind"]
