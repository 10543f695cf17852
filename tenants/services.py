"""Writes to tenants and connections. Views and admin call these; they hold the rules."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.text import slugify

from connectors.bigcommerce.hooks import ensure_hooks
from connectors.registry import connector_class_for, erp_kind
from sync.dispatch import jobs_dispatch_waiting
from sync.polling import ORDERS_CURSOR, backfill_start, customers_pull_start
from tenants.cursors import read_cursor, write_cursor
from tenants.models import Connection, ConnectionStatus, Membership, Role, Tenant
from webhooks.services import events_dispatch_pending


def tenant_create(*, name: str, owner=None, slug: str | None = None) -> Tenant:
    tenant = Tenant(name=name, slug=slug or slugify(name)[:60])
    tenant.full_clean()
    tenant.save()
    if owner is not None:
        Membership.objects.create(user=owner, tenant=tenant, role=Role.OWNER)
    return tenant


def member_add(*, tenant: Tenant, email: str, role: Role, password: str | None = None):
    """Create (or reuse) a user who can sign in to the admin, and give them a role in `tenant`.

    For the platform's own set-up only (the demo tenant's owner): the person is not asked. People
    join a tenant through an invitation they accept (tenants.invitations)."""
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


class ActivationRefused(Exception):
    """The connection cannot start syncing; `message` says why and what to do."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def connection_activate(*, connection: Connection, backfill_days: int = 0, user=None) -> Connection:
    """Start syncing: register the store's webhooks, start the catch-up cursor now (or N days
    back, with a backfill), and hand over what arrived while the connection was paused.

    Raises ActivationRefused for an ERP whose connector has not landed: nothing could be sent."""
    kind = erp_kind(connection.erp_kind)
    if not kind.available:
        raise ActivationRefused(kind.unavailable_message)
    with transaction.atomic():
        connection = Connection.objects.select_for_update().get(pk=connection.pk)
        connection.status = ConnectionStatus.ACTIVE
        connection.last_error = ""
        connection.last_error_at = None
        connection.next_poll_at = timezone.now() + timedelta(
            minutes=connection.poll_interval_minutes
        )
        connection.save(
            update_fields=["status", "last_error", "last_error_at", "next_poll_at", "updated_at"]
        )
        if read_cursor(connection, ORDERS_CURSOR) is None:
            write_cursor(connection.pk, ORDERS_CURSOR, timezone.now())
        events_dispatch_pending(connection=connection)
        jobs_dispatch_waiting(connection=connection)
        if backfill_days:
            backfill_start(connection=connection, days=backfill_days, user=user)
        connector_class = connector_class_for(connection.erp_kind)
        if connector_class and connector_class.pull_customers_on_activate:
            customers_pull_start(connection=connection, user=user)
    ensure_hooks(connection)
    if kind.on_activate:
        import_string(kind.on_activate)(connection)
    connection.refresh_from_db()
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


# Fields the API may set directly; the ERP's own fields go through its config form.
CONNECTION_API_FIELDS = (
    "name",
    "store_hash",
    "bc_api_url",
    "bc_client_id",
    "bc_access_token",
    "bc_client_secret",
    "poll_interval_minutes",
)


def connection_save(
    *,
    tenant: Tenant,
    erp_kind: str,
    values: dict,
    erp_config: dict,
    sync_status_ids: list[int] | None = None,
    connection: Connection | None = None,
) -> Connection:
    """Create a connection, or change the given fields of one, through the admin's own form, so
    the API and the admin accept exactly the same input. Omitted fields keep what is stored (or
    the default); a secret left out or blank keeps the stored secret.

    Raises ValidationError keyed by the form's field names (`erp_<name>` for ERP fields).
    """
    from django.core.exceptions import ValidationError

    from tenants.forms import BC_SECRET_FIELDS, ERP_PREFIX, connection_form_for

    form_class = connection_form_for(erp_kind)
    unknown = sorted(set(erp_config) - set(form_class.config_form.base_fields))
    if unknown:
        raise ValidationError(
            {f"{ERP_PREFIX}{key}": "Not a setting of this ERP." for key in unknown}
        )
    data = {"tenant": tenant.pk}
    for name in CONNECTION_API_FIELDS:
        if name in BC_SECRET_FIELDS:
            continue
        if connection is not None:
            data[name] = getattr(connection, name)
        else:
            data[name] = Connection._meta.get_field(name).get_default()
    if connection is not None:
        data |= {f"{ERP_PREFIX}{k}": v for k, v in (connection.erp_settings or {}).items()}
    data |= values
    data |= {f"{ERP_PREFIX}{k}": v for k, v in erp_config.items()}
    if connection is not None:
        data["sync_status_ids"] = connection.sync_status_ids
    else:
        data["sync_status_ids"] = Connection._meta.get_field("sync_status_ids").get_default()
    if sync_status_ids is not None:
        data["sync_status_ids"] = sync_status_ids
    form = form_class(data=data, instance=connection or Connection())
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    return form.save()
