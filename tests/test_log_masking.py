"""Credential values never reach a log line: an OAuth callback's `code` and `state` are masked in
Django's request warnings (the `request` field too) and in gunicorn's access log, the production
web server's, with the settings of config/gunicorn.py."""

import io
import json
import logging
import os
import signal
import subprocess
import sys
import time

import pytest
import requests

from audit.logging import RedactSecretsFilter
from audit.redaction import MASK
from tests.support import secret_scan
from tests.support.ports import free_port

CODE = "sbx-code-logged-0001"  # markers the session's secret scan knows
STATE = "sbx-code-state-0002"


@pytest.fixture
def console():
    """What the configured log handler (settings.LOGGING's console) writes, as it writes it."""
    handler = next(
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, RedactSecretsFilter) for f in h.filters)
    )
    written = io.StringIO()
    stream = handler.setStream(written)
    yield written
    handler.setStream(stream)


def _json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


@pytest.mark.django_db
def test_a_refused_oauth_callback_logs_its_request_with_code_and_state_masked(
    client, owner, console
):
    owner.is_staff = True
    owner.save()
    client.force_login(owner)
    response = client.get(f"/myob/connect/callback/?code={CODE}&state={STATE}")
    assert response.status_code == 400  # no sign-in was started: Django logs a warning

    logged = console.getvalue()
    warning = next(line for line in _json_lines(logged) if line["logger"] == "django.request")
    assert CODE not in logged and STATE not in logged
    assert f"code={MASK}&state={MASK}" in warning["request"]


def test_the_access_log_masks_codes_in_the_request_line_the_query_and_the_referer(
    tmp_path, settings
):
    """`next=` carries the callback's own query percent-encoded when the sign-in has expired."""
    port, log_path = free_port(), tmp_path / "gunicorn.log"
    secret_scan.watch_log(log_path)  # and the session's scan reads it too
    access_log_format = '%(h)s "%(r)s" %(s)s q="%(q)s" referer="%(f)s" auth="%({authorization}i)s"'
    env = {**os.environ, "VAR_DIR": str(tmp_path), "STATIC_ROOT": str(settings.STATIC_ROOT)}
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [
                sys.executable, "-m", "gunicorn", "-c", "python:config.gunicorn", "config.wsgi",
                "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "1",
                "--access-logformat", access_log_format,
            ],
            env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            callback = f"http://127.0.0.1:{port}/myob/connect/callback/?code={CODE}&state={STATE}"
            response = _get_when_up(
                callback,
                headers={"Referer": callback, "Authorization": "Bearer static-token-abcdef-1"},
            )
            assert response.history[0].status_code == 302  # to the sign-in page, with next=…
            assert "%3Fcode%3D" in response.url
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)

    access = [line for line in log_path.read_text().splitlines() if line.startswith("127.0.0.1 ")]
    text = "\n".join(access)
    assert len(access) == 2, log_path.read_text()
    assert secret_scan.find_markers(text) == []
    assert f"/myob/connect/callback/?code={MASK}&state={MASK} HTTP/1.1" in access[0]
    assert f'q="code={MASK}&state={MASK}"' in access[0]
    assert f'auth="{MASK}"' in access[0]
    assert f"%3Fcode%3D{MASK}%26state%3D{MASK}" in access[1]


def _get_when_up(url: str, headers: dict, timeout: float = 30) -> requests.Response:
    deadline = time.monotonic() + timeout
    while True:
        try:
            return requests.get(url, headers=headers, timeout=10)
        except requests.ConnectionError:  # still booting
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.2)


def test_the_error_log_masks_codes_in_a_failed_request_and_its_traceback(tmp_path):
    """What gunicorn writes when a request fails outside Django: its address and the traceback."""
    from gunicorn.config import Config

    from config import gunicorn as production

    cfg = Config()
    cfg.set("logger_class", production.logger_class)
    cfg.set("errorlog", str(tmp_path / "error.log"))
    logger = cfg.logger_class(cfg)
    address = f"/myob/connect/callback/?code={CODE}&state={STATE}"
    try:
        raise ConnectionResetError(f"peer went away during GET {address}")
    except ConnectionResetError:
        logger.exception("Error handling request %s", address)

    written = (tmp_path / "error.log").read_text()
    assert "Error handling request /myob/connect/callback/" in written
    assert "ConnectionResetError" in written  # the traceback is kept, masked
    assert secret_scan.find_markers(written) == []
    assert written.count(f"code={MASK}&state={MASK}") == 2
