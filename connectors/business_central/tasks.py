"""Celery tasks of the Business Central package: thin, they take ids and call services."""

from celery import shared_task

# A pass after activation that fails is tried again this many times in all, a minute apart.
ACTIVATION_TRIES = 5


@shared_task(acks_late=True)
def process_notification(notification_id: int):
    """A stored notification batch → customer jobs, then (for items) the catalog push."""
    from connectors.business_central.notifications import notification_process

    if notification_process(notification_id):
        signal_catalog_push.delay(notification_id)


@shared_task(acks_late=True)
def signal_catalog_push(notification_id: int, tries: int = 1):
    from connectors.business_central.notifications import push_signal

    if (wait := push_signal(notification_id, tries)) is not None:
        signal_catalog_push.apply_async((notification_id, tries + 1), countdown=wait)


@shared_task
def sweep_notifications():
    """Stored notifications whose hand-over was lost are handed over again."""
    from connectors.business_central.notifications import notifications_sweep

    return notifications_sweep()


@shared_task
def renew_subscriptions_all():
    """Every active connection's subscriptions checked, renewed or recreated, one task each."""
    from connectors.business_central.subscriptions import connections_to_renew

    for connection_id in connections_to_renew():
        renew_subscriptions.delay(str(connection_id), ACTIVATION_TRIES)  # no retries in between


@shared_task
def renew_subscriptions(connection_id: str, tries: int = 1):
    """One connection's pass; after activation a failed pass is tried again a few times a
    minute apart (the web app may be starting), then the periodic pass takes over."""
    from connectors.business_central.subscriptions import subscriptions_ensure
    from tenants.models import Connection, ConnectionStatus

    connection = Connection.objects.filter(pk=connection_id, status=ConnectionStatus.ACTIVE).first()
    if connection is None:
        return
    if subscriptions_ensure(connection)["error"] and tries < ACTIVATION_TRIES:
        renew_subscriptions.apply_async((connection_id, tries + 1), countdown=60)
