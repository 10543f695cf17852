"""API tokens: made in the admin, shown once, kept only as a hash, revoked by a person.

A token carries 256 random bits, so one SHA-256 is enough to store it (a slow password hash
protects guessable secrets; these are not guessable) and lets a request find it by index.
"""

import hashlib
import secrets
from datetime import timedelta

from django.utils import timezone

from tenants.models import ApiToken, Tenant

TOKEN_PREFIX = "mlc_"  # noqa: S105 - the visible prefix of every token, not a secret
PREFIX_LENGTH = 12  # "mlc_" and 8 random characters: enough to tell tokens apart in a list
# last_used_at is a hint for people, not an audit trail: one write per token a minute at most.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def api_token_create(
    *, tenant: Tenant, name: str, role: str, created_by=None
) -> tuple[ApiToken, str]:
    """A new token and its value. The value is not stored: the caller shows it once."""
    value = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        tenant=tenant,
        name=name,
        role=role,
        key_prefix=value[:PREFIX_LENGTH],
        key_hash=_digest(value),
        created_by=created_by,
    )
    token.full_clean()
    token.save()
    return token, value


def api_token_revoke(*, token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def api_token_authenticate(value: str) -> ApiToken | None:
    """The live token with this value, or None (unknown, revoked, malformed)."""
    if not value.startswith(TOKEN_PREFIX) or len(value) > 100:
        return None
    token = (
        ApiToken.objects.select_related("tenant")
        .filter(key_hash=_digest(value), revoked_at__isnull=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or token.last_used_at < now - LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
