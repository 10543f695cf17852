import secrets
from decimal import Decimal

from django.db import models
from django.utils import timezone

ZERO = Decimal("0")


def _token() -> str:
    return secrets.token_hex(16)


# Marked, so a test run can tell the store's credentials apart wherever they turn up.
def new_access_token() -> str:
    return f"sbx-bc-at-{secrets.token_hex(16)}"


def new_client_secret() -> str:
    return f"sbx-bc-secret-{secrets.token_hex(16)}"


class BcStore(models.Model):
    store_hash = models.CharField(max_length=20, unique=True)
    store_id = models.CharField(max_length=20, default="1001")
    name = models.CharField(max_length=100, default="Sandbox Outdoor Store")
    access_token = models.CharField(max_length=64, default=new_access_token)
    client_id = models.CharField(max_length=64, default=_token)
    client_secret = models.CharField(max_length=64, default=new_client_secret)
    currency = models.CharField(max_length=3, default="AUD")
    # Plus/Standard plan: 150 requests per 30 s.
    quota = models.PositiveIntegerField(default=150)
    window_ms = models.PositiveIntegerField(default=30_000)
    # Fault switches for reliability tests.
    fault_error_rate = models.FloatField(default=0.0)  # share of requests answered 500
    fault_latency_ms = models.PositiveIntegerField(default=0)
    fault_429_storm = models.BooleanField(default=False)
    # Held while an inventory write is processed, so a test can make two writes overlap.
    fault_inventory_latency_ms = models.PositiveIntegerField(default=0)

    def __str__(self):
        return self.store_hash


class Tracking(models.TextChoices):
    """BigCommerce's inventory_tracking: whose stock level counts."""

    NONE = "none"
    PRODUCT = "product"
    VARIANT = "variant"


class BcProduct(models.Model):
    """A product. One without options is sold as its one base variant, whose SKU is the
    product's; one with options only as its option combinations (variants with a label)."""

    store = models.ForeignKey(BcStore, on_delete=models.CASCADE, related_name="products")
    name = models.CharField(max_length=200)
    sku = models.CharField(max_length=100)
    price = models.DecimalField(max_digits=12, decimal_places=4)
    sale_price = models.DecimalField(max_digits=12, decimal_places=4, default=ZERO)  # 0: none
    retail_price = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    cost_price = models.DecimalField(max_digits=12, decimal_places=4, default=ZERO)
    inventory_tracking = models.CharField(
        max_length=10, choices=Tracking.choices, default=Tracking.NONE
    )
    date_created = models.DateTimeField(default=timezone.now)
    date_modified = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["store", "sku"])]

    def __str__(self):
        return self.sku


class BcVariant(models.Model):
    """A variant; its prices are None where the product's apply."""

    product = models.ForeignKey(BcProduct, on_delete=models.CASCADE, related_name="variants")
    sku = models.CharField(max_length=100, db_index=True)
    price = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    sale_price = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    retail_price = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    cost_price = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    option_label = models.CharField(max_length=50, blank=True)  # blank: the base variant

    def __str__(self):
        return self.sku


class BcLocation(models.Model):
    """An inventory location; `location_id` is the store's own number (the default is 1)."""

    store = models.ForeignKey(BcStore, on_delete=models.CASCADE, related_name="locations")
    location_id = models.PositiveIntegerField()
    code = models.CharField(max_length=50)
    label = models.CharField(max_length=100)
    is_default = models.BooleanField(default=False)
    enabled = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["store", "location_id"], name="one_location_id"),
        ]

    def __str__(self):
        return self.code


class BcStock(models.Model):
    """Stock of one inventory item at one location: a product's own level (variant None), or a
    variant's. Which one counts follows the product's inventory_tracking."""

    location = models.ForeignKey(BcLocation, on_delete=models.CASCADE, related_name="stock")
    product = models.ForeignKey(BcProduct, on_delete=models.CASCADE, related_name="stock")
    variant = models.ForeignKey(
        BcVariant, null=True, blank=True, on_delete=models.CASCADE, related_name="stock"
    )
    quantity = models.BigIntegerField(default=0)
    # BigCommerce refuses a relative adjustment of an item never set absolutely.
    set_absolutely = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["location", "product"],
                condition=models.Q(variant__isnull=True),
                name="one_product_stock_per_location",
            ),
            models.UniqueConstraint(
                fields=["location", "variant"],
                condition=models.Q(variant__isnull=False),
                name="one_variant_stock_per_location",
            ),
        ]

    def __str__(self):
        return f"{self.location_id}:{self.product_id}:{self.variant_id}={self.quantity}"


class BcCustomer(models.Model):
    store = models.ForeignKey(BcStore, on_delete=models.CASCADE, related_name="customers")
    email = models.EmailField()
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    company = models.CharField(max_length=100, blank=True)
    phone = models.CharField(max_length=50, blank=True)
    addresses = models.JSONField(default=list, blank=True)  # v3 address shape
    date_created = models.DateTimeField(auto_now_add=True)
    date_modified = models.DateTimeField(auto_now=True)

    def __str__(self):
        return self.email


