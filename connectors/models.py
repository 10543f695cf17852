from django.db import models


class RateLimitState(models.Model):
    """A rate-limit bucket kept in the database, for the embedded mode that has no Redis."""

    key = models.CharField(max_length=200, unique=True)
    state = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return self.key


class LinkEntity(models.TextChoices):
    CUSTOMER = "customer", "Customer"
    ITEM = "item", "Item"


class StoreTracking(models.TextChoices):
    """BigCommerce's inventory_tracking of the product an item's SKU belongs to."""

    NONE = "none", "Not tracked"
    PRODUCT = "product", "By product"
    VARIANT = "variant", "By variant"


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
    erp_id = models.CharField(max_length=100)  # "" for a store SKU no ERP item has named yet
    erp_number = models.CharField(max_length=100, blank=True)  # what a person sees in the ERP
    written_version = models.CharField(max_length=64, blank=True)  # as our last write left it
    seen_version = models.CharField(max_length=64, blank=True)  # last pushed to the store
    # The store's modification time we last wrote to the ERP: older data never overwrites it.
    source_modified_at = models.DateTimeField(null=True, blank=True)
    # An item's place in the store's catalog (the catalog push, catalog/): the product, the
    # variant (None for a product without options) and how the store tracks its stock.
    store_product_id = models.PositiveBigIntegerField(null=True, blank=True)
    store_variant_id = models.PositiveBigIntegerField(null=True, blank=True)
    store_tracking = models.CharField(max_length=10, choices=StoreTracking.choices, blank=True)
    # Why the SKU has no single place in the store (two products carry it, …): never guessed.
    store_problem = models.CharField(max_length=300, blank=True)
    # The ERP's values the store last took from us, or already had: {"price": {"value": "9.50",
    # "push": 12}, "stock@1": {...}}. A field is written only where the ERP's value differs from
    # this (so a person's edit in the store stays until the ERP changes) and from the store's.
    pushed_values = models.JSONField(default=dict, blank=True)
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
