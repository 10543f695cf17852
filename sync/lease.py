"""A running job's lease: who runs it, and until when that claim holds.

A claim gives the run a random owner token and an expiry (settings.SYNC_LEASE_SECONDS). While the run lives, a
heartbeat thread renews it; a run whose worker died (killed, OOM, machine gone) stops renewing,
and once the expiry passes the sweeper's next pass hands the job to another worker.

Fencing: a worker frozen past its lease (GC pause, SIGSTOP, a network stall) may wake up after
another worker took the job over. Every write the run makes to the job row is conditional on the
owner token, and before every request that changes something in the ERP or the store, the shared
HTTP client checks (and renews) the lease through `current_lease()`: a lost lease raises
`LeaseLost` instead of sending.
"""

import contextlib
import contextvars
import logging
import secrets
import threading
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import connections
from django.db.models import F, Q
from django.utils import timezone

from connectors.errors import TransientError
from sync.models import JobState, SyncJob

logger = logging.getLogger(__name__)


def lease_length() -> timedelta:
    return timedelta(seconds=settings.SYNC_LEASE_SECONDS)


def heartbeat_every() -> float:
    """Four renewals per lease: one may be late (a slow database) and the next still in time."""
    return lease_length().total_seconds() / 4


class LeaseLost(TransientError):
    """Another worker took this job over: this run must not write anything more."""

    def __init__(self, job_id: int):
        super().__init__(
            f"Another worker took over job {job_id} (this run stalled past its lease); "
            "this run stopped without sending anything more."
        )


def new_owner() -> str:
    return secrets.token_hex(16)


def lease_expiry():
    return timezone.now() + lease_length()


def job_owned(job: SyncJob):
    """The job's row while the run that claimed it still holds its lease: every write of the run
    goes here, so a run that another worker took over changes nothing."""
    return SyncJob.objects.filter(pk=job.pk, lease_owner=job.lease_owner)


def lapsed(now) -> Q:
    """Running, but its lease ran out: the worker died or froze, and the job is free to take."""
    return Q(state=JobState.RUNNING, lease_expires_at__lt=now)


@dataclass
class Lease:
    job_id: int
    owner: str
    lost: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def owned(self):
        """The job's row, as long as this run still owns it: every write goes through here."""
        return SyncJob.objects.filter(pk=self.job_id, lease_owner=self.owner)

    def renew(self) -> bool:
        """Pushes the expiry out; False (and lost for good) once another worker owns the job.
        "Updated at" stays: a heartbeat is not a change a person needs to see."""
        with self._lock:
            if self.lost:
                return False
            renewed = (
                self.owned()
                .filter(state=JobState.RUNNING)
                .update(lease_expires_at=lease_expiry(), updated_at=F("updated_at"))
            )
            self.lost = not renewed
            return not self.lost

    def confirm(self) -> None:
        """Before an unsafe request: raise rather than send if the lease is gone."""
        if not self.renew():
            logger.warning("job %s: lease lost, not sending", self.job_id)
            raise LeaseLost(self.job_id)


_current: contextvars.ContextVar[Lease | None] = contextvars.ContextVar("lease", default=None)


def current_lease() -> Lease | None:
    return _current.get()


class _Heartbeat(threading.Thread):
    def __init__(self, lease: Lease):
        super().__init__(name=f"lease-heartbeat-{lease.job_id}", daemon=True)
        self.lease = lease
        self.stopped = threading.Event()

    def run(self):
        try:
            while not self.stopped.wait(heartbeat_every()):
                try:
                    if not self.lease.renew():
                        return
                except Exception:  # the database away: the lease lapses, the job is reclaimed
                    logger.warning("job %s: lease renewal failed", self.lease.job_id, exc_info=True)
        finally:
            connections.close_all()  # this thread's own connection


@contextlib.contextmanager
def holding(lease: Lease):
    """The run's lease, renewed in the background and known to the HTTP client."""
    token = _current.set(lease)
    heartbeat = _Heartbeat(lease)
    heartbeat.start()
    try:
        yield lease
    finally:
        heartbeat.stopped.set()
        heartbeat.join(timeout=heartbeat_every())
        _current.reset(token)
