"""The pipeline's state: one job per record, its attempts, the bulk runs people start, and the
rows that keep runs fair (TenantTurn) and customers single (FindOrCreateClaim).

The tables keep the names they had when the audit and connectors apps held these models."""

from django.db import models
from django.utils import timezone


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
    """One record (an order, a customer) moving between BigCommerce and the ERP (sync/flows.py)."""

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
    # Why it failed, for grouping (connectors.causes): a machine-readable code and what it is
    # about (the SKU, the account), so "SKU X has no item — 3 orders" is exact, not text matching.
    error_cause = models.CharField(max_length=60, blank=True)
    error_subject = models.CharField(max_length=200, blank=True)
    # The order as the finance team knows it (order jobs): filled from the fetched order, so the
    # Orders view lists, searches and totals without reading the store again.
    placed_at = models.DateTimeField(null=True, blank=True)
    customer_name = models.CharField(max_length=200, blank=True)
    customer_email = models.CharField(max_length=254, blank=True)
    order_total = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    skus = models.TextField(blank=True)  # the order's SKUs, space-separated, for search
    source_modified_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # A run message is on its way, due at this time (cleared when a run claims the job): the
    # sweeper queues another only when this one is long overdue (lost with the broker).
    queued_for = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # The running run's lease (sync/lease.py): a random token per claim, renewed by a
    # heartbeat while the run lives; once it lapses, another worker may take the job over.
    lease_owner = models.CharField(max_length=64, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    objects = SyncJobQuerySet.as_manager()

    class Meta:
        db_table = "audit_syncjob"
        ordering = ["-updated_at", "-id"]
        # The dashboard's tiles and chart: one indexed query each (sync/dashboard.py).
        indexes = [
            # With the state: the received tile and the chart are answered from the index alone.
            models.Index(
                fields=["tenant", "kind", "created_at", "state"], name="job_tenant_received"
            ),
            models.Index(
                fields=["tenant", "kind", "state", "finished_at"], name="job_tenant_outcome"
            ),
            # One connection's dashboard: the same two, per connection.
            models.Index(
                fields=["connection", "kind", "created_at", "state"], name="job_conn_received"
            ),
            models.Index(
                fields=["connection", "kind", "state", "finished_at"], name="job_conn_outcome"
            ),
            models.Index(fields=["connection", "state", "error_cause"], name="job_conn_cause"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "kind", "source_id"], name="one_job_per_record"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.source_id}"


class OrderJobManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(kind=JobKind.ORDER)


class OrderJob(SyncJob):
    """An order job as the finance team sees it: the Orders view (sync/admin_orders.py)."""

    objects = OrderJobManager()

    class Meta:
        proxy = True
        verbose_name = "order"
        verbose_name_plural = "orders"


class SyncAttempt(models.Model):
    job = models.ForeignKey(SyncJob, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveIntegerField()
    trigger = models.CharField(max_length=30, blank=True)  # webhook, poll, replay, retry
    outcome = models.CharField(max_length=20, choices=JobState.choices, blank=True)
    error = models.TextField(blank=True)
    error_cause = models.CharField(max_length=60, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "audit_syncattempt"
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
        db_table = "audit_bulkrun"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.pk}"

    @property
    def percent(self) -> int:
        return 100 if not self.total else min(100, int(100 * self.done / self.total))


class TenantTurn(models.Model):
    """When a tenant's job last started: the fair choice gives the next run slot to the tenant
    whose turn is oldest, so one tenant's burst never queues the others behind it."""

    tenant = models.OneToOneField(
        "tenants.Tenant", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    last_turn_at = models.DateTimeField()

    class Meta:
        db_table = "connectors_tenantturn"

    def __str__(self):
        return f"{self.tenant_id} at {self.last_turn_at:%H:%M:%S}"


class FindOrCreateClaim(models.Model):
    """A lease on one find-or-create in an ERP, keyed "<connection id>:<customer identity>": the
    job holding it finds, then creates if need be; the others wait. A row, not a lock held across
    HTTP calls (on SQLite that would lock the whole database); a dead holder's lease lapses."""

    key = models.CharField(max_length=320, primary_key=True)
    holder = models.CharField(max_length=40)
    expires_at = models.DateTimeField()
    # The lease owner of the sync run holding it: once that run's lease lapses (its worker died or
    # froze) the claim is free at once, not only after `expires_at`.
    job_lease_owner = models.CharField(max_length=40, blank=True)

    class Meta:
        db_table = "connectors_findorcreateclaim"

    def __str__(self):
        return self.key
