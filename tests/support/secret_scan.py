"""A watch over the whole test run: every ApiCall row saved and every log line our handlers
write is scanned for the fixtures' known secrets. Any hit fails the session."""

import json
import logging

from audit.logging import RedactSecretsFilter

# Substrings that only ever occur inside secret values the tests and sandboxes create.
SECRET_MARKERS = (
    "bc-token-secret",
    "bc-client-secret",
    "cf-password-secret",
    "sbx-at-",
    "sbx-rt-",
    "test-myob-secret",
    "static-token-abcdef",
    "tok-in-response-123456",
)

leaks: list[str] = []


def find_markers(text: str) -> list[str]:
    return [marker for marker in SECRET_MARKERS if marker in text]


def api_call_text(call) -> str:
    fields = [
        call.url,
        call.request_headers,
        call.request_body,
        call.response_headers,
        call.response_body,
        call.error_message,
    ]
    return json.dumps(fields, default=str)


def scan_api_call(sender, instance, **kwargs):
    for marker in find_markers(api_call_text(instance)):
        leaks.append(f"ApiCall {instance.pk} ({instance.operation}) holds {marker!r}")


class _ScanFormattedLine(logging.Filter):
    """Runs after the redaction filter, on exactly the line its handler is about to write."""

    def __init__(self, handler: logging.Handler):
        super().__init__()
        self.handler = handler

    def filter(self, record):
        line = self.handler.format(record)
        for marker in find_markers(line):
            leaks.append(f"log line from {record.name} holds {marker!r}")
        return True


def install():
    from django.db.models.signals import post_save

    from audit.models import ApiCall

    post_save.connect(scan_api_call, sender=ApiCall, dispatch_uid="secret-scan")
    for handler in logging.getLogger().handlers:
        if any(isinstance(f, RedactSecretsFilter) for f in handler.filters):
            handler.addFilter(_ScanFormattedLine(handler))
