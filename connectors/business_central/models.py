"""Business Central's change notifications (API v2.0 webhook subscriptions): each connection's
shared secret (the clientState), the subscriptions we hold for its company, and the notification
batches as they arrived."""

import secrets

from django.db import models

from tenants.fields import StrictEncryptedTextField

# Prefixed so a leaked value is recognisable in a log or a support ticket (and by the tests'
# secret scan); BC accepts any string of at most 2048 characters as clientState.
CLIENT_STATE_PREFIX = "mlc-bcstate-"


def new_client_state() -> str:
    return CLIENT_STATE_PREFIX + secrets.token_urlsafe(32)


class NotificationReceiver(models.Model):
    """A connection's receiver: the clientState its subscriptions carry, and how the last pass
    over its subscriptions went (the health line the admin shows).

    Its own row, not a key of erp_secrets: the settings form replaces erp_secrets with its own
    fields on every save, which would silently change the secret BC sends back."""

    connection = models.OneToOneField(
        "tenants.Connection", on_delete=models.CASCADE, related_name="bc_receiver"
    )
    client_state = StrictEncryptedTextField(default=new_client_state, editable=False)
    checked_at = models.DateTimeField(null=True, blank=True)  # the last create/renew pass
    error = models.TextField(blank=True)  # what that pass could not do, in plain words
    last_notification_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"Business Central receiver of {self.connection_id}"


class Subscription(models.Model):
    """One subscription we hold in BC for the connection's company (entity: items, customers)."""

    connection = models.ForeignKey(
        "tenants.Connection", on_delete=models.CASCADE, related_name="bc_subscriptions"
    )
    entity = models.CharField(max_length=30)
    subscription_id = models.CharField(max_length=150)
    resource = models.CharField(max_length=300)
    etag = models.CharField(max_length=300, blank=True)
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField()  # when BC created this one (a recreation starts again)
    renewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "entity"], name="bc_one_subscription_per_entity"
            )
        ]

    def __str__(self):
        return f"{self.entity} subscription {self.subscription_id}"


class NotificationState(models.TextChoices):
    RECEIVED = "received", "Received"  # stored; not yet handed over
    PROCESSED = "processed", "Handed over"  # jobs and a catalog push asked for
    IGNORED = "ignored", "Ignored"  # nothing to do (the connection paused, another company)
    REFUSED = "refused", "Refused"  # no notification carried our clientState
    FAILED = "failed", "Failed"  # unreadable: kept for a person to see


class Notification(models.Model):
    """One POST from BC as it arrived, stored before it is answered: `{"value": [...]}` with
    each notification's clientState taken out (checked, never kept)."""

    connection = models.ForeignKey(
        "tenants.Connection", on_delete=models.CASCADE, related_name="bc_notifications"
    )
    tenant = models.ForeignKey("tenants.Tenant", on_delete=models.CASCADE, related_name="+")
    # SHA-1 of the body: BC's retry of an unanswered POST sends the same body, stored once.
    digest = models.CharField(max_length=40)
    count = models.PositiveIntegerField(default=0)  # notifications with our clientState
    refused = models.PositiveIntegerField(default=0)  # notifications with another clientState
    entities = models.JSONField(default=list, blank=True)  # e.g. ["customers", "items"]
    payload = models.JSONField(null=True, blank=True)
    body = models.TextField(blank=True)  # a malformed body as text (cut short), for people
    state = models.CharField(
        max_length=20, choices=NotificationState.choices, default=NotificationState.RECEIVED
    )
    note = models.CharField(max_length=300, blank=True)
    push = models.ForeignKey(
        "catalog.CatalogPush", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "digest"], name="bc_one_notification_per_body"
            )
        ]

    def __str__(self):
        return f"{self.count} notification(s) {self.digest[:10]}"
