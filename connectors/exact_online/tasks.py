"""Exact Online's own periodic work: account changes made in Exact, polled per connection."""

from celery import shared_task


@shared_task
def poll_exact_accounts_all():
    from tenants.models import Connection, ConnectionStatus

    ids = list(
        Connection.objects.filter(
            status=ConnectionStatus.ACTIVE, erp_kind="exact_online"
        ).values_list("pk", flat=True)
    )
    for connection_id in ids:
        poll_exact_accounts.delay(str(connection_id))
    return len(ids)


@shared_task(acks_late=True)
def poll_exact_accounts(connection_id: str):
    from connectors.exact_online.customers import accounts_poll

    return accounts_poll(connection_id)
