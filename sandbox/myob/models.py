import secrets

from django.db import models


def new_access_token() -> str:
    return f"sbx-at-{secrets.token_urlsafe(24)}"


def new_refresh_token() -> str:
    return f"sbx-rt-{secrets.token_urlsafe(24)}"


class MyobApiKey(models.Model):
    """A developer's API key (client id) with its secret, as registered at MYOB."""

    client_id = models.CharField(max_length=100, unique=True)
    client_secret = models.CharField(max_length=100)
    access_token_seconds = models.PositiveIntegerField(default=1200)

    def __str__(self):
        return self.client_id


class MyobToken(models.Model):
    api_key = models.ForeignKey(MyobApiKey, on_delete=models.CASCADE, related_name="tokens")
    access_token = models.CharField(max_length=100, unique=True, default=new_access_token)
    refresh_token = models.CharField(max_length=100, unique=True, default=new_refresh_token)
    expires_at = models.DateTimeField()
    refresh_used = models.BooleanField(default=False)
    business_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"token {self.pk} for {self.api_key}"


class MyobTokenRequest(models.Model):
    """Every call to the token endpoint, so tests can count them."""

    grant_type = models.CharField(max_length=40)
    status_code = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.grant_type} → {self.status_code}"
