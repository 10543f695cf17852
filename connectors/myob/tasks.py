"""MYOB has no webhooks: customer changes made in MYOB are polled (LastModified) per connection."""

from celery import shared_task


@shared_task
def poll_myob_customers_all():
    from tenants.models import Connection, ConnectionStatus

    ids = list(
        Connection.objects.filter(status=ConnectionStatus.ACTIVE, erp_kind="myob").values_list(
            "pk", flat=True
        )
    )
    for connection_id in ids:
        poll_myob_customers.delay(str(connection_id))
    return len(ids)


@shared_task(acks_late=True)
def poll_myob_customers(connection_id: str):
    from connectors.myob.customers import customers_poll

    return customers_poll(connection_id)
