"""Acumatica's push notifications (System → Integration → Push Notifications, SM302000): the
shared secret each connection's receiver checks, and the notifications as they arrived."""

import secrets

from django.db import models

from tenants.fields import StrictEncryptedTextField


def new_push_secret() -> str:
    return secrets.token_urlsafe(32)


class PushReceiver(models.Model):
    """A connection's receiver: the header value Acumatica sends with each notification. Its own
    row, not a key of erp_secrets: the settings form replaces erp_secrets with its own fields on
    every save, which would silently change the secret pasted into Acumatica."""

    connection = models.OneToOneField(
        "tenants.Connection", on_delete=models.CASCADE, related_name="acumatica_push"
    )
    secret = StrictEncryptedTextField(default=new_push_secret, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    rotated_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"Acumatica push receiver of {self.connection_id}"


class NotificationState(models.TextChoices):
    RECEIVED = "received", "Received"  # stored; its catalog push not yet asked for
    PUSHED = "pushed", "Catalog push asked for"
    IGNORED = "ignored", "Ignored"  # nothing to do (the push is off, the connection paused)
    FAILED = "failed", "Failed"  # unreadable: kept for a person to see


class PushNotification(models.Model):
    """One notification as Acumatica sent it, stored before it is answered. Acumatica resends a
    notification it got no 2xx for with the same Id, so (connection, Id) is stored once."""

    connection = models.ForeignKey(
        "tenants.Connection", on_delete=models.CASCADE, related_name="acumatica_notifications"
    )
    tenant = models.ForeignKey("tenants.Tenant", on_delete=models.CASCADE, related_name="+")
    # Acumatica's Id (a GUID per data transaction); a malformed body's digest ("body:<sha1>").
    notification_id = models.CharField(max_length=80)
    query = models.CharField(max_length=200, blank=True)
    rows = models.PositiveIntegerField(default=0)  # Inserted + Deleted
    skus = models.JSONField(default=list, blank=True)  # the InventoryIDs named, for people
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
                fields=["connection", "notification_id"], name="acumatica_one_notification_per_id"
            )
        ]

    def __str__(self):
        return f"{self.query or 'notification'} {self.notification_id}"
