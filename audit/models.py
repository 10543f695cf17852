from django.db import models


class System(models.TextChoices):
    BIGCOMMERCE = "bigcommerce", "BigCommerce"
    MYOB = "myob", "MYOB"
    EXACT_ONLINE = "exact_online", "Exact Online"
    ACUMATICA = "acumatica", "Acumatica"
    BUSINESS_CENTRAL = "business_central", "Business Central"
    SYSPRO = "syspro", "SYSPRO"
    # The alerts a tenant is sent (alerts/delivery.py): outside calls like any other.
    SLACK = "slack", "Slack (alerts)"
    WEBHOOK = "webhook", "Signed webhook (alerts)"
    EMAIL = "email", "E-mail (alerts)"


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
        "sync.SyncJob", null=True, blank=True, on_delete=models.SET_NULL, related_name="api_calls"
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
