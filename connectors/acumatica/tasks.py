"""Celery tasks of the Acumatica package: thin, they take ids and call services."""

from celery import shared_task


@shared_task(acks_late=True)
def process_notification(notification_id: int, tries: int = 1):
    """A stored push notification → the connection's catalog push (connectors/acumatica/push.py)."""
    from connectors.acumatica.push import notification_process

    if (wait := notification_process(notification_id, tries)) is not None:
        process_notification.apply_async((notification_id, tries + 1), countdown=wait)


@shared_task
def sweep_notifications():
    """Stored notifications whose hand-over was lost are handed over again (every 5 minutes)."""
    from connectors.acumatica.push import notifications_sweep

    return notifications_sweep()
