"""/api/v1/failures/: failed orders grouped by what a person must fix, as on the admin's page."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from config.api_schema import ApiAutoSchema
from sync.failures import failure_groups
from sync.models import SyncJob
from sync.selectors import job_list
from tenants.api_viewsets import ScopedViewSet
from tenants.filters import TenantFilterSet, connection_filter


class FailureGroupFilter(TenantFilterSet):
    connection = connection_filter()

    class Meta:
        model = SyncJob
        fields = ["tenant", "connection"]


class FailureGroupSerializer(serializers.Serializer):
    id = serializers.SerializerMethodField(help_text="The group: connection, cause and subject.")
    connection = serializers.UUIDField(source="connection.pk")
    connection_name = serializers.CharField(source="connection.name")
    cause = serializers.CharField(
        source="code", allow_blank=True, help_text="A code of connectors.causes; blank on orders "
        "that failed before causes were recorded.",
    )  # fmt: skip
    subject = serializers.CharField(
        allow_blank=True, help_text="The record at fault (a SKU, an account); may be blank."
    )
    title = serializers.CharField(source="heading")
    fix = serializers.CharField(source="advice")
    count = serializers.IntegerField()
    latest_failure = serializers.DateTimeField(source="latest", allow_null=True)
    example_job = serializers.IntegerField(
        source="example_job_id", help_text="The newest failed job: /api/v1/jobs/<id>/."
    )
    can_replay = serializers.BooleanField(source="can_write")

    def get_id(self, group) -> str:
        return f"{group.connection.pk}:{group.code}:{group.subject}"


class OneAnswerSchema(ApiAutoSchema):
    """The list is one object (count and results), not a page of a list: groups are few."""

    def _is_list_view(self, serializer=None) -> bool:
        return False

    def _error_statuses(self) -> list[str]:
        return [*super()._error_statuses(), "400"]  # a malformed filter, as on any list


class FailureGroupViewSet(ScopedViewSet):
    """Failed orders grouped by connection, cause code and subject, largest group first (one row
    per group, not paginated). Replay a group through /api/v1/jobs/bulk-replay/ or the admin."""

    filterset_class = FailureGroupFilter
    pagination_class = None
    schema = OneAnswerSchema()

    def scoped_queryset(self, scope):
        return job_list(scope=scope)

    @extend_schema(
        responses=inline_serializer(
            "FailureGroupsAnswer",
            {"count": serializers.IntegerField(), "results": FailureGroupSerializer(many=True)},
        ),
        filters=True,
        operation_id="failures_list",
    )
    def list(self, request):
        jobs = self.filter_queryset(self.get_queryset())
        groups = failure_groups(jobs, can_write=self.scope.can_write)
        results = FailureGroupSerializer(groups, many=True).data
        return Response({"count": len(groups), "results": results})
