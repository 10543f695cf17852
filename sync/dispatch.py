"""Run messages: every job made pending gets one, and the sweeper tops the sync queue up to the
number of due jobs, so messages lost with the broker are replaced at its next pass, whatever else
is running. A message is a run slot (sync/scheduling.py chooses the job it runs).
"""

from datetime import timedelta

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from kombu.exceptions import ChannelError

from config.celery import app
from sync.models import JobState, SyncJob
from sync.scheduling import needing_a_slot

# The queue the run messages wait in (config/celery.py routes sync_* there).
SYNC_QUEUE = "sync"


def without_a_message() -> Q:
    """No run message noted on its way. A noted one lost with the broker is the sweeper's to
    replace (`top_up`), by count."""
    return Q(queued_for__isnull=True)


def note_message(job_id: int, due_at) -> bool:
    """Note on the job that a run message due at `due_at` is on its way. False when one already
    is, due no later (the one message is enough)."""
    return bool(
        SyncJob.objects.filter(pk=job_id)
        .filter(without_a_message() | Q(queued_for__gt=due_at))
        .update(queued_for=due_at, updated_at=F("updated_at"))
    )


def send_message(job_id: int, *, trigger: str, countdown: float = 0.0, due_at=None) -> None:
    """Send the run message noted by `note_message`. If the broker refuses it, the note is taken
    back so the sweeper queues the job at its next pass (not after the lost-message grace)."""
    from sync.tasks import sync_job

    try:
        sync_job.apply_async((job_id,), {"trigger": trigger}, countdown=countdown or None)
    except Exception:
        filters = {"queued_for": due_at} if due_at else {}
        SyncJob.objects.filter(pk=job_id, **filters).update(
            queued_for=None, updated_at=F("updated_at")
        )
        raise


def queue_run(job_id: int, *, trigger: str, countdown: float = 0.0) -> bool:
    """One run message for the job, due in `countdown` seconds, unless one is already on its way."""
    due_at = timezone.now() + timedelta(seconds=countdown)
    if not note_message(job_id, due_at):
        return False
    send_message(job_id, trigger=trigger, countdown=countdown, due_at=due_at)
    return True


def waiting_run_messages() -> int:
    """Run messages waiting in the broker's sync queue (Redis: the list's length; file broker:
    its files). Messages a worker has reserved are not counted: with prefetch 1 they are a few
    per worker, and the top-up errs on sending."""
    with app.connection_for_read() as conn:
        try:
            return conn.default_channel.queue_declare(SYNC_QUEUE, passive=True).message_count
        except ChannelError:  # Redis keeps no empty list: no queue is no message
            return 0


def top_up(limit: int = 500) -> int:
    """The sweeper's rule: send as many run messages as due jobs outnumber the messages waiting.
    Messages lost with the broker are replaced at the next pass, even while other runs go on; a
    surplus is harmless (a slot with nothing due runs nothing) and never grows by sweeping, since
    the queue is only filled up to the due count. Returns the number sent."""
    now = timezone.now()
    jobs = needing_a_slot(now)
    missing = min(jobs.count() - waiting_run_messages(), limit)  # a bounded pass
    if missing <= 0:
        return 0
    ids = list(jobs.values_list("id", flat=True)[:missing])
    SyncJob.objects.filter(pk__in=ids).update(queued_for=now, updated_at=F("updated_at"))
    for job_id in ids:
        send_message(job_id, trigger="sweeper", due_at=now)
    return len(ids)


def job_dispatch(job_id: int, *, trigger: str) -> None:
    """Queue a run once the surrounding transaction has committed (never a phantom id), unless
    a run message for the job is already on its way."""
    due_at = timezone.now()
    if note_message(job_id, due_at):
        transaction.on_commit(lambda: send_message(job_id, trigger=trigger, due_at=due_at))


def jobs_dispatch_waiting(*, connection) -> int:
    """After activation: run the jobs that waited while the connection was paused."""
    ids = list(
        SyncJob.objects.filter(connection=connection, state=JobState.PENDING).values_list(
            "id", flat=True
        )
    )
    for job_id in ids:
        job_dispatch(job_id, trigger="activation")
    return len(ids)
