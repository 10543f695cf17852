"""What the sandboxes' one OAuth server keeps: apps, codes, tokens and every token-endpoint call,
each tagged with its vendor (the kind slug, e.g. "myob")."""

import uuid
from typing import ClassVar

from django.db import models


class FaultSwitches(models.Model):
    """The switches sandbox.gate reads on the row a call reaches (a MYOB business, an Exact
    division), for reliability tests; which error each answers is the vendor's."""

    fault_error_rate = models.FloatField(default=0.0)  # share of calls answered 500
    fault_latency_ms = models.PositiveIntegerField(default=0)
    fault_rate_limited = models.PositiveIntegerField(default=0)  # next N calls: the rate refusal
    # The next N creates commit the record, then answer an error / hang fault_hang_ms before
    # answering (past the client's read timeout): the vendor did it, the client cannot know.
    fault_create_then_error = models.PositiveIntegerField(default=0)
    fault_create_then_hang = models.PositiveIntegerField(default=0)
    fault_hang_ms = models.PositiveIntegerField(default=35_000)
    # Only creates of this resource count (MYOB: and those below its path); blank: all.
    fault_create_resource = models.CharField(max_length=60, blank=True)

    class Meta:
        abstract = True


class OAuthApp(models.Model):
    """An app registered with a vendor (MYOB: an API key): client id, secret and redirect URI.
    Each vendor's model extends it with that vendor's settings (token lifetime, limits)."""

    VENDOR: ClassVar[str] = ""
    vendor = models.CharField(max_length=20, editable=False)
    client_id = models.CharField(max_length=100)
    client_secret = models.CharField(max_length=100)
    # Compared exactly (a trailing slash is the classic mistake); with none no sign-in can finish.
    redirect_uri = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["vendor", "client_id"], name="oauth_app_per_vendor")
        ]

    def __str__(self):
        return self.client_id

    def save(self, *args, **kwargs):
        self.vendor = self.VENDOR or self.vendor
        super().save(*args, **kwargs)


class AuthCode(models.Model):
    """An authorization code from the consent page: single use, short lived."""

    code = models.CharField(max_length=100, unique=True)
    app = models.ForeignKey(OAuthApp, on_delete=models.CASCADE, related_name="+")
    # What the person consented to: a MYOB business uid, an Exact division code.
    grant = models.CharField(max_length=64)
    redirect_uri = models.CharField(max_length=300)
    scope = models.CharField(max_length=500, blank=True)
    expires_at = models.DateTimeField()
    used = models.BooleanField(default=False)

    def __str__(self):
        return f"code for {self.grant}"


class IssuedToken(models.Model):
    """One access/refresh pair. `chain` ties the pairs of one consent, so a vendor can end them
    all at once (Exact does when a spent refresh token comes back)."""

    app = models.ForeignKey(OAuthApp, on_delete=models.CASCADE, related_name="tokens")
    # Blank: any of the app's files (a legacy MYOB CompanyFile-scope token).
    grant = models.CharField(max_length=64, blank=True)
    scope = models.CharField(max_length=500, blank=True)
    chain = models.UUIDField(default=uuid.uuid4, db_index=True)
    access_token = models.CharField(max_length=100, unique=True)
    refresh_token = models.CharField(max_length=100, unique=True)
    issued_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    refresh_used = models.BooleanField(default=False)
    dead = models.BooleanField(default=False)

    def __str__(self):
        return f"token {self.pk} ({self.app})"


class TokenRequest(models.Model):
    """Every token-endpoint call, so tests (and Exact's daily cap) can count them."""

    vendor = models.CharField(max_length=20)
    client_id = models.CharField(max_length=100, blank=True)  # as sent, known or not
    grant_type = models.CharField(max_length=40)
    status_code = models.PositiveSmallIntegerField()
    message = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.grant_type} → {self.status_code}"
