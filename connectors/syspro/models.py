"""The SYSPRO session each operator holds, shared by the jobs of a cycle across workers."""

from django.db import models

from tenants.fields import StrictEncryptedTextField


class SysproSession(models.Model):
    """One operator's e.net session (SYSPRO allows one per operator: a second Logon ends the
    first). The row stays while nobody is logged on (an empty session_id): it is what the
    per-operator turn locks."""

    # client.operator_key: server, company and operator, hashed (no credential in it).
    operator_key = models.CharField(max_length=64, unique=True)
    # The connection whose settings logged on: the sweep logs off with its server address.
    connection = models.ForeignKey(
        "tenants.Connection", on_delete=models.CASCADE, related_name="syspro_sessions"
    )
    # SYSPRO's UserId, with its two trailing spaces: a bearer credential, so encrypted.
    session_id = StrictEncryptedTextField(blank=True, default="")
    # Set while a session is open (session_id cannot be filtered on: it is encrypted).
    logged_on_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"SYSPRO session of operator {self.operator_key[:8]}"


class ItemDigest(models.Model):
    """What the catalog push last read of one stock item (items.py): SYSPRO keeps no change
    timestamp that e.net serves, so a digest of the values the store takes, and when it was
    first read as it is now (the item's change time as far as the push can tell)."""

    connection = models.ForeignKey(
        "tenants.Connection", on_delete=models.CASCADE, related_name="syspro_item_digests"
    )
    stock_code = models.CharField(max_length=100)
    digest = models.CharField(max_length=64)
    changed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "stock_code"], name="syspro_one_digest_per_item"
            )
        ]

    def __str__(self):
        return f"SYSPRO stock item {self.stock_code}"
