from django.db import models


class RateLimitState(models.Model):
    """A rate-limit bucket kept in the database, for the embedded mode that has no Redis."""

    key = models.CharField(max_length=200, unique=True)
    state = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return self.key


class TenantTurn(models.Model):
    """When a tenant's job last started: the fair choice gives the next run slot to the tenant
    whose turn is oldest, so one tenant's burst never queues the others behind it."""

    tenant = models.OneToOneField(
        "tenants.Tenant", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    last_turn_at = models.DateTimeField()

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

    def __str__(self):
        return self.key


class LinkEntity(models.TextChoices):
    CUSTOMER = "customer", "Customer"
    ITEM = "item", "Item"


class ExternalLink(models.Model):
    """A store record (a BigCommerce customer or guest e-mail, a SKU) and the ERP record it is
    linked to, for every ERP.

    The versions tell our own writes from a person's edits in the ERP: a record whose version is
    the one we wrote (or already pushed to the store) is not pushed back, so nothing ping-pongs.
    """

    connection = models.ForeignKey(
        "tenants.Connection", on_delete=models.CASCADE, related_name="external_links"
    )
    entity = models.CharField(max_length=20, choices=LinkEntity.choices)
    source_id = models.CharField(max_length=300)  # BigCommerce customer id, "guest:<email>", SKU
    erp_id = models.CharField(max_length=100)
    erp_number = models.CharField(max_length=100, blank=True)  # what a person sees in the ERP
    written_version = models.CharField(max_length=64, blank=True)  # as our last write left it
    seen_version = models.CharField(max_length=64, blank=True)  # last pushed to the store
    # The store's modification time we last wrote to the ERP: older data never overwrites it.
    source_modified_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "entity", "source_id"], name="one_erp_record_per_record"
            )
        ]
        indexes = [
            models.Index(fields=["connection", "entity", "erp_id"], name="external_link_erp_id")
        ]

    def __str__(self):
        return f"{self.entity} {self.source_id} → {self.erp_number or self.erp_id}"
