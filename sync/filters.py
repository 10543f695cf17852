"""Query filters of the jobs and runs APIs."""

import django_filters

from sync.models import BulkRun, JobKind, JobState, Lane, SyncJob
from tenants.filters import DateTimeRangeFilter, TenantFilterSet, connection_filter


class SyncJobFilter(TenantFilterSet):
    connection = connection_filter()
    kind = django_filters.ChoiceFilter(choices=JobKind.choices)
    state = django_filters.ChoiceFilter(choices=JobState.choices)
    lane = django_filters.ChoiceFilter(choices=Lane.choices)
    source_id = django_filters.CharFilter(max_length=64, help_text="The BigCommerce record id.")
    erp_document_id = django_filters.CharFilter(max_length=100)
    created = DateTimeRangeFilter(field_name="created_at")
    updated = DateTimeRangeFilter(field_name="updated_at")

    class Meta:
        model = SyncJob
        fields = [
            "tenant", "connection", "kind", "state", "lane", "source_id", "erp_document_id",
            "created", "updated",
        ]  # fmt: skip


class BulkRunFilter(TenantFilterSet):
    connection = connection_filter()
    kind = django_filters.ChoiceFilter(choices=BulkRun.Kind.choices)
    state = django_filters.ChoiceFilter(choices=BulkRun.State.choices)

    class Meta:
        model = BulkRun
        fields = ["tenant", "connection", "kind", "state"]
