"""The scan itself must be able to fail: it sees a leak in a row and in a log line, in the pytest
process and in a worker process."""

import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from audit.models import ApiCall
from tests.settings import SEPARATED_FOR
from tests.support import secret_scan
from tests.support.worker import ROOT, WorkerProcess, wait_until


def test_the_scan_spots_a_secret_in_an_api_call_row():
    call = ApiCall(operation="x", url="https://h/?t=bc-token-secret-0001", response_body="")
    assert secret_scan.find_markers(secret_scan.api_call_text(call)) == ["bc-token-secret"]


def test_log_lines_pass_through_redaction_before_the_scan_sees_them():
    from audit.redaction import register_secrets

    register_secrets(["cf-password-secret-logged"])
    before = list(secret_scan.leaks)
    logging.getLogger("tests.scan").warning("password was %s", "cf-password-secret-logged")
    assert secret_scan.leaks == before  # redacted first, so nothing leaked
    handlers = [
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, secret_scan._ScanFormattedLine) for f in h.filters)
    ]
    assert handlers, "the scan is not attached to the configured log handler"


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_process_reports_leaks_in_its_log_lines_rows_and_log_file(settings):
    """The worker installs the scan on its own handlers and rows and reports to the session's
    file; its log file is read at the end of the session."""
    from tests.support.celery_app import PROBE, secret_scan_probe

    report = Path(os.environ[secret_scan.REPORT_ENV])
    worker = WorkerProcess().start()
    try:
        secret_scan_probe.delay("probe sbx-exact-at-probe-0001")
        wait_until(lambda: len(_probe_lines(report)) == 2, timeout=30)
    finally:
        worker.stop()
    assert sorted(line.split(": ", 1)[1] for line in _probe_lines(report)) == [
        f"ApiCall {ApiCall.objects.get(operation=PROBE).pk} ({PROBE}) holds 'sbx-exact-at-'",
        f"log line from {PROBE} holds 'sbx-exact-at-'",
    ]
    session = secret_scan.Session(settings.VAR_DIR)
    session.started = 0
    assert f"worker log {worker.log_path.name} holds 'sbx-exact-at-'" in session.worker_log_leaks()

    # The probe's leaks were put there on purpose (Celery's own log lines repeat its argument):
    # take out everything this worker reported, and its log, so the session passes.
    ours = f"worker {worker.proc.pid}: "
    kept = [line for line in report.read_text().splitlines() if not line.startswith(ours)]
    report.write_text("".join(f"{line}\n" for line in kept))
    worker.log_path.unlink()


def test_a_leak_an_xdist_worker_finds_at_its_end_fails_the_run_and_is_named(tmp_path):
    """Under pytest-xdist each worker has a session and a scan of its own, and its exit status
    is not passed on: the main process fails the run on what the workers' scans found."""
    inherited = (SEPARATED_FOR, "PYTEST_XDIST_WORKER", "PYTEST_XDIST_WORKER_COUNT")
    env = {k: v for k, v in os.environ.items() if k not in inherited}
    # Its own VAR_DIR and static files (its main process collects them: not into this run's).
    env |= {"VAR_DIR": str(tmp_path / "var"), "STATIC_ROOT": str(tmp_path / "static")}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-n", "1",
         "tests/support/secret_scan_xdist_probe.py"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert "1 passed" in run.stdout, run.stdout + run.stderr
    assert run.returncode == 1, run.stdout
    assert re.search(r"gw0: worker log test-worker-\d+-probe.log holds 'sbx-at-'", run.stdout)


def _probe_lines(report: Path) -> list[str]:
    from tests.support.celery_app import PROBE

    text = report.read_text() if report.exists() else ""
    return [line for line in text.splitlines() if PROBE in line]
