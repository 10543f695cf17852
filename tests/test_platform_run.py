"""The quick start itself: `./bin/run` in embedded mode (SQLite and the file-system broker) starts
web, the events and sync workers and beat; the printed login works; a task sent through the broker
runs in the worker; and a restart keeps the generated keys, so what was encrypted stays readable."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[1]
# Only what a shell on a fresh machine has: no database, broker, keys or mode from the test run.
PASSED_THROUGH = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "PYTHON")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RunCommand:
    """`./bin/run` as a user starts it, in its own VAR_DIR and on its own port."""

    def __init__(self, var_dir: Path, port: int):
        self.var_dir, self.port = var_dir, port
        self.base_url = f"http://127.0.0.1:{port}"
        self.log_path = var_dir.parent / f"run-{time.monotonic_ns()}.log"
        self.env = {k: v for k, v in os.environ.items() if k in PASSED_THROUGH}
        self.env |= {"VAR_DIR": str(var_dir), "PORT": str(port)}

    def __enter__(self):
        from tests.support import secret_scan

        self.log = self.log_path.open("w")
        secret_scan.watch_log(self.log_path)  # web, events, worker and beat all write here
        self.proc = subprocess.Popen(
            ["./bin/run"], cwd=ROOT, env=self.env, stdin=subprocess.DEVNULL,
            stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        return self

    def __exit__(self, *exc):
        # honcho (exec'd by bin/run) stops web, events, worker and beat on SIGTERM.
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for pid in map(int, re.findall(r"started \(pid=(\d+)\)", self.output())):
            if self._ours(pid):  # one that outlived honcho (checked: pids get reused)
                os.kill(pid, signal.SIGKILL)
        self.log.close()

    def _ours(self, pid: int) -> bool:
        try:
            return f"VAR_DIR={self.var_dir}\0".encode() in Path(f"/proc/{pid}/environ").read_bytes()
        except OSError:
            return False

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_for(self, pattern: str, timeout: float = 90) -> re.Match:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if match := re.search(pattern, self.output()):
                return match
            assert self.proc.poll() is None, f"bin/run exited:\n{self.output()[-4000:]}"
            time.sleep(0.2)
        raise AssertionError(f"no {pattern!r} within {timeout} s:\n{self.output()[-4000:]}")

    def wait_until_serving(self, timeout: float = 60) -> None:
        """Until /healthz answers 200: the web process is up and sees the database and broker."""
        deadline = time.monotonic() + timeout
        health = None
        while time.monotonic() < deadline:
            try:
                health = requests.get(f"{self.base_url}/healthz", timeout=10)
                if health.status_code == 200:
                    return
            except (requests.ConnectionError, requests.Timeout):  # gunicorn is still booting
                pass
            assert self.proc.poll() is None, f"bin/run exited:\n{self.output()[-4000:]}"
            time.sleep(0.2)
        said = f"{health.status_code} {health.text}" if health is not None else "nothing"
        raise AssertionError(f"{self.base_url}/healthz answered {said}:\n{self.output()[-4000:]}")

    def manage(self, *args: str) -> str:
        """A manage.py command run with this run's settings (its database, broker and keys)."""
        env = {**self.env, "DJANGO_SETTINGS_MODULE": "config.settings"}
        result = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True,
            text=True, timeout=60,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        return result.stdout

    def send_task(self) -> str:
        """Queue tenants.tasks.clear_expired_sessions from another process, as web would."""
        code = (
            "import django; django.setup()\n"
            "from tenants.tasks import clear_expired_sessions\n"
            "print(clear_expired_sessions.delay().id)"
        )
        env = {**self.env, "DJANGO_SETTINGS_MODULE": "config.settings"}
        result = subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
            timeout=60,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        return result.stdout.strip().splitlines()[-1]

    def sign_in(self, username: str, password: str) -> requests.Response:
        """Signs in as a person would; the signed-in session stays on self.session."""
        self.session = session = requests.Session()
        login = session.get(f"{self.base_url}/admin/login/", timeout=10)
        assert login.status_code == 200
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text).group(1)
        return session.post(
            f"{self.base_url}/admin/login/?next=/admin/",
            data={"csrfmiddlewaretoken": token, "username": username, "password": password},
            headers={"Referer": f"{self.base_url}/admin/login/"},
            timeout=10,
        )


