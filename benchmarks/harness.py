"""The production stack on loopback for benchmarks: a PostgreSQL database of its own, a redis-server
of its own (rate budgets, cache and Celery broker, so it can be stopped and restarted), gunicorn
(the app and the sandboxes under /sandbox/), the Celery events and sync workers and beat as in
Procfile.dev.

Every wait has a deadline; `Stack.stop()` stops everything it started, by pid (the worker by its
process group: prefork children included), and is called from `with Stack(...)`, also on error,
Ctrl-C or SIGTERM. Set `Stack.environ()` before Django is set up in the calling process.
"""

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
# As Procfile.dev: webhook hand-overs on a worker of their own, so intake never waits behind sync jobs.
EVENT_QUEUES = "webhooks"
QUEUES = "sync,poll,default"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def wait_for(predicate, *, timeout: float, interval: float = 0.2, what: str):
    """Poll until predicate() is truthy (returns it); raise TimeoutError naming `what`."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not within {timeout:.0f} s")
        time.sleep(interval)


def settled_when(missing, *, timeout: float, interval: float = 2.0) -> float | None:
    """Wait until `missing()` (the placed orders still without their ERP document) is empty and
    no job is pending or running. Returns when that was (time.time()), or None when the deadline
    came first."""
    from sync.models import JobState, SyncJob

    deadline = time.time() + timeout
    while time.time() < deadline:
        busy = SyncJob.objects.filter(state__in=[JobState.PENDING, JobState.RUNNING])
        if not missing() and not busy.exists():
            return time.time()
        time.sleep(interval)
    return None


def percentile(values, q: float) -> float:
    """Nearest-rank percentile (q in 0..100); nan for no values."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def _stop(process: subprocess.Popen | None, *, group: bool = False, grace: float = 10) -> None:
    """SIGTERM, then SIGKILL after `grace` seconds; `group`: the whole process group."""
    if process is None or process.poll() is not None:
        if group and process is not None:  # orphaned children of a dead leader
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
        return
    send = (lambda sig: os.killpg(process.pid, sig)) if group else process.send_signal
    with contextlib.suppress(ProcessLookupError):
        send(signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            send(signal.SIGKILL)
        process.wait(timeout=5)
    if group:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)


