"""The catalog push: an ERP's prices, cost and stock written to the store's catalog by SKU.

One `CatalogSettings` per connection says what is pushed and when; each run is a `CatalogPush`
(planned, maybe held or previewed, then written); its writes are `CatalogBatch`es, each run as one
SyncJob of kind item_to_store (so claimed, retried, audited and replayable like any job)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

# The ERP items stream's cursor (tenants/cursors.py): the catalog push owns it, and moves it when
# a run starts writing.
ITEMS_CURSOR = "erp_items"
PERCENT = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))]


class PushField(models.TextChoices):
    """What a push may write; the keys of a run's counts and of a link's pushed values (stock is
    kept per store location there, as "stock@<location id>")."""

    PRICE = "price", "Price"
    SALE_PRICE = "sale_price", "Sale price"
    COST = "cost", "Cost"
    STOCK = "stock", "Stock"


class CatalogSettings(models.Model):
    connection = models.OneToOneField(
        "tenants.Connection", on_delete=models.CASCADE, related_name="catalog_settings"
    )
    enabled = models.BooleanField(
        default=False, help_text="Push the ERP's prices, cost and stock to the store's catalog."
    )
    push_price = models.BooleanField(default=True)
    push_sale_price = models.BooleanField(default=True)
    push_cost = models.BooleanField(default=True)
    push_stock = models.BooleanField(default=True)
    # {ERP warehouse code: store location id}. Empty: every warehouse's stock, summed, goes to the
    # store's default location. Warehouses left out of a non-empty map are not pushed.
    location_map = models.JSONField(default=dict, blank=True)
    stock_buffer = models.PositiveIntegerField(
        default=0, help_text="Units held back from the store at each location (never below 0)."
    )
    interval_minutes = models.PositiveIntegerField(
        default=0, help_text="Push every this many minutes; 0: only when a person starts it."
    )
    guard_share = models.DecimalField(
        max_digits=5, decimal_places=2, default=Decimal(10), validators=PERCENT,
        help_text="A run stops for confirmation when more than this % of the catalog's prices…",
    )  # fmt: skip
    guard_change = models.DecimalField(
        max_digits=6, decimal_places=2, default=Decimal(25), validators=[MinValueValidator(0)],
        help_text="…would move by more than this %.",
    )  # fmt: skip
    # When the store's whole catalog was last read into the links (catalog_listed_at), and when
    # it was last read at all: a later miss reads only the products modified since.
    catalog_listed_at = models.DateTimeField(null=True, blank=True)
    store_read_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "catalog push settings"
        verbose_name_plural = "catalog push settings"

    def __str__(self):
        return f"Catalog push of {self.connection}"

    def fields(self) -> list[str]:
        """The fields this connection pushes, in PushField's order."""
        chosen = {
            PushField.PRICE: self.push_price, PushField.SALE_PRICE: self.push_sale_price,
            PushField.COST: self.push_cost, PushField.STOCK: self.push_stock,
        }  # fmt: skip
        return [field for field, on in chosen.items() if on]


class Trigger(models.TextChoices):
    MANUAL = "manual", "By hand"
    SCHEDULE = "schedule", "On the schedule"
    SIGNAL = "signal", "The ERP's change signal"


class PushState(models.TextChoices):
    PLANNING = "planning", "Planning"
    PREVIEW = "preview", "Preview (dry run)"
    HELD = "held", "Held for confirmation"
    WRITING = "writing", "Writing"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


# A push in one of these states is the connection's one push under way: another start joins it.
ACTIVE_STATES = (PushState.PLANNING, PushState.HELD, PushState.WRITING)
# States a person acts on: confirm writes the plan, cancel drops it.
WAITING_STATES = (PushState.PREVIEW, PushState.HELD)


