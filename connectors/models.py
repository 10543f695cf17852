from django.db import models


class RateLimitState(models.Model):
    """A rate-limit bucket kept in the database, for the embedded mode that has no Redis."""

    key = models.CharField(max_length=200, unique=True)
    state = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return self.key
