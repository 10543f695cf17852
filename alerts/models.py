"""Where a tenant is told (channels), what it was told about (incidents) and each message sent.

One incident per tenant, rule and subject (an order, a connection) while it is open: the same
failure seen again adds to it and sends nothing; when it clears it is resolved, and a later
failure is a new incident."""

import base64
import secrets

from django.db import models
from django.db.models import Q

from tenants.fields import StrictEncryptedTextField


def new_signing_secret() -> str:
    """A Standard Webhooks secret: `whsec_` and 24 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


class Rule(models.TextChoices):
    JOB_FAILED = "job_failed", "An order or record failed for good"
    NO_ORDERS = "no_orders", "No orders received for a while"
    RECONNECT = "reconnect", "A connection needs reconnecting"
    WEBHOOKS_OFF = "webhooks_off", "The store stopped sending orders (webhooks off)"
    CATALOG_HELD = "catalog_held", "A price update was stopped for checking"


class AlertChannel(models.Model):
    class Kind(models.TextChoices):
        EMAIL = "email", "E-mail"
        SLACK = "slack", "Slack"
        WEBHOOK = "webhook", "Signed webhook (for your own systems)"

    tenant = models.ForeignKey("tenants.Tenant", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=100, help_text="For you, e.g. 'Accounts team'.")
    kind = models.CharField("Send by", max_length=10, choices=Kind.choices)
    active = models.BooleanField("On", default=True)
    email_addresses = models.TextField(
        "E-mail addresses",
        blank=True,
        help_text="One or more addresses, separated by commas or new lines.",
    )
    # Slack's incoming-webhook address is itself the credential: anyone holding it can post.
    url = StrictEncryptedTextField(
        "Address",
        blank=True,
        default="",
        help_text="Slack: the incoming webhook address (https://hooks.slack.com/services/…). "
        "Signed webhook: the https:// address of your system that receives our messages. "
        "Stored encrypted.",
    )
    signing_secret = StrictEncryptedTextField(default=new_signing_secret, editable=False)

    on_job_failed = models.BooleanField("An order failed for good", default=True)
    on_no_orders = models.BooleanField("No orders received", default=True)
    no_orders_hours = models.PositiveSmallIntegerField(
        "No orders for (business hours)",
        default=4,
        help_text="Business hours are Monday to Friday, 9:00 to 17:00.",
    )
    on_reconnect = models.BooleanField("A connection needs reconnecting", default=True)
    on_webhooks_off = models.BooleanField("The store stopped sending orders", default=True)
    on_catalog_held = models.BooleanField("A price update was stopped for checking", default=True)
    daily_digest = models.BooleanField(
        "Daily summary", default=True, help_text="Every morning: yesterday's orders and totals."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["tenant__name", "name"]
        verbose_name = "alert channel"

    def __str__(self):
        return f"{self.name} ({self.get_kind_display()})"

    def wants(self, rule: str) -> bool:
        return bool(getattr(self, f"on_{rule}", False))

    @property
    def addresses(self) -> list[str]:
        text = self.email_addresses.replace("\n", ",").replace(";", ",")
        return [a.strip() for a in text.split(",") if a.strip()]


class Incident(models.Model):
    class State(models.TextChoices):
        OPEN = "open", "Open"
        RESOLVED = "resolved", "Resolved"

    tenant = models.ForeignKey("tenants.Tenant", on_delete=models.CASCADE, related_name="+")
    connection = models.ForeignKey(
        "tenants.Connection", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    rule = models.CharField(max_length=20, choices=Rule.choices)
    # What it is about, within its rule: a job id, a connection id, a catalog push id.
    subject = models.CharField(max_length=100)
    key = models.CharField(max_length=200)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    title = models.CharField(max_length=300)
    detail = models.TextField(blank=True)
    seen = models.PositiveIntegerField("Times seen", default=1)
    opened_at = models.DateTimeField(auto_now_add=True, db_index=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "key"], condition=Q(state="open"), name="one_open_incident"
            )
        ]
        indexes = [models.Index(fields=["state", "rule"])]

    def __str__(self):
        return self.title


class AlertMessage(models.Model):
    class Kind(models.TextChoices):
        OPENED = "opened", "Alert"
        RESOLVED = "resolved", "Cleared"
        SUMMARY = "summary", "Summary of further alerts"
        DIGEST = "digest", "Daily summary"
        TEST = "test", "Test message"

    class State(models.TextChoices):
        QUEUED = "queued", "Being sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Could not be sent"
        # Inside the rule's quiet period: told in the next summary instead of on its own.
        HELD = "held", "Held for the next summary"
        SUMMARISED = "summarised", "Sent in a summary"

    tenant = models.ForeignKey("tenants.Tenant", on_delete=models.CASCADE, related_name="+")
    channel = models.ForeignKey(AlertChannel, on_delete=models.CASCADE, related_name="messages")
    incident = models.ForeignKey(
        Incident, null=True, blank=True, on_delete=models.CASCADE, related_name="messages"
    )
    rule = models.CharField(max_length=20, blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # The local date a daily summary covers: one per channel and day.
    digest_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["channel", "rule", "created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "digest_date"],
                condition=Q(kind="digest"),
                name="one_digest_per_channel_and_day",
            )
        ]

    def __str__(self):
        return self.subject
