import uuid

from django.db import models, transaction
from django.db.models import F

from sandbox.models import FaultSwitches, OAuthApp


class ExactApp(OAuthApp):
    """An app registered in Exact's App Center: client id, secret and redirect URI."""

    VENDOR = "exact_online"
    access_token_seconds = models.PositiveIntegerField(default=600)
    min_refresh_seconds = models.PositiveIntegerField(default=570)  # "Access token not expired"
    token_calls_per_day = models.PositiveIntegerField(default=200)


class ExactDivision(FaultSwitches):
    """An administration, reached at /api/v1/{code}/. Limits are counted per division."""

    code = models.PositiveIntegerField(unique=True)
    name = models.CharField(max_length=100)
    currency = models.CharField(max_length=3, default="EUR")
    minutely_limit = models.PositiveIntegerField(default=60)
    daily_limit = models.PositiveIntegerField(default=5000)
    # Tests shrink the "minute" (same code path, a shorter window).
    window_seconds = models.PositiveIntegerField(default=60)
    errors_per_hour = models.PositiveIntegerField(default=10)  # per endpoint, then blocked
    next_invoice_number = models.PositiveIntegerField(default=25000001)
    # Exact's own fault switches; of the shared ones (FaultSwitches), a rate-limited call answers
    # 429 and a create-then-error 503.
    fault_unauthorized = models.PositiveIntegerField(default=0)  # next N calls answer 401
    fault_server_errors = models.PositiveIntegerField(default=0)  # next N calls answer 503
    last_timestamp = models.BigIntegerField(default=0)  # the sync API's row version counter

    def __str__(self):
        return f"{self.code} {self.name}"


class ExactRecord(models.Model):
    """One entity of a division (an account, an invoice, a GL account…)."""

    division = models.ForeignKey(ExactDivision, on_delete=models.CASCADE, related_name="records")
    resource = models.CharField(max_length=60)  # e.g. "salesinvoice/SalesInvoices"
    guid = models.UUIDField(default=uuid.uuid4, unique=True)
    data = models.JSONField(default=dict)
    created = models.DateTimeField()
    modified = models.DateTimeField(db_index=True)
    # Exact's sync/ endpoints page on Timestamp, a row version that grows with every write.
    timestamp = models.BigIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["division", "resource"])]

    def __str__(self):
        return f"{self.resource} {self.guid}"

    def save(self, *args, **kwargs):
        with transaction.atomic():
            # The division's counter row stays locked until commit, so stamps never repeat.
            divisions = ExactDivision.objects.filter(pk=self.division_id)
            divisions.update(last_timestamp=F("last_timestamp") + 1)
            self.timestamp = divisions.values_list("last_timestamp", flat=True).get()
            super().save(*args, **kwargs)


class ExactApiRequest(models.Model):
    """Every REST call and its answer: the rate-limit and error-budget counters read these."""

    division = models.PositiveIntegerField(null=True, db_index=True)
    method = models.CharField(max_length=10)
    endpoint = models.CharField(max_length=120)
    status_code = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(db_index=True)

    def __str__(self):
        return f"{self.method} {self.endpoint} → {self.status_code}"
