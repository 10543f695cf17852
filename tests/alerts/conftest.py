"""Alert channels pointing at the local Slack stand-in (sandbox/slack/) over real HTTP."""

import pytest

from alerts.delivery import message_deliver
from alerts.models import AlertChannel, AlertMessage

SLACK_HOOK = "services/T0ACME/B0ALERTS/s3cr3tHookToken42"
SLACK_SECRET = "T0ACME/B0ALERTS/s3cr3tHookToken42"
RECEIVER_HOOK = "hooks/acme-erp"


@pytest.fixture
def channels(tenant, live_server):
    return {
        "email": AlertChannel.objects.create(
            tenant=tenant, name="Accounts", kind="email", email_addresses="accounts@acme.test"
        ),
        "slack": AlertChannel.objects.create(
            tenant=tenant,
            name="Slack #orders",
            kind="slack",
            url=f"{live_server.url}/sandbox/slack/{SLACK_HOOK}",
        ),
        "webhook": AlertChannel.objects.create(
            tenant=tenant,
            name="Our ERP bridge",
            kind="webhook",
            url=f"{live_server.url}/sandbox/slack/{RECEIVER_HOOK}",
        ),
    }


def deliver_queued() -> int:
    """Send what is queued now, in this process (the tests without a worker)."""
    queued = list(AlertMessage.objects.filter(state=AlertMessage.State.QUEUED))
    for message in queued:
        message_deliver(message.pk, final=True)
    return len(queued)
