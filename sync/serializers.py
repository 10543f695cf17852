"""Shapes of the jobs and runs APIs (output only: these records are written by the system)."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from audit.serializers import ApiCallSummarySerializer
from sync.models import BulkRun, JobState, SyncAttempt, SyncJob
from sync.replay import outcome_counts


class SyncAttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = SyncAttempt
        fields = ["number", "trigger", "outcome", "error", "started_at", "finished_at"]


class SyncJobSerializer(serializers.ModelSerializer):
    class Meta:
        model = SyncJob
        fields = [
            "id", "connection", "kind", "source_id", "state", "lane", "attempts", "last_error",
            "warnings", "erp_document_id", "erp_document_number", "erp_customer_id",
            "next_attempt_at", "started_at", "finished_at", "created_at", "updated_at",
            # An order job's summary, filled when the order is fetched (blank for other kinds).
            "placed_at", "customer_name", "customer_email", "order_total", "currency", "skus",
        ]  # fmt: skip


class SyncJobDetailSerializer(SyncJobSerializer):
    attempt_log = SyncAttemptSerializer(many=True, read_only=True)
    api_calls = serializers.SerializerMethodField(
        help_text="The latest 100 outside calls this job made; /api/v1/calls/?job=<id> has all."
    )

    class Meta(SyncJobSerializer.Meta):
        fields = [*SyncJobSerializer.Meta.fields, "details", "attempt_log", "api_calls"]

    @extend_schema_field(ApiCallSummarySerializer(many=True))
    def get_api_calls(self, obj):
        return ApiCallSummarySerializer(self.context["api_calls"], many=True).data


class JobReplaySerializer(serializers.Serializer):
    queued = serializers.BooleanField(
        help_text="False when the job was already waiting or running, or is not replayable."
    )
    job = SyncJobSerializer()


class BulkRunSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="Where to follow the run's progress.")
    percent = serializers.IntegerField(read_only=True)
    outcomes = serializers.SerializerMethodField(
        help_text="For a bulk replay: how its jobs stand now, by state."
    )

    class Meta:
        model = BulkRun
        fields = [
            "id", "url", "kind", "state", "connection", "total", "done", "percent", "message",
            "outcomes", "created_at", "finished_at",
        ]  # fmt: skip

    def get_url(self, obj) -> str:
        return reverse("api:run-detail", args=[obj.pk])

    @extend_schema_field(
        {
            "type": "object",
            "properties": {state: {"type": "integer"} for state in JobState.values},
            "nullable": True,
        }
    )
    def get_outcomes(self, obj):
        if obj.kind != BulkRun.Kind.REPLAY:
            return None
        return outcome_counts(obj.params.get("job_ids", []))


class BulkReplaySerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="Failed jobs matching the filter, now queued.")
    run = BulkRunSerializer(
        help_text="The run to follow (its url); one with nothing to do finishes at once."
    )
