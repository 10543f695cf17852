"""Actions a person takes on a channel."""

from alerts import wording
from alerts.delivery import message_deliver
from alerts.models import AlertChannel, AlertMessage


def channel_test(channel: AlertChannel) -> AlertMessage:
    """Send a test message now, once, and return it as it ended (sent, or failed with why)."""
    subject, body = wording.test_text()
    message = AlertMessage.objects.create(
        tenant_id=channel.tenant_id,
        channel=channel,
        kind=AlertMessage.Kind.TEST,
        subject=subject,
        body=body,
    )
    message_deliver(message.pk, final=True)
    message.refresh_from_db()
    return message
