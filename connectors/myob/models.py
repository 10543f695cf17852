from django.db import models


class MyobCustomerLink(models.Model):
    """A BigCommerce customer (or guest e-mail) and the MYOB customer card it became.

    The row versions tell our own writes from a person's edits in MYOB: a card whose RowVersion is
    one we wrote (or already pushed to BigCommerce) is not pushed back, so nothing ping-pongs.
    """

    connection = models.ForeignKey(
        "tenants.Connection", on_delete=models.CASCADE, related_name="myob_customer_links"
    )
    source_id = models.CharField(max_length=300)  # BigCommerce customer id, or "guest:<email>"
    myob_uid = models.CharField(max_length=36)
    display_id = models.CharField(max_length=15, blank=True)
    written_row_version = models.CharField(max_length=24, blank=True)  # our last PUT/POST
    seen_row_version = models.CharField(max_length=24, blank=True)  # last pushed to BigCommerce
    # The BigCommerce modification time we last wrote to MYOB: older data never overwrites it.
    source_modified_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "source_id"], name="one_myob_card_per_customer"
            )
        ]
        indexes = [models.Index(fields=["connection", "myob_uid"])]

    def __str__(self):
        return f"{self.source_id} → MYOB {self.myob_uid}"