class Stack:
    def __init__(self, *, db_name: str, web_workers: int = 2, concurrency: int = 2):
        self.db_name, self.web_workers, self.concurrency = db_name, web_workers, concurrency
        self.dir = Path(tempfile.mkdtemp(prefix="mlc-bench-"))
        self.redis_port, self.web_port = free_port(), free_port()
        self.base_url = f"http://{HOST}:{self.web_port}"
        self.redis = self.web = self.worker = self.events = self.beat = self.sender = None
        self.workers_started = 0

    # --- environment ----------------------------------------------------------------------
    def environ(self) -> dict:
        return {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": f"{PG_SERVER}/{self.db_name}",
            "REDIS_URL": f"redis://{HOST}:{self.redis_port}/0",
            "DEBUG": "false",
            # The sandboxes under /sandbox/, their apps as MYOB/Exact defaults, loopback allowed.
            "DEMO_MODE": "true",
            "PUBLIC_BASE_URL": self.base_url,
            "SECURE_SSL_REDIRECT": "false",  # plain HTTP on loopback
            "ALLOWED_HOSTS": HOST,
            "SECRET_KEY": secrets.token_urlsafe(50),
            "SALT_KEY": secrets.token_urlsafe(24),
            "VAR_DIR": str(self.dir / "var"),  # an empty one: no var/.env of the checkout
            "STATIC_ROOT": str(self.dir / "var" / "staticfiles"),
        }

    def __enter__(self):
        os.environ.update(self.environ())
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run __exit__
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    # --- database -------------------------------------------------------------------------
    def database_create(self) -> None:
        import psycopg

        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {self.db_name} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {self.db_name}")

    def database_drop(self) -> None:
        import psycopg
        from django.db import connections

        connections.close_all()
        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {self.db_name} WITH (FORCE)")

    # --- redis ----------------------------------------------------------------------------
    def redis_start(self) -> None:
        """Loads dump.rdb from its directory if there is one (a restart that kept its data)."""
        log = open(self.dir / "redis.log", "ab")  # noqa: SIM115 - closed with the process
        self.redis = subprocess.Popen(
            ["redis-server", "--port", str(self.redis_port), "--bind", HOST, "--save", "",
             "--appendonly", "no", "--dir", str(self.dir), "--dbfilename", "dump.rdb"],
            stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        log.close()
        wait_for(self._redis_answers, timeout=15, what="redis-server answering")

    def _redis_answers(self) -> bool:
        try:
            with socket.create_connection((HOST, self.redis_port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def redis_stop(self, *, keep_data: bool) -> None:
        """keep_data: SAVE first, so the next start loads what was there (a broker restart);
        otherwise the next start is empty (an outage that lost everything)."""
        dump = self.dir / "dump.rdb"
        if keep_data:
            subprocess.run(["redis-cli", "-p", str(self.redis_port), "SAVE"],
                           capture_output=True, timeout=30, check=False)  # fmt: skip
        else:
            dump.unlink(missing_ok=True)
        subprocess.run(["redis-cli", "-p", str(self.redis_port), "SHUTDOWN", "NOSAVE"],
                       capture_output=True, timeout=30, check=False)  # fmt: skip
        try:
            self.redis.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.redis.kill()
            self.redis.wait(timeout=5)

    # --- gunicorn, worker, beat -----------------------------------------------------------
    def _spawn(self, name: str, command: list[str], *, group: bool = False) -> subprocess.Popen:
        log = open(self.dir / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(
            command, cwd=ROOT, env=os.environ.copy(), stdout=log, stderr=subprocess.STDOUT,
            start_new_session=group,
        )  # fmt: skip
        log.close()
        return process

    def web_start(self) -> None:
        self.web = self._spawn("gunicorn", [
            sys.executable, "-m", "gunicorn", "-c", "python:config.gunicorn", "config.wsgi",
            "--bind", f"{HOST}:{self.web_port}", "--workers", str(self.web_workers),
            "--access-logfile", "/dev/null",
        ])  # fmt: skip
        wait_for(self._web_answers, timeout=60, interval=0.3, what="gunicorn answering /healthz")

    def _web_answers(self) -> bool:
        if self.web.poll() is not None:
            raise RuntimeError(f"gunicorn exited; see {self.dir / 'gunicorn.log'}")
        try:
            with socket.create_connection((HOST, self.web_port), timeout=2) as sock:
                sock.sendall(f"GET /healthz HTTP/1.1\r\nHost: {HOST}\r\n\r\n".encode())
                return sock.recv(64).startswith(b"HTTP/1.1 200")
        except OSError:
            return False

    def worker_start(self) -> None:
        self.workers_started += 1
        name = f"worker{self.workers_started}"
        self.worker = self._spawn(name, [
            sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", QUEUES,
            "--concurrency", str(self.concurrency), "-l", "INFO", "-n", f"bench{self.workers_started}@%h",
        ], group=True)  # fmt: skip
        log = self.dir / f"{name}.log"
        wait_for(lambda: "ready" in log.read_text(errors="replace") or self.worker.poll() is not None,
                 timeout=60, interval=0.3, what="the Celery worker ready")  # fmt: skip
        if self.worker.poll() is not None:
            raise RuntimeError(f"the worker exited; see {log}")

    def events_start(self) -> None:
        """The events worker (webhook hand-overs), as Procfile.dev's `events:`."""
        self.events = self._spawn("events", [
            sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", EVENT_QUEUES,
            "--concurrency", "1", "-l", "INFO", "-n", "benchevents@%h",
        ], group=True)  # fmt: skip
        log = self.dir / "events.log"
        wait_for(lambda: "ready" in log.read_text(errors="replace") or self.events.poll() is not None,
                 timeout=60, interval=0.3, what="the events worker ready")  # fmt: skip
        if self.events.poll() is not None:
            raise RuntimeError(f"the events worker exited; see {log}")

    def worker_kill(self) -> None:
        """kill -9 of the worker and its pool processes, as an OOM kill or a lost host would."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.worker.pid, signal.SIGKILL)
        self.worker.wait(timeout=10)

    def sender_start(self, app: str, queue: str, concurrency: int = 8) -> None:
        """A worker for a vendor's side (e.g. the sandbox store's webhook sender) on its own queue."""
        self.sender = self._spawn("sender", [
            sys.executable, "-m", "celery", "-A", app, "worker", "-Q", queue, "--pool", "threads",
            "--concurrency", str(concurrency), "-l", "INFO", "-n", "sender@%h",
            "--without-mingle", "--without-gossip",
        ], group=True)  # fmt: skip
        log = self.dir / "sender.log"
        wait_for(lambda: "ready" in log.read_text(errors="replace") or self.sender.poll() is not None,
                 timeout=60, interval=0.3, what="the sender worker ready")  # fmt: skip
        if self.sender.poll() is not None:
            raise RuntimeError(f"the sender exited; see {log}")

    def beat_start(self) -> None:
        self.beat = self._spawn("beat", [
            sys.executable, "-m", "celery", "-A", "config", "beat", "-l", "INFO",
            "--pidfile=", "--schedule", str(self.dir / "beat-schedule"),
        ])  # fmt: skip

    def database_ready(self) -> None:
        """Its redis-server and a new database, migrated, with Django set up in this process."""
        self.redis_start()
        self.database_create()
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)

    def production_start(self) -> None:
        """The whole stack as Procfile.dev runs it, on a new migrated database: Django set up in
        this process, the beat schedule written, web, the store's webhook sender, the events and
        sync workers and beat."""
        self.database_ready()
        from django.core.management import call_command

        call_command("sync_beat_schedule", verbosity=0)
        self.web_start()
        from benchmarks.bc_sender import SENDER_QUEUE

        self.sender_start("benchmarks.bc_sender", SENDER_QUEUE)
        self.events_start()
        self.worker_start()
        self.beat_start()

    def stop(self) -> None:
        stopping = (
            (self.beat, False), (self.sender, True), (self.worker, True), (self.events, True),
            (self.web, False),
        )  # fmt: skip
        for process, group in stopping:
            with contextlib.suppress(Exception):
                _stop(process, group=group)
        with contextlib.suppress(Exception):
            if self.redis is not None and self.redis.poll() is None:
                self.redis.kill()
                self.redis.wait(timeout=5)

    def finish(self, *, keep_db: bool, keep_files: bool) -> None:
        """After a run, also a failed or interrupted one: everything stopped, the database
        dropped unless kept, the logs removed unless kept (their folder is printed then)."""
        self.stop()
        if not keep_db:
            try:
                self.database_drop()
            except Exception as exc:
                print(f"could not drop {self.db_name}: {exc}")
        if keep_files:
            print(f"logs kept in {self.dir}")
        else:
            self.remove_files()

    def remove_files(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)
