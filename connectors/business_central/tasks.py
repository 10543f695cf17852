"""Celery tasks of the Business Central package: thin, they take ids and call services."""

from celery import shared_task


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
