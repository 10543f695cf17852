"""Writes to tenants and connections. Views and admin call these; they hold the rules."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from tenants.models import Connection, ConnectionStatus, Membership, Role, Tenant


def tenant_create(*, name: str, owner=None, slug: str | None = None) -> Tenant:
    tenant = Tenant(name=name, slug=slug or slugify(name)[:60])
    tenant.full_clean()
    tenant.save()
    if owner is not None:
        Membership.objects.create(user=owner, tenant=tenant, role=Role.OWNER)
    return tenant


def member_add(*, tenant: Tenant, email: str, role: Role, password: str | None = None):
    """Create (or reuse) a user who can sign in to the admin, and give them a role in `tenant`."""
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(
        username=email, defaults={"email": email, "is_staff": True}
    )
    if created or password:
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.is_staff = True
        user.save()
    Membership.objects.update_or_create(user=user, tenant=tenant, defaults={"role": role})
    return user


def connection_activate(*, connection: Connection) -> Connection:
    """Start syncing: polls become due at once. Hook registration is added by the BigCommerce side."""
    with transaction.atomic():
        connection = Connection.objects.select_for_update().get(pk=connection.pk)
        connection.status = ConnectionStatus.ACTIVE
        connection.last_error = ""
        connection.last_error_at = None
        connection.next_poll_at = timezone.now()
        connection.save(
            update_fields=["status", "last_error", "last_error_at", "next_poll_at", "updated_at"]
        )
    return connection


def connection_pause(*, connection: Connection) -> Connection:
    """Stop processing; webhooks are still stored, so nothing is lost while paused."""
    Connection.objects.filter(pk=connection.pk).update(
        status=ConnectionStatus.PAUSED, updated_at=timezone.now()
    )
    connection.refresh_from_db()
    return connection


def connection_record_error(*, connection_id, message: str, status=ConnectionStatus.ERROR) -> None:
    Connection.objects.filter(pk=connection_id).update(
        status=status, last_error=message, last_error_at=timezone.now(), updated_at=timezone.now()
    )
