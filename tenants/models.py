import secrets
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models

from connectors.registry import erp_choices
from tenants.fields import StrictEncryptedJSONField, StrictEncryptedTextField


class Tenant(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    ADMIN = "admin", "Admin"
    VIEWER = "viewer", "Viewer (read only)"


WRITE_ROLES = (Role.OWNER, Role.ADMIN)


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.VIEWER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "tenant"], name="one_membership_per_tenant")
        ]

    def __str__(self):
        return f"{self.user} — {self.tenant} ({self.get_role_display()})"


class ConnectionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    NEEDS_RECONNECT = "needs_reconnect", "Needs reconnecting"
    ERROR = "error", "Error"


def new_webhook_secret() -> str:
    return secrets.token_urlsafe(32)


def default_sync_status_ids() -> list[int]:
    # Left out: Incomplete (0, never paid), Cancelled (5), Declined (6) and Refunded (4): none
    # belongs in the ledger as a sale. An order refunded after it reached the ERP still has
    # its refund posted (sync.order_sync), whatever the ticks say.
    return [1, 2, 3, 7, 8, 9, 10, 11, 12, 13, 14]


store_hash_validator = RegexValidator(
    r"^[a-z0-9]{1,20}$", "A store hash is lower-case letters and digits, like 'abc123def'."
)


class Connection(models.Model):
    """One BigCommerce store joined to one ERP for a tenant."""

    # The public id: it is in the webhook URL, so it must not be guessable or sequential.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="connections")
    name = models.CharField(max_length=200)
    status = models.CharField(
        max_length=20, choices=ConnectionStatus.choices, default=ConnectionStatus.DRAFT
    )
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)

    # --- BigCommerce ---
    store_hash = models.CharField(
        max_length=20,
        validators=[store_hash_validator],
        help_text="BigCommerce control panel → Settings → Store-level API accounts: the API "
        "path shows it, e.g. https://api.bigcommerce.com/stores/{store hash}/v3/.",
    )
    bc_api_url = models.URLField(
        "BigCommerce API address",
        default="https://api.bigcommerce.com",
        help_text="Leave as it is unless you are pointing at the ml-connector sandbox.",
    )
    bc_client_id = models.CharField(
        "BigCommerce client ID",
        max_length=100,
        blank=True,
        help_text="From the API account's credentials file (Client ID).",
    )
    bc_access_token = StrictEncryptedTextField(
        "BigCommerce access token",
        help_text="From the API account's credentials file (Access token). Stored encrypted.",
    )
    bc_client_secret = StrictEncryptedTextField(
        "BigCommerce client secret",
        blank=True,
        default="",
        help_text="From the API account's credentials file (Client secret). BigCommerce signs "
        "webhooks with it. Stored encrypted.",
    )
    # Sent back by BigCommerce as a custom header on hooks we register: the fallback proof of
    # origin for store API accounts whose hooks are not signed.
    webhook_secret = StrictEncryptedTextField(default=new_webhook_secret, editable=False)

    # --- ERP ---
    erp_kind = models.CharField("ERP", max_length=30, choices=erp_choices)
    erp_settings = models.JSONField(default=dict, blank=True)
    erp_secrets = StrictEncryptedJSONField(default=dict, blank=True)

    # --- Sync cadence ---
    poll_interval_minutes = models.PositiveIntegerField(
        "Catch-up poll every (minutes)",
        default=15,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 60)],
        help_text="How often ml-connector asks BigCommerce for orders it may have missed. "
        "Webhooks deliver orders within seconds; this is the safety net.",
    )
    next_poll_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # BigCommerce order statuses that become ERP documents. The default leaves out Incomplete (0),
    # Cancelled (5) and Declined (6); some ERPs want "paid only" (e.g. 2, 10, 11).
    sync_status_ids = models.JSONField(
        "Order statuses to sync",
        default=default_sync_status_ids,
        blank=True,
        help_text="BigCommerce status ids that are sent to the ERP: 1 Pending, 2 Shipped, "
        "3 Partially Shipped, 4 Refunded, 7 Awaiting Payment, 8 Awaiting Pickup, 9 Awaiting "
        "Shipment, 10 Completed, 11 Awaiting Fulfillment, 12 Manual Verification Required, "
        "13 Disputed, 14 Partially Refunded.",
    )
    # What the hourly check found: {"checked_at", "hooks": [{"scope", "id", "is_active"}], "error"}.
    webhook_health = models.JSONField(default=dict, blank=True, editable=False)

    # Per stream: {"bc_orders": {"v": 1, "value": "..."}}; the version lets a format change
    # migrate a cursor instead of forcing a full resync.
    cursors = models.JSONField(default=dict, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["tenant__name", "name"]
        indexes = [models.Index(fields=["status", "next_poll_at"])]

    def __str__(self):
        return f"{self.name} ({self.get_erp_kind_display()})"


class OAuthToken(models.Model):
    """A connection's current token for one system. Refreshed only under a row lock."""

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="tokens")
    system = models.CharField(max_length=30)
    access_token = StrictEncryptedTextField(blank=True, default="")
    refresh_token = StrictEncryptedTextField(blank=True, default="")
    scope = models.TextField(blank=True)
    expires_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # When the current access token was issued: Exact Online refuses a refresh within 570 s.
    obtained_at = models.DateTimeField(null=True, blank=True)
    refresh_count = models.PositiveIntegerField(default=0)
    last_refresh_error = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["connection", "system"], name="one_token_per_system")
        ]

    def __str__(self):
        return f"{self.system} token for {self.connection_id}"


class ApiToken(models.Model):
    """A tenant's key to the REST API. Only a SHA-256 of the value is kept: shown once, at creation."""

    class Access(models.TextChoices):
        # A token never gets more than reading and the admin's write actions: no owner powers.
        ADMIN = Role.ADMIN.value, "Read and write"
        VIEWER = Role.VIEWER.value, "Read only"

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What uses it, e.g. 'Reporting script'.")
    role = models.CharField(max_length=10, choices=Access.choices, default=Access.VIEWER)
    # The first characters of the value, so people can tell their tokens apart.
    key_prefix = models.CharField(max_length=16, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API token"

    def __str__(self):
        return f"{self.name} ({self.key_prefix}…)"


class IdempotencyKey(models.Model):
    """The stored answer to a POST sent with an `Idempotency-Key`, replayed for repeats."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    # Whose key it is ("token:<id>" or "user:<id>"): two clients of one tenant never share keys.
    caller = models.CharField(max_length=40)
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    request_hash = models.CharField(max_length=64)
    # Null while the first request is still running.
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    # JSON text as first sent, so a replay is byte for byte the same answer.
    response_body = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "caller", "key", "method", "path"],
                name="one_answer_per_idempotency_key",
            )
        ]

    def __str__(self):
        return f"{self.method} {self.path} [{self.key}]"


class Invitation(models.Model):
    """An owner's offer of a role in their tenant to an e-mail address. It grants nothing until
    the person who reads that mailbox follows the e-mailed link and accepts. Only a SHA-256 of
    the link's secret is kept."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(help_text="They sign in with this address once they accept.")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.VIEWER)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(editable=False)
    accepted_at = models.DateTimeField(null=True, blank=True, editable=False)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.email} → {self.tenant} ({self.get_role_display()})"

    @property
    def state(self) -> str:
        from django.utils import timezone

        if self.accepted_at:
            return "accepted"
        if self.withdrawn_at:
            return "withdrawn"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"
