"""Celery tasks of the sandbox Business Central (run where the sandbox is served)."""

from celery import shared_task


@shared_task
def send_notifications():
    """One pass of the webhook sender (sandbox/business_central/notify.py)."""
    from sandbox.business_central.notify import notifications_send

    return notifications_send()
