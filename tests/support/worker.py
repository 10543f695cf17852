"""A real Celery worker process for tests, consuming every queue on the test database and the
test run's broker (Redis, or the embedded file broker under VAR_DIR).

Tests that use it must be transactional (`django_db(transaction=True)`) so the worker, another
process, sees their rows.
"""

import itertools
import os
import subprocess
import sys
import time
from pathlib import Path

from django.db import connection

from config.celery import QUEUES, app

ROOT = Path(__file__).resolve().parents[2]


def worker_database_url() -> str:
    """The test database, as another process (a worker, gunicorn) reaches it: PostgreSQL's test
    database, or the embedded backend's SQLite file."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(settings['NAME']).resolve()}"
    host, port = settings.get("HOST") or "127.0.0.1", settings.get("PORT") or 5432
    user = settings.get("USER") or "postgres"
    return f"postgres://{user}@{host}:{port}/{settings['NAME']}"


_started = itertools.count(1)


class WorkerProcess:
    def __init__(self, concurrency: int = 2, extra_env: dict | None = None, queues: tuple = QUEUES):
        self.concurrency = concurrency
        self.queues = queues
        self.extra_env = extra_env or {}
        self.proc = None
        from django.conf import settings

        # One file per worker (the secret scan reads every one at the end of the session).
        number = next(_started)
        self.name = f"test-{os.getpid()}-{number}"  # two workers in one test: two node names
        self.log_path = settings.VAR_DIR / f"test-worker-{os.getpid()}-{number}.log"

    def start(self, *, purge: bool = True):
        """`purge=False` for a second worker joining one at work: its queued messages stay."""
        if purge:
            app.control.purge()
        env = {**os.environ, "DATABASE_URL": worker_database_url(), **self.extra_env}
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self.log = self.log_path.open("w")
        self.proc = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "tests.support.celery_app", "worker",
                "-Q", ",".join(self.queues), "--pool=threads", f"--concurrency={self.concurrency}",
                "--without-heartbeat", "--without-mingle", "--without-gossip", "-l", "INFO",
                "-n", f"{self.name}@%h",
            ],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.time() + 30
        while time.time() < deadline:
            if "ready" in self.log_path.read_text(errors="replace"):
                return self
            if self.proc.poll() is not None:
                raise RuntimeError(f"worker exited: {self.log_path.read_text()[-2000:]}")
            time.sleep(0.05)
        raise RuntimeError("worker did not become ready in 30 s")

    def stop(self):
        """A warm shutdown, cut short. On the file broker the worker only notices the signal
        between its 2-second waits for messages and took 4 s to go, so it was always killed after
        3: it is killed at once (SQLite commits in the process, a message file is taken whole)."""
        if self.proc and self.proc.poll() is None:
            broker = self.extra_env.get("CELERY_BROKER_URL") or app.conf.broker_url
            if broker.startswith("filesystem"):
                self.proc.kill()
            else:
                self.proc.terminate()
            try:
                self.proc.wait(timeout=3)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        app.control.purge()

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")


def procfile_worker_queues(procfile: str = "Procfile.dev") -> list[tuple[str, ...]]:
    """The queues of each Celery worker process a Procfile starts, in its order: tests start their
    workers as the product runs them (so a change to the Procfile's split is tested)."""
    workers = []
    for line in (ROOT / procfile).read_text().splitlines():
        _, _, command = line.partition(":")
        words = command.split()
        if "celery" in " ".join(words[:1]) and "worker" in words and "-Q" in words:
            workers.append(tuple(words[words.index("-Q") + 1].split(",")))
    return workers


def jobs_settled(connection, count: int, kind: str | None = None):
    """For wait_until: at least `count` of the connection's sync jobs (of `kind`) have ended."""
    from sync.models import JobState, SyncJob

    done = SyncJob.objects.filter(
        connection=connection, state__in=[JobState.SUCCEEDED, JobState.FAILED]
    )
    if kind is not None:
        done = done.filter(kind=kind)
    return lambda: done.count() >= count


def redeliver_and_replay(store, job):
    """BigCommerce redelivers every event the store sent, twice, and a person replays the job;
    waits for the replay to end and returns the job as it ended. Each redelivery must be answered
    2xx (else BigCommerce retries it for 48 hours, then switches the hook off) and store nothing
    new: the event is already known by its hash."""
    from sandbox.bigcommerce.delivery import attempt
    from sandbox.bigcommerce.models import BcDelivery
    from sync.models import JobState, SyncJob
    from sync.replay import job_replay
    from webhooks.models import InboundEvent

    deliveries = BcDelivery.objects.filter(hook__store=store)
    assert deliveries.exists()
    # The worker sends the first deliveries: all must have landed before the events are counted.
    wait_until(
        lambda: not deliveries.exclude(state="delivered").exists(),
        timeout=30,
        message="not every first delivery was accepted",
    )
    events = InboundEvent.objects.filter(connection_id=job.connection_id)
    stored = events.count()
    for delivery in list(deliveries) * 2:
        BcDelivery.objects.filter(pk=delivery.pk).update(state="pending")
        retry_in = attempt(delivery.pk)
        answer = BcDelivery.objects.get(pk=delivery.pk).attempts[-1]
        assert retry_in is None and 200 <= (answer["status"] or 0) < 300, (
            f"the redelivery of {delivery.message_id} was refused: {answer}"
        )
    assert events.count() == stored, "a redelivery was stored as a new event (not deduplicated)"
    runs = SyncJob.objects.get(pk=job.pk).attempt_log.count()
    assert job_replay(job=SyncJob.objects.get(pk=job.pk))
    wait_until(lambda: SyncJob.objects.get(pk=job.pk).attempt_log.count() > runs, timeout=30)
    wait_until(
        lambda: SyncJob.objects.get(pk=job.pk).state in (JobState.SUCCEEDED, JobState.FAILED),
        timeout=30,
    )
    return SyncJob.objects.get(pk=job.pk)


def wait_until(predicate, timeout: float = 20, interval: float = 0.1, message: str = ""):
    # 0.1 s: a test waits on average half an interval past the moment its condition holds, about
    # 90 waits in the suite; a check is one small query.
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError(message or "condition not met in time")