class CatalogPush(models.Model):
    connection = models.ForeignKey(
        "tenants.Connection", on_delete=models.CASCADE, related_name="catalog_pushes"
    )
    tenant = models.ForeignKey("tenants.Tenant", on_delete=models.CASCADE, related_name="+")
    trigger = models.CharField(max_length=10, choices=Trigger.choices)
    dry_run = models.BooleanField(default=False)
    state = models.CharField(
        max_length=10, choices=PushState.choices, default=PushState.PLANNING, db_index=True
    )
    # The ERP changes this run reads: after `since` (None: every item, the first run) up to
    # `until`, which becomes the next run's `since` once this one writes.
    since = models.DateTimeField(null=True, blank=True)
    until = models.DateTimeField(null=True, blank=True)
    planned_at = models.DateTimeField(null=True, blank=True)
    plan_tries = models.PositiveSmallIntegerField(default=0)  # plans cut short by a passing fault
    items_read = models.PositiveIntegerField(default=0)  # ERP records read (newest per SKU)
    # {field: rows that change it}, e.g. {"price": 12, "stock": 40}.
    counts = models.JSONField(default=dict, blank=True)
    # Up to SAMPLE_ROWS of [{"sku", "field", "before", "after"}] for the preview.
    sample = models.JSONField(default=list, blank=True)
    # [{"sku", "problem", "reason"}]: SKUs the store lacks, duplicates, stock not tracked…
    problems = models.JSONField(default=list, blank=True)
    # The price moves that held the run: [{"sku", "before", "after", "change"}] (percent).
    guard_moves = models.JSONField(default=list, blank=True)
    batches_total = models.PositiveIntegerField(default=0)
    batches_done = models.PositiveIntegerField(default=0)
    batches_failed = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)  # in words a finance person understands
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )  # who confirmed or cancelled a preview or a held run
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "catalog pushes"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["connection", "state"], name="catalog_push_state")]

    def __str__(self):
        return f"Catalog push {self.pk} ({self.get_state_display().lower()})"

    @property
    def percent(self) -> int:
        if not self.batches_total:
            return 100 if self.state == PushState.DONE else 0
        ended = self.batches_done + self.batches_failed
        return min(100, int(100 * ended / self.batches_total))


class BatchKind(models.TextChoices):
    PRODUCTS = "products", "Products"  # PUT /v3/catalog/products, up to 10
    VARIANTS = "variants", "Variants"  # PUT /v3/catalog/variants, up to 50
    INVENTORY = "inventory", "Inventory"  # PUT /v3/inventory/adjustments/absolute, up to 2,000


class BatchState(models.TextChoices):
    PLANNED = "planned", "Planned"  # written only once the push writes
    QUEUED = "queued", "Queued"  # its job was asked for
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class CatalogBatch(models.Model):
    """One store request's worth of rows; run as the SyncJob "push-<push id>-<number>"."""

    push = models.ForeignKey(CatalogPush, on_delete=models.CASCADE, related_name="batches")
    number = models.PositiveIntegerField()  # 1, 2, …: the order they run in
    kind = models.CharField(max_length=10, choices=BatchKind.choices)
    location_id = models.PositiveBigIntegerField(null=True, blank=True)  # inventory batches
    # [{"link": id, "sku", "target": {"product_id"|"variant_id": n, ...}, "values": {key: value}}]
    rows = models.JSONField(default=list)
    state = models.CharField(max_length=10, choices=BatchState.choices, default=BatchState.PLANNED)
    job = models.OneToOneField(
        "sync.SyncJob", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Rows the store refused, and rows dropped because a later push wrote them already.
    failures = models.JSONField(default=list, blank=True)
    dropped = models.PositiveIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["push", "number"]
        constraints = [
            models.UniqueConstraint(fields=["push", "number"], name="one_batch_per_number")
        ]

    def __str__(self):
        return self.source_id

    @property
    def source_id(self) -> str:
        return batch_source_id(self.push_id, self.number)


def batch_source_id(push_id: int, number: int) -> str:
    return f"push-{push_id}-{number}"


class EchoMark(models.Model):
    """A store record we are about to write: the store's webhooks about it within ECHO_WINDOW of
    `written_at` are our own write coming back (catalog/echo.py)."""

    connection = models.ForeignKey("tenants.Connection", on_delete=models.CASCADE, related_name="+")
    target = models.CharField(max_length=40)  # "product:<id>" or "variant:<id>"
    written_at = models.DateTimeField()
    push = models.ForeignKey(CatalogPush, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "target"], name="one_echo_mark_per_target"
            )
        ]

    def __str__(self):
        return f"{self.target} at {self.written_at:%H:%M:%S}"
