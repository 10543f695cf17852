"""A month-end check of one connection: the store's own order list against the ERP's own
document list, for one period, with what did not match."""

from django.db import models


class FindingKind(models.TextChoices):
    # In the order the report lists them: what costs money first.
    MISSING = "missing", "Missing in the ERP"
    TOTAL = "total", "Totals differ"
    DUPLICATE = "duplicate", "In the ERP twice"
    SKIPPED = "skipped", "Not sent (order status)"


class ReconciliationRun(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Stopped"

    class Trigger(models.TextChoices):
        MANUAL = "manual", "Started by a person"
        NIGHTLY = "nightly", "Nightly"

    tenant = models.ForeignKey("tenants.Tenant", on_delete=models.CASCADE, related_name="+")
    connection = models.ForeignKey(
        "tenants.Connection", on_delete=models.CASCADE, related_name="reconciliation_runs"
    )
    period_start = models.DateField("From")
    period_end = models.DateField("To (inclusive)")
    trigger = models.CharField(max_length=10, choices=Trigger.choices, default=Trigger.MANUAL)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    message = models.TextField(blank=True)
    # Progress: store orders compared so far, out of those the store listed.
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    store_orders = models.PositiveIntegerField(default=0)
    erp_documents = models.PositiveIntegerField(default=0)
    matched = models.PositiveIntegerField(default=0)
    # What needs a person (nightly runs: alerts read this).
    finding_count = models.PositiveIntegerField(default=0)
    store_total = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    erp_total = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    store_calls = models.PositiveIntegerField(default=0)
    erp_calls = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["connection", "-created_at"])]
        verbose_name = "reconciliation"
        verbose_name_plural = "reconciliations"

    def __str__(self):
        return f"{self.connection} {self.period_start:%d %b %Y} to {self.period_end:%d %b %Y}"

    @property
    def percent(self) -> int:
        return 100 if not self.total else min(100, int(100 * self.done / self.total))

    @property
    def correlation(self) -> str:
        """What the run's outside calls are tagged with in the API call log."""
        return f"reconciliation:{self.pk}"


class ReconciliationFinding(models.Model):
    run = models.ForeignKey(ReconciliationRun, on_delete=models.CASCADE, related_name="findings")
    order_id = models.CharField("Order", max_length=64)
    kind = models.CharField(max_length=10, choices=FindingKind.choices)
    order_date = models.DateTimeField(null=True, blank=True)
    order_status = models.CharField(max_length=60, blank=True)
    store_total = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    erp_total = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    erp_documents = models.CharField("ERP document(s)", max_length=300, blank=True)
    note = models.TextField(blank=True)
    # What a person did about it: the order's job (backfill or replay) and when.
    resolved_job = models.ForeignKey(
        "sync.SyncJob", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_run = models.ForeignKey(
        "sync.BulkRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["kind", "order_id"]
        indexes = [models.Index(fields=["run", "kind"])]

    def __str__(self):
        return f"order {self.order_id}: {self.get_kind_display()}"
