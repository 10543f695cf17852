"""The scan itself must be able to fail: it sees a leak in a row and in a log line."""

import logging

from audit.models import ApiCall
from tests.support import secret_scan


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
