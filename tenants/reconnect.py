"""A connection whose credential died: every call stops, and its owners are told once.

The connectors report it here (a refresh the vendor refused), below everything that runs syncs."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from tenants.models import Connection, ConnectionStatus, Membership, Role


def connection_needs_reconnect(*, connection_id, message: str) -> bool:
    """Stop all calls for a connection whose credential is dead, and tell its owners — once.

    Returns True when this call made the change (and so sent the email).
    """
    changed = (
        Connection.objects.filter(pk=connection_id)
        .exclude(status=ConnectionStatus.NEEDS_RECONNECT)
        .update(
            status=ConnectionStatus.NEEDS_RECONNECT,
            last_error=message,
            last_error_at=timezone.now(),
            updated_at=timezone.now(),
        )
    )
    if changed:
        connection = Connection.objects.select_related("tenant").get(pk=connection_id)
        transaction.on_commit(lambda: notify_owners_reconnect(connection=connection))
    return bool(changed)


def notify_owners_reconnect(*, connection: Connection) -> None:
    owners = Membership.objects.filter(tenant=connection.tenant, role=Role.OWNER)
    recipients = [m.user.email for m in owners.select_related("user") if m.user.email]
    if not recipients:
        return
    send_mail(
        subject=f"[ml-connector] {connection.name} needs reconnecting",
        message=(
            f"ml-connector can no longer reach {connection.get_erp_kind_display()} for "
            f"'{connection.name}': {connection.last_error}\n\n"
            "Orders are not being lost: webhooks are still received and kept, and will sync "
            "once you reconnect. Open the connection in the admin and use its Connect button:\n"
            f"{settings.PUBLIC_BASE_URL}/admin/tenants/connection/{connection.pk}/change/\n"
        ),
        from_email=None,
        recipient_list=recipients,
    )
