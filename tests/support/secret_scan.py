"""A watch over the whole test run: every ApiCall row saved and every log line our handlers
write is scanned for the fixtures' and sandboxes' known secrets. Any hit fails the session.

The test worker processes (tests/support/celery_app.py) install the same watch on their own
handlers and rows and report each leak to a file the pytest process reads at the end of the
session, where it also reads the worker log files themselves (whatever reached them without a
handler: a crash before logging was set up, a library writing to stderr)."""

import json
import logging
import os
import time
from pathlib import Path

from audit.logging import RedactSecretsFilter

# Substrings that only ever occur inside secret values the tests and sandboxes create.
SECRET_MARKERS = (
    "bc-token-secret",
    "bc-client-secret",
    "cf-password-secret",
    "sbx-at-",  # sandbox MYOB tokens and codes (sandbox/myob/oauth.py)
    "sbx-rt-",
    "sbx-code-",
    "sbx-exact-at-",  # sandbox Exact Online tokens and codes (sandbox/exact_online/oauth.py)
    "sbx-exact-rt-",
    "sbx-exact-code-",
    "sbx-bc-at-",  # the sandbox store's API token and app secret (sandbox/bigcommerce/models.py)
    "sbx-bc-secret-",
    "mlc-bcstate-",  # a Business Central subscription's clientState (connectors/business_central)
    "syspro-pw-secret",  # SYSPRO passwords of tests/support/syspro_connection.py
    "test-myob-secret",
    "test-exact-secret",
    "static-token-abcdef",
    "tok-in-response-123456",
)
# Set by the pytest process for the worker processes it starts: where they report leaks.
REPORT_ENV = "SECRET_SCAN_REPORT"

leaks: list[str] = []
_report_to: Path | None = None
_watched_logs: list[Path] = []  # other servers' logs a test wrote (gunicorn's access log)


def find_markers(text: str) -> list[str]:
    return [marker for marker in SECRET_MARKERS if marker in text]


def _leaked(leak: str) -> None:
    leaks.append(leak)
    if _report_to is not None:
        with _report_to.open("a") as report:
            report.write(f"worker {os.getpid()}: {leak}\n")


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
        _leaked(f"ApiCall {instance.pk} ({instance.operation}) holds {marker!r}")


class _ScanFormattedLine(logging.Filter):
    """Runs after the redaction filter, on exactly the line its handler is about to write."""

    def __init__(self, handler: logging.Handler):
        super().__init__()
        self.handler = handler

    def filter(self, record):
        line = self.handler.format(record)
        for marker in find_markers(line):
            _leaked(f"log line from {record.name} holds {marker!r}")
        return True


def install(report_to: Path | None = None) -> None:
    """Watch this process's ApiCall rows and redacting log handlers; `report_to`: also append
    each leak to that file (a worker process, whose list the pytest process cannot see)."""
    global _report_to
    from django.db.models.signals import post_save

    from audit.models import ApiCall

    _report_to = report_to
    post_save.connect(scan_api_call, sender=ApiCall, dispatch_uid="secret-scan")
    for handler in logging.getLogger().handlers:
        kinds = {type(f) for f in handler.filters}
        if RedactSecretsFilter in kinds and _ScanFormattedLine not in kinds:
            handler.addFilter(_ScanFormattedLine(handler))


def watch_log(path: Path) -> None:
    """Read this log file at the end of the session too."""
    _watched_logs.append(Path(path))


def install_in_worker() -> None:
    """In a test worker process: the watch, reporting to the file its pytest process named."""
    report = os.environ.get(REPORT_ENV)
    install(Path(report) if report else None)


class Session:
    """The pytest process's side: names the report file for its workers, and at the end reads
    their reports and their log files."""

    def __init__(self, var_dir: Path):
        self.var_dir = Path(var_dir)
        self.report = self.var_dir / f"secret-scan-{os.getpid()}.txt"
        self.started = time.time()

    def start(self) -> None:
        self.var_dir.mkdir(parents=True, exist_ok=True)
        self.report.unlink(missing_ok=True)
        os.environ[REPORT_ENV] = str(self.report)
        install()

    def so_far(self) -> list[str]:
        """Every leak seen until now, here and reported by the workers (the report stays)."""
        reported = self.report.read_text(errors="replace") if self.report.exists() else ""
        return leaks + reported.splitlines()

    def reported_leaks(self) -> list[str]:
        """What the worker processes reported (read once: the file is removed)."""
        if not self.report.exists():
            return []
        found = self.report.read_text(errors="replace").splitlines()
        self.report.unlink()
        return found

    def worker_log_leaks(self) -> list[str]:
        """The log files of this process's workers written during the session, read whole."""
        return [
            f"worker log {log.name} holds {marker!r}"
            for log in sorted(self.var_dir.glob(f"test-worker-{os.getpid()}*.log"))
            if log.stat().st_mtime >= self.started
            for marker in find_markers(log.read_text(errors="replace"))
        ]

    def watched_log_leaks(self) -> list[str]:
        return [
            f"log {log.name} holds {marker!r}"
            for log in _watched_logs
            if log.exists()
            for marker in find_markers(log.read_text(errors="replace"))
        ]

    def finish(self) -> list[str]:
        leaks.extend(self.reported_leaks() + self.worker_log_leaks() + self.watched_log_leaks())
        return leaks
