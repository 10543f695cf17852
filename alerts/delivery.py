"""Sending one message: e-mail through Django's mail backend; Slack and signed webhooks through
the one audited HTTP client (an ApiCall row per attempt, the address's secret part masked). A
failure is written on the message, never raised into whoever asked for the send."""

import json
import logging
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone
from standardwebhooks import Webhook

from alerts.models import AlertChannel, AlertMessage
from audit.context import correlation
from audit.models import ApiCall, System
from audit.redaction import register_secrets
from audit.services import api_call_record
from connectors.errors import ConnectorError, PermanentError, TransientError
from connectors.http import ApiClient, VendorRules

logger = logging.getLogger(__name__)

SLACK_RULES = VendorRules(system="slack")
WEBHOOK_RULES = VendorRules(system="webhook")
RETRY_BASE_SECONDS = 30
State = AlertMessage.State


def message_deliver(message_id: int, *, final: bool) -> float | None:
    """Try once. Returns seconds until the next try when it should be tried again (and `final`
    is false); None once it is sent or has failed for good."""
    message = (
        AlertMessage.objects.select_related("channel", "incident").filter(pk=message_id).first()
    )
    if message is None or message.state != State.QUEUED:
        return None
    attempts = message.attempts + 1
    # Claim this try: a second task for the same message (one re-queued while the first still
    # waited in the broker) finds the count moved and sends nothing.
    claimed = AlertMessage.objects.filter(
        pk=message.pk, state=State.QUEUED, attempts=message.attempts
    ).update(attempts=attempts)
    if not claimed:
        return None
    try:
        message_send(message)
    except TransientError as exc:
        if not final:
            AlertMessage.objects.filter(pk=message.pk).update(
                attempts=attempts, error=f"{exc.message} (trying again)"
            )
            return RETRY_BASE_SECONDS * 2 ** (attempts - 1)
        _failed(message, attempts, exc.message)
    except ConnectorError as exc:
        _failed(message, attempts, exc.message)
    except Exception as exc:  # a mail server refusing, a bug: recorded, never raised
        logger.warning("alert message %s could not be sent", message.pk, exc_info=True)
        if not final:
            AlertMessage.objects.filter(pk=message.pk).update(
                attempts=attempts, error=f"{type(exc).__name__}: {exc} (trying again)"
            )
            return RETRY_BASE_SECONDS * 2 ** (attempts - 1)
        _failed(message, attempts, f"{type(exc).__name__}: {exc}")
    else:
        AlertMessage.objects.filter(pk=message.pk).update(
            state=State.SENT, attempts=attempts, error="", sent_at=timezone.now()
        )
    return None


def _failed(message, attempts: int, error: str) -> None:
    AlertMessage.objects.filter(pk=message.pk).update(
        state=State.FAILED, attempts=attempts, error=error[:2000]
    )


def message_send(message: AlertMessage) -> None:
    channel = message.channel
    label = f"alert:{message.pk}"
    with correlation(label):
        try:
            if channel.kind == AlertChannel.Kind.EMAIL:
                _send_email(channel, message)
            elif not channel.url:
                raise PermanentError("The channel has no address to send to.")
            elif channel.kind == AlertChannel.Kind.SLACK:
                _post_slack(channel, message)
            else:
                _post_signed(channel, message)
        finally:
            # The calls are the tenant's, though no connection made them.
            ApiCall.objects.filter(correlation_id=label, tenant__isnull=True).update(
                tenant_id=channel.tenant_id
            )


def _send_email(channel, message) -> None:
    """Through Django's mail backend, recorded in the audit log as one outside call (the mail
    server's refusal as its error), like the Slack and webhook posts."""
    if not channel.addresses:
        raise PermanentError("The channel has no e-mail address.")
    subject = f"[ml-connector] {message.subject}"
    started, error = time.monotonic(), None
    try:
        send_mail(subject, message.body, settings.DEFAULT_FROM_EMAIL, channel.addresses)
    except Exception as exc:
        error = exc
        raise
    finally:
        api_call_record(
            system=System.EMAIL, operation="alert.email", method="SEND",
            url="mailto:" + ",".join(channel.addresses),
            duration_ms=int(1000 * (time.monotonic() - started)),
            request_headers={"Subject": subject, "Content-Type": "text/plain"},
            request_body=message.body, error=error,
        )  # fmt: skip


def address_secret(url: str) -> str:
    """The part of a Slack hook's address that is its credential (after /services/): masked in
    the audit log and never shown back. A signed webhook's address is not a secret (the
    signature is the proof), and secret query parameters are masked by name anyway."""
    path = urlsplit(url).path
    return path.split("/services/", 1)[1] if "/services/" in path else ""


def _client(channel, rules) -> ApiClient:
    register_secrets([address_secret(channel.url), channel.signing_secret])
    # One try per task run: the task retries with its own backoff, never blocking a worker.
    return ApiClient(rules=rules, base_url=channel.url, max_attempts=1, max_inline_wait=0)


def _post_slack(channel, message) -> None:
    text = f"*{message.subject}*\n{message.body}"
    _client(channel, SLACK_RULES).post(channel.url, operation="alert.slack", json={"text": text})


def webhook_payload(message: AlertMessage, now) -> dict:
    incident = message.incident
    return {
        "type": f"alert.{message.kind}",
        "timestamp": now.isoformat(),
        "data": {
            "subject": message.subject,
            "text": message.body,
            "rule": message.rule,
            "incident": incident.pk if incident else None,
            "state": incident.state if incident else None,
        },
    }


def _post_signed(channel, message) -> None:
    """Standard Webhooks: webhook-id (the same on every try, so the receiver can drop a
    repeat), webhook-timestamp and webhook-signature over id.timestamp.body."""
    now = timezone.now()
    payload = json.dumps(webhook_payload(message, now), separators=(",", ":"))
    message_id = f"msg_mlc_{message.pk}"
    signature = Webhook(channel.signing_secret).sign(message_id, now, payload)
    headers = {
        "Content-Type": "application/json",
        "webhook-id": message_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": signature,
    }
    _client(channel, WEBHOOK_RULES).post(
        channel.url, operation="alert.webhook", data=payload.encode(), headers=headers
    )
