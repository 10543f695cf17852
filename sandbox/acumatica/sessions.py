"""API sessions and the licence's API-user limit: a cookie sign-in (POST entity/auth/login → 204
and cookies) or an OAuth grant's first call opens one; a session unused for the instance's idle
time (10 minutes) is closed; a sign-in beyond `api_users` live sessions answers 429 "API Login
Limit". Sign-out (entity/auth/logout) closes it."""

import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from sandbox.acumatica.errors import login_limit
from sandbox.acumatica.models import AcuInstance, AcuSession, AcuTenant, AcuUser

COOKIE = ".ASPXAUTH"


def live(instance: AcuInstance):
    since = timezone.now() - timedelta(seconds=instance.session_idle_seconds)
    return AcuSession.objects.filter(instance=instance, ended=False, last_seen__gt=since)


def open_session(tenant: AcuTenant, user: AcuUser | None, *, chain=None, branch="") -> AcuSession:
    instance = tenant.instance
    with transaction.atomic():
        AcuInstance.objects.select_for_update().filter(pk=instance.pk).first()
        if live(instance).count() >= instance.api_users:
            raise login_limit()
        return AcuSession.objects.create(
            instance=instance, tenant=tenant, user=user, chain=chain,
            key=secrets.token_hex(32), branch=branch or (user.branch if user else ""),
            last_seen=timezone.now(),
        )  # fmt: skip


def touch(session: AcuSession) -> None:
    AcuSession.objects.filter(pk=session.pk).update(last_seen=timezone.now())


def by_cookie(instance: AcuInstance, key: str) -> AcuSession | None:
    return live(instance).filter(key=key).select_related("tenant").first() if key else None


def by_chain(tenant: AcuTenant, chain, user: AcuUser | None) -> AcuSession:
    """The grant's session; a new one (counted against the licence) when it expired or ended."""
    found = live(tenant.instance).filter(chain=chain).first()
    return found or open_session(tenant, user, chain=chain)


def end(session: AcuSession) -> None:
    AcuSession.objects.filter(pk=session.pk).update(ended=True)