@pytest.mark.worker
def test_run_starts_web_worker_and_beat_on_sqlite_and_the_file_broker(tmp_path):
    var_dir = tmp_path / "var"
    with RunCommand(var_dir, _free_port()) as run:
        login = run.wait_for(r"as (\S+@\S+) with password (\S+)")
        username, password = login.groups()
        run.wait_for(re.escape(f"open {run.base_url}/admin/"))
        run.wait_for(r"celery@\S+ ready")
        run.wait_for(r"events@\S+ ready")  # webhook hand-overs on a worker of their own
        run.wait_for(r"beat: Starting")
        assert "transport:   filesystem://" in run.output()
        assert (var_dir / "db.sqlite3").exists()
        run.wait_until_serving()

        signed_in = run.sign_in(username, password)  # a wrong password shows the form again
        assert signed_in.status_code == 200 and signed_in.url.endswith("/admin/")

        task_id = run.send_task()
        run.wait_for(rf"clear_expired_sessions\[{task_id}\] succeeded", timeout=30)

        # The demo as the README tells it: a test order in each demo store (demo1: MYOB, demo2:
        # Exact Online) becomes an invoice in its sandbox ERP through the signed webhook, the
        # worker and the audit, within seconds (the catch-up poll is 15 minutes away).
        for store, erp in (("demo1", "myob"), ("demo2", "exact_online")):
            placed = time.monotonic()
            order_id = re.search(
                r"order (\d+):", run.manage("sandbox_orders", "--store", store)
            ).group(1)
            assert _wait_for_job(run, order_id, timeout=45) == "succeeded", store
            assert time.monotonic() - placed < 45, store
            assert _arrival(run, order_id) == (
                f"webhook verified by signature, processed; runs: webhook; ERP: {erp}"
            ), store
        _assert_exact_sign_in_reaches_consent(run)

    keys = (var_dir / ".env").read_text()
    assert re.search(r"^SECRET_KEY=\S{40,}$", keys, re.M) and "DEMO_MODE=true" in keys
    assert (var_dir / ".env").stat().st_mode & 0o077 == 0  # readable by its owner only

    with RunCommand(var_dir, _free_port()) as again:
        # bootstrap reads the demo connection's encrypted secrets: a new key would fail here.
        again.wait_for(r"password shown at first start")
        again.wait_until_serving()
        assert again.sign_in(username, password).url.endswith("/admin/")
        _assert_exact_sign_in_reaches_consent(again)  # the app knows the new port's callback
    assert (var_dir / ".env").read_text() == keys


def _assert_exact_sign_in_reaches_consent(run: RunCommand) -> None:
    """'Connect Exact Online' on the demo's Exact connection leads to the sandbox's consent page,
    not to 'The client_id is not a registered app.'"""
    pk = run.manage(
        "shell", "-c", "from tenants.models import Connection; "
        "print(Connection.objects.get(erp_kind='exact_online').pk)",
    ).strip().splitlines()[-1]  # fmt: skip
    consent = run.session.get(f"{run.base_url}/exact_online/connect/{pk}/", timeout=10)
    assert consent.status_code == 200 and "/sandbox/exact_online/" in consent.url, consent.url
    assert "not a registered app" not in consent.text and "<form" in consent.text


JOB_STATE = (
    "from sync.models import SyncJob; job = SyncJob.objects.filter(kind='order', source_id={order!r}).first(); "
    "print('state', job.state if job else 'none', job.erp_document_id if job else '', "
    "job.api_calls.count() if job else 0, job.last_error if job else '')"
)


ARRIVAL = (
    "from sync.models import SyncJob; from webhooks.models import InboundEvent\n"
    "events = InboundEvent.objects.filter(resource_type='order', resource_id={order!r})\n"
    "job = SyncJob.objects.get(kind='order', source_id={order!r})\n"
    "runs = sorted(set(job.attempt_log.values_list('trigger', flat=True)))\n"
    "print('; '.join([*(f'webhook verified by {{e.headers.get(\"x-verified-by\")}}, {{e.state}}' "
    "for e in events), 'runs: ' + ', '.join(runs), 'ERP: ' + job.connection.erp_kind]))"
)


def _arrival(run: RunCommand, order_id: str) -> str:
    """How the order came in: its stored webhook events and what triggered its job's runs."""
    return run.manage("shell", "-c", ARRIVAL.format(order=order_id)).strip().splitlines()[-1]


def _wait_for_job(run: RunCommand, order_id: str, timeout: float = 90) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = run.manage("shell", "-c", JOB_STATE.format(order=order_id)).strip().splitlines()[-1]
        _, state, *rest = line.split(" ", 4)
        if state == "succeeded":
            document, calls = rest[0], int(rest[1])
            assert document and calls >= 4, line  # the order fetch, customer and invoice calls
            return state
        assert state != "failed", line
        time.sleep(1)
    raise AssertionError(
        f"order {order_id}: no finished job within {timeout} s:\n{run.output()[-4000:]}"
    )


@pytest.mark.parametrize(
    ("dependencies", "met"),
    [
        (["Django>=5.2,<5.3", "packaging>=20"], True),
        (["Django>=4.0,<4.1"], False),  # re-pinned since the install
        (["a-package-nobody-installed>=1"], False),  # added since the install
        (['a-package-nobody-installed>=1; python_version < "3"'], True),  # not for this Python
    ],
)
def test_install_step_runs_pip_only_when_pyproject_asks_for_something_missing(
    tmp_path, dependencies, met
):
    (tmp_path / "bin").mkdir()
    script = tmp_path / "bin" / "_requirements_met.py"
    script.write_text((ROOT / "bin" / "_requirements_met.py").read_text())
    (tmp_path / "pyproject.toml").write_text(f"[project]\ndependencies = {dependencies!r}\n")
    assert subprocess.run([sys.executable, str(script)], timeout=30).returncode == (0 if met else 1)
