"""Processes for broker-outage tests: the web process and beat on a private Redis broker the test
stops and restarts empty (tests/support/redis_server.py; never the shared Redis), as separate
processes like in production. The worker is tests/support/worker.py's, given `broker_env(broker)`.

Tests that use them must be transactional (`django_db(transaction=True)`) so the processes see
their rows.
"""

import os
import subprocess
import sys
from pathlib import Path

import requests
from django.conf import settings

from tests.support import secret_scan
from tests.support.ports import free_port
from tests.support.redis_server import PrivateRedis
from tests.support.worker import ROOT, wait_until, worker_database_url


def queued(broker: PrivateRedis, queue: str) -> int:
    """Messages waiting in one Celery queue (kombu's Redis transport keeps a list per queue)."""
    import redis

    return redis.Redis.from_url(broker.url).llen(queue)


def broker_env(broker: PrivateRedis) -> dict:
    """What a process needs to use the private broker (the cache and rate budgets stay on the
    shared Redis)."""
    return {"CELERY_BROKER_URL": broker.url}


def process_env(extra: dict) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": worker_database_url(),
        "SECRET_KEY": settings.SECRET_KEY,
        "SALT_KEY": ",".join(settings.SALT_KEY),
        **extra,
    }


class WebProcess:
    """gunicorn with the production settings (config/gunicorn.py): webhook intake and the sandbox
    store's API, with their own hand-over to the broker."""

    def __init__(self, log_dir: Path, extra_env: dict | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = Path(log_dir) / f"gunicorn-{self.port}.log"
        self.extra_env = extra_env or {}
        self.proc = None

    def start(self) -> "WebProcess":
        self.log = self.log_path.open("w")
        secret_scan.watch_log(self.log_path)  # its access log, read at the session's end
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "python:config.gunicorn", "config.wsgi",
             "--bind", f"127.0.0.1:{self.port}", "--workers", "1", "--threads", "4"],
            cwd=ROOT, env=process_env(self.extra_env), stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            wait_until(self._answers, timeout=60, message="gunicorn did not start in 60 s")
        except AssertionError:
            self.stop()
            raise
        return self

    def _answers(self) -> bool:
        assert self.proc.poll() is None, self.log_path.read_text()[-2000:]
        try:
            requests.get(f"{self.url}/", timeout=2, allow_redirects=False)
        except (requests.ConnectionError, requests.Timeout):  # still booting
            return False
        return True

    def kill(self) -> None:
        """As the machine would: no graceful stop, whatever it holds in memory is gone."""
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log.close()


class BeatProcess:
    """celery beat on the database scheduler, running only the named periodic tasks of
    config/schedule.py (written with sync_beat_schedule), at their declared intervals."""

    def __init__(self, log_dir: Path, tasks: list[str], extra_env: dict | None = None):
        self.tasks = tasks
        self.log_path = Path(log_dir) / "beat.log"
        self.extra_env = extra_env or {}
        self.proc = None

    def start(self) -> "BeatProcess":
        from django.core.management import call_command
        from django_celery_beat.models import PeriodicTask

        call_command("sync_beat_schedule", verbosity=0)
        PeriodicTask.objects.exclude(task__in=self.tasks).update(enabled=False)
        assert set(PeriodicTask.objects.filter(enabled=True).values_list("task", flat=True)) == set(
            self.tasks
        ), "a task named for beat is not in the schedule"
        self.log = self.log_path.open("w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "beat", "-l", "INFO"],
            cwd=ROOT, env=process_env(self.extra_env), stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            wait_until(
                lambda: "beat: Starting" in self.log_path.read_text(errors="replace"),
                timeout=60,
                message="beat did not start",
            )
        except AssertionError:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
