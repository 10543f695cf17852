import secrets
import uuid

from django.db import models

from sandbox.models import FaultSwitches, OAuthApp


def new_row_version() -> str:
    """MYOB's RowVersion: a signed 64-bit number sent as a string, e.g. "-6933843581174022144"."""
    return str(secrets.randbits(64) - 2**63)


class MyobApiKey(OAuthApp):
    """A developer's API key (client id) with its secret, as registered at MYOB.

    MYOB limits calls per API key across every company file: 8 per second and a daily quota.
    """

    VENDOR = "myob"
    access_token_seconds = models.PositiveIntegerField(default=1200)
    per_second_limit = models.PositiveIntegerField(default=8)
    daily_limit = models.PositiveIntegerField(default=1_000_000)
    # Fixed one-second and one-day windows (UTC), counted under a row lock.
    second_window = models.BigIntegerField(default=0)
    second_count = models.PositiveIntegerField(default=0)
    day_window = models.BigIntegerField(default=0)
    day_count = models.PositiveIntegerField(default=0)


class MyobBusiness(FaultSwitches):
    """A company file (a "business" since 2025), reached at /accountright/{uid}/."""

    uid = models.UUIDField(unique=True, default=uuid.uuid4)
    name = models.CharField(max_length=100)
    serial_number = models.CharField(max_length=20, default="612345678901")
    country = models.CharField(max_length=2, default="AU")
    # Files whose users are not linked to the my.MYOB login need x-myobapi-cftoken.
    requires_cftoken = models.BooleanField(default=True)
    username = models.CharField(max_length=100, default="Administrator")
    password = models.CharField(max_length=100, blank=True)
    # The "Hybrid" invoice layout has no Freight fields: freight goes on a line instead.
    supports_freight = models.BooleanField(default=True)
    # Category tracking switched on as "required": every sale needs a Category.
    requires_category = models.BooleanField(default=False)
    next_invoice_number = models.PositiveIntegerField(default=1)
    # Whether $filter may name CustomerPurchaseOrderNumber (UNCONFIRMED at MYOB): switch it off
    # to see the connector fall back to scanning invoices by date.
    po_number_filterable = models.BooleanField(default=True)
    # MYOB's own fault switch; of the shared ones (FaultSwitches), a rate-limited call answers
    # 403 RateLimitError and a create-then-error 500.
    fault_conflicts = models.PositiveIntegerField(default=0)  # next N PUTs answer 409

    class Meta:
        verbose_name_plural = "businesses"

    def __str__(self):
        return f"{self.name} ({self.uid})"


class MyobRecord(models.Model):
    """One entity of a company file (a customer, an invoice, a tax code…). `data` holds the
    entity's own fields as MYOB shows them; identity and versioning live in columns."""

    business = models.ForeignKey(MyobBusiness, on_delete=models.CASCADE, related_name="records")
    resource = models.CharField(max_length=60)  # e.g. "Sale/Invoice/Item"
    uid = models.UUIDField(default=uuid.uuid4, unique=True)
    row_version = models.CharField(max_length=24, default=new_row_version)
    data = models.JSONField(default=dict)
    created = models.DateTimeField()
    last_modified = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["business", "resource"])]

    def __str__(self):
        return f"{self.resource} {self.uid}"


class MyobApiRequest(models.Model):
    """Every company-file call and its answer, so tests can see what reached "MYOB"."""

    api_key = models.CharField(max_length=100, blank=True)
    business_id = models.CharField(max_length=64, blank=True)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=300)
    status_code = models.PositiveSmallIntegerField()
    error_name = models.CharField(max_length=60, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.method} {self.path} → {self.status_code}"
