"""Shapes of the events API."""

from rest_framework import serializers

from webhooks.models import InboundEvent


class InboundEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = InboundEvent
        fields = [
            "id", "connection", "source", "scope", "resource_type", "resource_id", "state",
            "last_error", "received_at", "dispatched_at", "processed_at",
        ]  # fmt: skip


class InboundEventDetailSerializer(InboundEventSerializer):
    """With the body as received and the headers as kept (signatures redacted at intake)."""

    class Meta(InboundEventSerializer.Meta):
        fields = [*InboundEventSerializer.Meta.fields, "dedupe_key", "payload", "headers"]
