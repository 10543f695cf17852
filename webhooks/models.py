from django.db import models


class EventState(models.TextChoices):
    RECEIVED = "received", "Received"  # stored; not yet handed to a worker
    DISPATCHED = "dispatched", "Dispatched"  # queued for a worker
    PROCESSED = "processed", "Processed"  # turned into sync jobs
    IGNORED = "ignored", "Ignored"  # nothing to do for this scope
    FAILED = "failed", "Failed"


class InboundEvent(models.Model):
    """A webhook as it arrived, stored before anything else happens (nothing lost)."""

    connection = models.ForeignKey(
        "tenants.Connection", on_delete=models.CASCADE, related_name="inbound_events"
    )
    tenant = models.ForeignKey("tenants.Tenant", on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=30, default="bigcommerce")
    scope = models.CharField(max_length=100, db_index=True)
    # Redeliveries of one event carry the same key, so storing it twice is a no-op.
    dedupe_key = models.CharField(max_length=100)
    resource_type = models.CharField(max_length=30, blank=True)
    resource_id = models.CharField(max_length=64, blank=True, db_index=True)
    payload = models.JSONField()
    headers = models.JSONField(default=dict, blank=True)
    state = models.CharField(
        max_length=20, choices=EventState.choices, default=EventState.RECEIVED, db_index=True
    )
    last_error = models.TextField(blank=True)
    # Why an event asked for nothing, when that is worth saying (our own catalog write echoing
    # back, a person's edit in the store).
    note = models.CharField(max_length=300, blank=True)
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["connection", "dedupe_key"], name="one_event_per_key")
        ]
        indexes = [models.Index(fields=["state", "received_at"])]

    def __str__(self):
        return f"{self.scope} {self.resource_type} {self.resource_id}"
