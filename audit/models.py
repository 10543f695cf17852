from django.db import models
from django.utils import timezone


class System(models.TextChoices):
    BIGCOMMERCE = "bigcommerce", "BigCommerce"
    MYOB = "myob", "MYOB"
    EXACT_ONLINE = "exact_online", "Exact Online"
    ACUMATICA = "acumatica", "Acumatica"
    BUSINESS_CENTRAL = "business_central", "Business Central"
    SYSPRO = "syspro", "SYSPRO"


class ApiCall(models.Model):
    """One attempt of one outside HTTP call, as sent and as answered, with secrets removed."""

    tenant = models.ForeignKey(
        "tenants.Tenant", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    connection = models.ForeignKey(
        "tenants.Connection",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="api_calls",
    )
    system = models.CharField(max_length=30, choices=System.choices, db_index=True)
    operation = models.CharField(max_length=100, db_index=True)
    method = models.CharField(max_length=10)
    url = models.TextField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True, db_index=True)
    duration_ms = models.PositiveIntegerField(default=0)
    attempt = models.PositiveSmallIntegerField(default=1)
    request_headers = models.JSONField(default=dict, blank=True)
    request_body = models.TextField(blank=True)
    response_headers = models.JSONField(default=dict, blank=True)
    response_body = models.TextField(blank=True)
    error_class = models.CharField(max_length=100, blank=True)
    error_message = models.TextField(blank=True)
    sync_job = models.ForeignKey(
        "audit.SyncJob", null=True, blank=True, on_delete=models.SET_NULL, related_name="api_calls"
    )
    # What made the call: "job:<id>", a task, "admin:test-connection", ...
    correlation_id = models.CharField(max_length=100, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["tenant", "-created_at"])]

    def __str__(self):
        return f"{self.method} {self.url} → {self.status_code or self.error_class or '…'}"

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and self.status_code < 400


class JobKind(models.TextChoices):
    ORDER = "order", "Order"
    CUSTOMER = "customer", "Customer"
    CUSTOMER_TO_STORE = "customer_to_store", "Customer, ERP → store"
    ITEM_TO_STORE = "item_to_store", "Item, ERP → store"


class JobState(models.TextChoices):
    PENDING = "pending", "Pending"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    SKIPPED = "skipped", "Skipped"


class Lane(models.TextChoices):
    LIVE = "live", "Live"
    BACKFILL = "backfill", "Backfill / catch-up"


class SyncJobQuerySet(models.QuerySet):
    def update(self, **fields):
        # The pipeline changes jobs with conditional UPDATEs, which auto_now never sees: every one
        # moves "Updated at" here (the job list sorts by it), unless it sets the field itself.
        fields.setdefault("updated_at", timezone.now())
        return super().update(**fields)


class SyncJob(models.Model):
    """One record (an order, a customer) moving from BigCommerce into the ERP."""

    connection = models.ForeignKey(
        "tenants.Connection", on_delete=models.CASCADE, related_name="sync_jobs"
    )
    tenant = models.ForeignKey("tenants.Tenant", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=JobKind.choices)
    source_id = models.CharField(max_length=64)
    state = models.CharField(
        max_length=20, choices=JobState.choices, default=JobState.PENDING, db_index=True
    )
    lane = models.CharField(max_length=10, choices=Lane.choices, default=Lane.LIVE)
    attempts = models.PositiveIntegerField(default=0)
    # Set when something asks for a run while one is under way: run once more afterwards.
    rerun_requested = models.BooleanField(default=False)
    last_error = models.TextField(blank=True)
    warnings = models.JSONField(default=list, blank=True)
    erp_document_id = models.CharField(max_length=100, blank=True, db_index=True)
    erp_document_number = models.CharField(max_length=100, blank=True)
    erp_customer_id = models.CharField(max_length=100, blank=True)
    # What the job saw: order status, payments and refunds recorded for the finance team.
    details = models.JSONField(default=dict, blank=True)
    source_modified_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # A run message is on its way, due at this time (cleared when a run claims the job): the
    # sweeper queues another only when this one is long overdue (lost with the broker).
    queued_for = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # The running run's lease (connectors/lease.py): a random token per claim, renewed by a
    # heartbeat while the run lives; once it lapses, another worker may take the job over.
    lease_owner = models.CharField(max_length=64, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    objects = SyncJobQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "kind", "source_id"], name="one_job_per_record"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.source_id}"


class SyncAttempt(models.Model):
    job = models.ForeignKey(SyncJob, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveIntegerField()
    trigger = models.CharField(max_length=30, blank=True)  # webhook, poll, replay, retry
    outcome = models.CharField(max_length=20, choices=JobState.choices, blank=True)
    error = models.TextField(blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-number"]

    def __str__(self):
        return f"attempt {self.number} of {self.job}"


class BulkRun(models.Model):
    """Long work a person started (a bulk replay, a backfill), with its progress."""

    class Kind(models.TextChoices):
        REPLAY = "replay", "Bulk replay"
        BACKFILL = "backfill", "Backfill"

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    tenant = models.ForeignKey("tenants.Tenant", on_delete=models.CASCADE, related_name="+")
    connection = models.ForeignKey(
        "tenants.Connection", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    state = models.CharField(max_length=20, choices=State.choices, default=State.QUEUED)
    params = models.JSONField(default=dict, blank=True)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)
    created_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.pk}"

    @property
    def percent(self) -> int:
        return 100 if not self.total else min(100, int(100 * self.done / self.total))
