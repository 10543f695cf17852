"""Query filters of the calls API."""

import re

import django_filters
from django import forms

from audit.models import ApiCall, System
from tenants.filters import DateTimeRangeFilter, TenantFilterSet, connection_filter


class WholeNumberField(forms.IntegerField):
    """Digits only: IntegerField alone takes " 7" and "7.0"."""

    def to_python(self, value):
        if isinstance(value, str) and value and not re.fullmatch(r"-?[0-9]+", value):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class IdFilter(django_filters.NumberFilter):
    """A row id (NumberFilter alone would take 1.5)."""

    field_class = WholeNumberField


STATUS_CLASSES = {"2xx": (200, 299), "3xx": (300, 399), "4xx": (400, 499), "5xx": (500, 599)}


class ApiCallFilter(TenantFilterSet):
    connection = connection_filter()
    system = django_filters.ChoiceFilter(choices=System.choices)
    status_class = django_filters.ChoiceFilter(
        choices=[(k, k) for k in STATUS_CLASSES] + [("network", "network")],
        method="filter_status_class",
        help_text="2xx, 3xx, 4xx, 5xx, or network (no answer: timeout, refused).",
    )
    job = IdFilter(field_name="sync_job_id", min_value=1, max_value=2**63 - 1)
    operation = django_filters.CharFilter(max_length=100)
    created = DateTimeRangeFilter(field_name="created_at")

    class Meta:
        model = ApiCall
        fields = ["tenant", "connection", "system", "status_class", "job", "operation", "created"]

    def filter_status_class(self, queryset, name, value):
        if value == "network":
            return queryset.filter(status_code__isnull=True)
        low, high = STATUS_CLASSES[value]
        return queryset.filter(status_code__gte=low, status_code__lte=high)
