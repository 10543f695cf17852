from django.db import models


class ExactAccountLink(models.Model):
    """A BigCommerce customer (or guest e-mail) and the Exact Online account it became: what the
    account poll needs to know which store customer an edit in Exact belongs to."""

    connection = models.ForeignKey(
        "tenants.Connection", on_delete=models.CASCADE, related_name="exact_account_links"
    )
    source_id = models.CharField(max_length=300)  # BigCommerce customer id, or "guest:<email>"
    account_id = models.CharField(max_length=36)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "source_id"], name="one_exact_account_per_customer"
            )
        ]
        indexes = [models.Index(fields=["connection", "account_id"])]

    def __str__(self):
        return f"{self.source_id} → Exact {self.account_id}"