class BcOrder(models.Model):
    store = models.ForeignKey(BcStore, on_delete=models.CASCADE, related_name="orders")
    customer = models.ForeignKey(BcCustomer, null=True, blank=True, on_delete=models.SET_NULL)
    status_id = models.PositiveSmallIntegerField(default=11)
    billing_address = models.JSONField(default=dict)  # v2 address shape
    currency_code = models.CharField(max_length=3, default="AUD")
    is_tax_inclusive_pricing = models.BooleanField(default=False)
    subtotal_ex_tax = models.DecimalField(max_digits=12, decimal_places=4, default=ZERO)
    subtotal_tax = models.DecimalField(max_digits=12, decimal_places=4, default=ZERO)
    shipping_cost_ex_tax = models.DecimalField(max_digits=12, decimal_places=4, default=ZERO)
    shipping_cost_tax = models.DecimalField(max_digits=12, decimal_places=4, default=ZERO)
    discount_amount = models.DecimalField(max_digits=12, decimal_places=4, default=ZERO)
    payment_method = models.CharField(max_length=50, default="Credit Card")
    payment_status = models.CharField(max_length=30, default="captured")
    customer_message = models.TextField(blank=True)
    channel_id = models.PositiveIntegerField(default=1)
    is_deleted = models.BooleanField(default=False)
    date_created = models.DateTimeField(auto_now_add=True)
    date_modified = models.DateTimeField(auto_now=True, db_index=True)

    def __str__(self):
        return f"order {self.pk}"


class BcOrderProduct(models.Model):
    class Type(models.TextChoices):
        PHYSICAL = "physical"
        DIGITAL = "digital"  # delivered as a download: a digital consignment, no ship-to
        GIFT_CERTIFICATE = "giftcertificate"  # sent by e-mail: a gift certificate consignment

    order = models.ForeignKey(BcOrder, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(BcProduct, null=True, on_delete=models.SET_NULL)
    variant_id = models.PositiveIntegerField(default=0)
    sku = models.CharField(max_length=100)
    name = models.CharField(max_length=200)
    quantity = models.PositiveIntegerField()
    price_ex_tax = models.DecimalField(max_digits=12, decimal_places=4)
    price_tax = models.DecimalField(max_digits=12, decimal_places=4)
    discount = models.DecimalField(max_digits=12, decimal_places=4, default=ZERO)
    type = models.CharField(max_length=20, choices=Type.choices, default=Type.PHYSICAL)
    # The shipping consignment (ship-to) of a physical line; None means the order's first.
    ship_to = models.ForeignKey(
        "BcShippingAddress", null=True, blank=True, on_delete=models.SET_NULL, related_name="lines"
    )

    def __str__(self):
        return self.sku


class BcShippingAddress(models.Model):
    order = models.ForeignKey(BcOrder, on_delete=models.CASCADE, related_name="shipping_addresses")
    address = models.JSONField(default=dict)  # v2 address shape
    shipping_method = models.CharField(max_length=100, default="Flat Rate")

    def __str__(self):
        return f"ship-to {self.pk}"


class BcTransaction(models.Model):
    order = models.ForeignKey(BcOrder, on_delete=models.CASCADE, related_name="transactions")
    event = models.CharField(max_length=20, default="purchase")
    method = models.CharField(max_length=30, default="credit_card")
    amount = models.DecimalField(max_digits=12, decimal_places=4)
    gateway = models.CharField(max_length=30, default="braintree")
    status = models.CharField(max_length=10, default="ok")
    date_created = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"transaction {self.pk}"


class BcRefund(models.Model):
    order = models.ForeignKey(BcOrder, on_delete=models.CASCADE, related_name="refunds")
    reason = models.CharField(max_length=200, blank=True)
    total_amount = models.DecimalField(max_digits=12, decimal_places=4)
    total_tax = models.DecimalField(max_digits=12, decimal_places=4, default=ZERO)
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"refund {self.pk}"


class BcHook(models.Model):
    store = models.ForeignKey(BcStore, on_delete=models.CASCADE, related_name="hooks")
    client_id = models.CharField(max_length=64)
    scope = models.CharField(max_length=100)
    destination = models.URLField(max_length=500)
    headers = models.JSONField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["store", "client_id", "scope", "destination"],
                name="one_hook_per_destination",
            )
        ]

    def __str__(self):
        return f"{self.scope} → {self.destination}"


class BcDelivery(models.Model):
    """One event for one hook, with every attempt to deliver it."""

    hook = models.ForeignKey(BcHook, on_delete=models.CASCADE, related_name="deliveries")
    message_id = models.CharField(max_length=64, unique=True)  # webhook-id: stable across retries
    body = models.TextField()  # exactly the bytes signed and sent, identical on every attempt
    state = models.CharField(max_length=20, default="pending")  # pending, delivered, abandoned
    attempts = models.JSONField(default=list)  # [{"at", "status", "error"}]
    # When a pending delivery is next sent (BigCommerce's retry schedule); while an attempt is
    # under way, when it may be taken as lost. The sweep sends those overdue (delivery.py).
    next_attempt_at = models.DateTimeField(default=timezone.now, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.message_id
