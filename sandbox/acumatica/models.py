"""The sandbox Acumatica's records: instances (a licence each), their tenants (companies) with
users, connected applications, sign-in sessions, entity records, long-running actions, every API
call (the licence's throttle counts them) and push notifications with their deliveries."""

import uuid

from django.db import models

from sandbox.models import FaultSwitches, OAuthApp


def default_versions():
    return ["23.200.001", "24.200.001"]


class AcuInstance(models.Model):
    """One Acumatica site at /sandbox/acumatica/<slug>/ (a connection's "Instance URL"), with
    its licence's Web Services API limits (License Monitoring Console, SM604000)."""

    slug = models.SlugField(max_length=60, unique=True)
    build = models.CharField(max_length=20, default="24.211.0012")
    versions = models.JSONField(default=default_versions)  # the Default endpoint versions served
    api_users = models.PositiveIntegerField(default=2)  # a trial licence's 2 API users
    # 0: no limit (a trial licence has none but the users). Tests shrink the "minute".
    requests_per_minute = models.PositiveIntegerField(default=0)
    concurrent = models.PositiveIntegerField(default=0)
    window_seconds = models.PositiveIntegerField(default=60)
    max_queue = models.PositiveIntegerField(default=20)  # more queued requests → 429
    session_idle_seconds = models.PositiveIntegerField(default=600)  # "closed after 10 minutes"
    utc_offset_minutes = models.IntegerField(default=0)  # the instance's time zone, in dates

    def __str__(self):
        return self.slug


class AcuTenant(FaultSwitches):
    """A tenant (company) of an instance: its records, numbering and reference lists."""

    instance = models.ForeignKey(AcuInstance, on_delete=models.CASCADE, related_name="tenants")
    name = models.CharField(max_length=60)
    # {"customer_classes": [...], "order_types": [...], "payment_methods": [...],
    #  "cash_accounts": [...], "warehouses": [...], "branches": [...]}
    reference = models.JSONField(default=dict)
    numbers = models.JSONField(default=dict)  # the last number per numbering sequence
    action_polls = models.PositiveIntegerField(default=1)  # status polls answered 202 first
    # The next N calls made with a bearer token find it expired (401).
    fault_expired_token = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["instance", "name"], name="acu_tenant_per_instance")
        ]

    def __str__(self):
        return f"{self.instance.slug}/{self.name}"


class AcuApp(OAuthApp):
    """A connected application (SM303010): client id `<GUID>@<Tenant>` and a shared secret."""

    VENDOR = "acumatica"
    tenant = models.ForeignKey(AcuTenant, on_delete=models.CASCADE, related_name="apps")
    access_token_seconds = models.PositiveIntegerField(default=3600)
    refresh_days = models.PositiveIntegerField(default=30)  # absolute expiry (1-60)


class AcuUser(models.Model):
    tenant = models.ForeignKey(AcuTenant, on_delete=models.CASCADE, related_name="users")
    username = models.CharField(max_length=60)
    password = models.CharField(max_length=100)  # a sandbox's test users: kept as set
    branch = models.CharField(max_length=30, default="MAIN")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "username"], name="acu_user_per_tenant")
        ]

    def __str__(self):
        return f"{self.username}@{self.tenant.name}"


class AcuSession(models.Model):
    """An API session: a cookie sign-in, or an OAuth grant (one session per grant, its refreshes
    included). Live while used within the instance's idle time and not signed out."""

    instance = models.ForeignKey(AcuInstance, on_delete=models.CASCADE, related_name="sessions")
    tenant = models.ForeignKey(AcuTenant, on_delete=models.CASCADE, related_name="sessions")
    user = models.ForeignKey(AcuUser, null=True, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100, unique=True)  # the .ASPXAUTH cookie
    chain = models.UUIDField(null=True, db_index=True)  # the OAuth grant's token chain
    branch = models.CharField(max_length=30, blank=True)
    last_seen = models.DateTimeField()
    ended = models.BooleanField(default=False)

    def __str__(self):
        return f"session {self.pk} ({self.tenant})"


class AcuRecord(models.Model):
    """One entity (Customer, SalesOrder, StockItem…) as the API shows it: wrapped values."""

    tenant = models.ForeignKey(AcuTenant, on_delete=models.CASCADE, related_name="records")
    entity = models.CharField(max_length=60)
    guid = models.UUIDField(default=uuid.uuid4, unique=True)
    keys = models.CharField(max_length=200)  # the key fields' values joined by "/"
    data = models.JSONField(default=dict)
    created = models.DateTimeField()
    modified = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["tenant", "entity", "keys"])]

    def __str__(self):
        return f"{self.entity} {self.keys}"


class AcuAction(models.Model):
    """A long-running action (POST <Entity>/<Action>): polled at its status address."""

    guid = models.UUIDField(default=uuid.uuid4, unique=True)
    tenant = models.ForeignKey(AcuTenant, on_delete=models.CASCADE, related_name="actions")
    entity = models.CharField(max_length=60)
    action = models.CharField(max_length=60)
    polls_left = models.PositiveIntegerField(default=1)
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.entity}/{self.action} {self.guid}"


class AcuCall(models.Model):
    """Every API call, with its place in the licence's queue: queued (delayed or waiting for a
    processing core), running, done."""

    instance = models.ForeignKey(AcuInstance, on_delete=models.CASCADE, related_name="calls")
    tenant = models.ForeignKey(AcuTenant, null=True, on_delete=models.CASCADE, related_name="+")
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=200)
    state = models.CharField(max_length=10, default="queued")
    status_code = models.PositiveSmallIntegerField(default=0)
    delay_ms = models.PositiveIntegerField(default=0)  # how long the licence held it back
    created_at = models.DateTimeField(db_index=True)
    started_at = models.DateTimeField(null=True, db_index=True)

    def __str__(self):
        return f"{self.method} {self.path} → {self.status_code}"


class AcuPushNotification(models.Model):
    """A push notification (SM302000): a data query's changes POSTed to an address with one
    configured header (the shared secret)."""

    tenant = models.ForeignKey(AcuTenant, on_delete=models.CASCADE, related_name="notifications")
    query_name = models.CharField(max_length=100)  # e.g. "ML-StockItems"
    address = models.CharField(max_length=500)
    header_name = models.CharField(max_length=100, blank=True)
    header_value = models.CharField(max_length=500, blank=True)
    active = models.BooleanField(default=True)
    max_attempts = models.PositiveSmallIntegerField(default=5)
    drop_rate = models.FloatField(default=0.0)  # fault: share of notifications never sent

    def __str__(self):
        return f"{self.query_name} → {self.address}"


class AcuPushDelivery(models.Model):
    """One notification sent (or dropped): its payload and how its attempts went."""

    notification = models.ForeignKey(
        AcuPushNotification, on_delete=models.CASCADE, related_name="deliveries"
    )
    message_id = models.UUIDField(default=uuid.uuid4)  # the payload's "Id"
    payload = models.JSONField(default=dict)
    attempts = models.PositiveSmallIntegerField(default=0)
    status_code = models.PositiveSmallIntegerField(null=True)
    delivered = models.BooleanField(default=False)
    dropped = models.BooleanField(default=False)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.notification} {self.message_id}"
