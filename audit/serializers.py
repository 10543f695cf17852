"""Shapes of the calls API (output only: these records are written by the system)."""

from rest_framework import serializers

from audit.models import ApiCall


class ApiCallSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiCall
        fields = [
            "id", "connection", "system", "operation", "method", "url", "status_code",
            "duration_ms", "attempt", "error_class", "sync_job", "correlation_id", "created_at",
        ]  # fmt: skip


class ApiCallDetailSerializer(ApiCallSummarySerializer):
    """Headers and bodies as recorded, with every secret masked."""

    class Meta(ApiCallSummarySerializer.Meta):
        fields = [
            *ApiCallSummarySerializer.Meta.fields,
            "request_headers", "request_body", "response_headers", "response_body",
            "error_message",
        ]  # fmt: skip
