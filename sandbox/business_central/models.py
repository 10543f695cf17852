"""The sandbox Business Central's records: Entra tenants with their registered apps, BC
environments (with the per-user API limits and fault switches) and their companies, every
entity as the API v2.0 pages show it (BcRecord), every write (BcChange, which webhook
subscriptions read), subscriptions with their delivery attempts, every API call (the limits
count them) and the sandbox clock's offset."""

import uuid

from django.db import models

from sandbox.models import FaultSwitches, OAuthApp


class BcTenant(models.Model):
    """A Microsoft Entra tenant (directory): its id is the URL's tenant segment; its domain
    (e.g. contoso.onmicrosoft.com) is accepted there too."""

    entra_id = models.UUIDField(default=uuid.uuid4, unique=True)
    name = models.CharField(max_length=100, unique=True)  # the directory's domain

    def __str__(self):
        return self.name


class BcApp(OAuthApp):
    """An app registration in the tenant (client id a GUID string, a client secret) and whether
    it is on BC's "Microsoft Entra Applications" page, Enabled, with permission sets."""

    VENDOR = "business_central"
    tenant = models.ForeignKey(BcTenant, on_delete=models.CASCADE, related_name="apps")
    bc_access = models.BooleanField(default=True)
    # Entra's fault switches: the next N token calls answer 503 temporarily_unavailable; every
    # token call waits this long first.
    fault_entra_unavailable = models.PositiveIntegerField(default=0)
    fault_entra_latency_ms = models.PositiveIntegerField(default=0)


class BcEnvironment(FaultSwitches):
    """An environment ("Production", "Sandbox") with the online API limits, which apply per user
    (an app principal counts as one): 6,000 requests per 5-minute sliding window, 5 running
    at once with 95 more queued; more → 429."""

    tenant = models.ForeignKey(BcTenant, on_delete=models.CASCADE, related_name="environments")
    name = models.CharField(max_length=30)
    requests_per_window = models.PositiveIntegerField(default=6000)
    window_seconds = models.PositiveIntegerField(default=300)
    concurrent = models.PositiveIntegerField(default=5)
    queue = models.PositiveIntegerField(default=95)
    max_page_size = models.PositiveIntegerField(default=20_000)  # server-driven paging
    # The next N calls answer 503 with Retry-After: fault_retry_after seconds.
    fault_unavailable = models.PositiveIntegerField(default=0)
    fault_retry_after = models.PositiveIntegerField(default=5)
    # The next N webhook handshakes time out, as a subscriber that never answers
    # (sandbox/business_central/notify.py).
    fault_handshake_timeout = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "name"], name="bc_environment_per_tenant")
        ]

    def __str__(self):
        return f"{self.tenant.name}/{self.name}"


class BcCompany(models.Model):
    """A company of an environment: its records and number series live under it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    environment = models.ForeignKey(
        BcEnvironment, on_delete=models.CASCADE, related_name="companies"
    )
    name = models.CharField(max_length=30)
    display_name = models.CharField(max_length=250, blank=True)
    numbers = models.JSONField(default=dict)  # the last number used per number series

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["environment", "name"], name="bc_company_per_env")
        ]

    def __str__(self):
        return self.name


class BcRecord(models.Model):
    """One entity of an API v2.0 entity set ("customers", "salesInvoices"…): `data` holds its
    fields as the API shows them, a document's lines inside it under their navigation property
    ("salesInvoiceLines"); keys starting with "_" are the sandbox's own (e.g. a tax area's
    rate) and never shown. `version` makes the ETag."""

    company = models.ForeignKey(BcCompany, on_delete=models.CASCADE, related_name="records")
    entity_set = models.CharField(max_length=40)
    record_id = models.UUIDField(default=uuid.uuid4)
    number = models.CharField(max_length=40, blank=True)
    data = models.JSONField(default=dict)
    version = models.PositiveIntegerField(default=1)
    last_modified = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["company", "entity_set", "record_id"], name="bc_record_id_per_set"
            )
        ]
        indexes = [models.Index(fields=["company", "entity_set", "number"])]

    def __str__(self):
        return f"{self.entity_set} {self.number or self.record_id}"


class BcChange(models.Model):
    """One write to a record (through the API or the services), appended in the same
    transaction: what webhook subscriptions notify about."""

    class Type(models.TextChoices):
        CREATED = "created"
        UPDATED = "updated"
        DELETED = "deleted"

    company = models.ForeignKey(BcCompany, on_delete=models.CASCADE, related_name="changes")
    entity_set = models.CharField(max_length=40)
    record_id = models.UUIDField()
    change_type = models.CharField(max_length=10, choices=Type.choices)
    at = models.DateTimeField(db_index=True)

    def __str__(self):
        return f"{self.entity_set}({self.record_id}) {self.change_type}"


class BcSubscription(models.Model):
    """A webhook subscription (POST api/v2.0/subscriptions): expires three days after its
    creation or last renewal; deleted after too many failed deliveries."""

    environment = models.ForeignKey(
        BcEnvironment, on_delete=models.CASCADE, related_name="subscriptions"
    )
    subscription_id = models.CharField(max_length=100, unique=True)
    app = models.ForeignKey(BcApp, null=True, on_delete=models.SET_NULL, related_name="+")
    notification_url = models.CharField(max_length=1000)
    resource = models.CharField(max_length=500)
    client_state = models.CharField(max_length=2048, blank=True)
    expiration = models.DateTimeField()
    version = models.PositiveIntegerField(default=1)
    created = models.DateTimeField()
    modified = models.DateTimeField()
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # The last BcChange delivered (or made before the subscription): the sender's cursor.
    notified_through = models.PositiveBigIntegerField(default=0)

    def __str__(self):
        return f"{self.subscription_id} → {self.resource}"


class BcNotificationAttempt(models.Model):
    """One delivery of notifications to a subscriber (or the validation handshake): kept after
    the subscription is deleted, so tests can see why it was."""

    subscription = models.ForeignKey(
        BcSubscription, null=True, on_delete=models.SET_NULL, related_name="attempts"
    )
    subscription_ref = models.CharField(max_length=100, blank=True)  # its subscription_id
    url = models.CharField(max_length=1000)
    status = models.PositiveSmallIntegerField(null=True, blank=True)  # None: no answer
    error = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField(db_index=True)

    def __str__(self):
        return f"{self.url} → {self.status or self.error}"


class BcCall(models.Model):
    """Every API call of an app principal, with its place in the limits: queued (waiting for
    one of the concurrent slots), running, done."""

    environment = models.ForeignKey(BcEnvironment, on_delete=models.CASCADE, related_name="calls")
    app = models.ForeignKey(BcApp, null=True, on_delete=models.CASCADE, related_name="+")
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=300)
    state = models.CharField(max_length=10, default="queued")
    status_code = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(db_index=True)
    started_at = models.DateTimeField(null=True, db_index=True)

    def __str__(self):
        return f"{self.method} {self.path} → {self.status_code}"


class BcClock(models.Model):
    """The sandbox clock's offset from real time (one row), in the database so every server
    thread and worker process reads the same time."""

    offset_seconds = models.FloatField(default=0.0)

    def __str__(self):
        return f"clock {self.offset_seconds:+.0f} s"
