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
