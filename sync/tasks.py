"""Celery tasks of the pipeline: thin, they take ids and call services."""

import logging

from celery import shared_task
from django.conf import settings

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def sync_job(job_id: int, trigger: str = ""):
    """A run slot: runs the fairest due job (`job_id` only when the fair choice has none)."""
    from connectors.errors import INFRASTRUCTURE_ERRORS
    from sync.dispatch import queue_run
    from sync.jobs import job_run
    from sync.models import JobState

    result = job_run(job_id, trigger=trigger, fair=True)
    if result is None:
        return None
    if result.state == JobState.FAILED:
        _tell_alerts(result.job_id)
    # Short waits get a countdown message; longer ones wait in the database for the sweeper.
    if result.retry_in is not None and result.retry_in <= settings.CELERY_MAX_COUNTDOWN:
        try:
            queue_run(result.job_id, trigger="retry", countdown=result.retry_in)
        except INFRASTRUCTURE_ERRORS:
            # The broker is down: the job is pending with its time in the database, and the
            # sweeper queues it once the broker is back. Nothing is lost.
            logger.warning(
                "job %s: retry not queued (broker unreachable)", result.job_id, exc_info=True
            )
    return result.state


def _tell_alerts(job_id: int) -> None:
    """A job failed for good: its alert goes out now rather than at the next minute's check.
    By name, one message: the pipeline neither waits for it nor fails when the broker is away
    (the check every minute finds the job anyway)."""
    from config.celery import app

    try:
        app.send_task("alerts.tasks.job_failed", (job_id,))
    except Exception:
        logger.warning("job %s: alert not queued (broker unreachable)", job_id, exc_info=True)


@shared_task
def dispatch_due_jobs():
    """Tops the sync queue up to the due jobs: replaces lost run messages, never swells it."""
    from sync.dispatch import top_up

    return top_up()


@shared_task
def dispatch_due_polls():
    """One fan-out for every tenant's cadence (Connection.next_poll_at), not a beat row each."""
    from sync.polling import due_connection_ids

    ids = due_connection_ids()
    for connection_id in ids:
        poll_connection.delay(str(connection_id))
    return len(ids)


@shared_task(acks_late=True)
def poll_connection(connection_id: str):
    from sync.polling import orders_poll

    return orders_poll(connection_id)


@shared_task
def poll_erp_stream_all(stream: str):
    """One fan-out per ERP → store stream, for every connection whose ERP lists its changes."""
    from sync.streams import stream_connection_ids

    ids = stream_connection_ids(stream)
    for connection_id in ids:
        poll_erp_stream.delay(str(connection_id), stream)
    return len(ids)


@shared_task(acks_late=True)
def poll_erp_stream(connection_id: str, stream: str):
    from sync.streams import stream_poll

    return stream_poll(connection_id, stream)


@shared_task(acks_late=True)
def run_backfill(run_id: int):
    from sync.polling import backfill_run, bulk_run_step

    if (wait := bulk_run_step(run_id, backfill_run)) is not None:
        run_backfill.apply_async((run_id,), countdown=wait)


@shared_task(acks_late=True)
def run_customers_pull(run_id: int):
    from sync.polling import bulk_run_step, customers_pull_run

    if (wait := bulk_run_step(run_id, customers_pull_run)) is not None:
        run_customers_pull.apply_async((run_id,), countdown=wait)


@shared_task(acks_late=True)
def run_bulk_replay(run_id: int):
    from sync.replay import bulk_replay_run

    bulk_replay_run(run_id)


# Messages queued before the pipeline moved into this app (a deploy with work in flight) name the
# tasks by their old module; these names keep them runnable, so a backfill, a customer pull or a
# bulk replay under way is not stranded. (Lost run messages need nothing: the sweeper replaces
# them; nor do the ERP streams' polls, which beat asks for again within 5 minutes, from their
# cursors.) They can go once no worker older than the move is left with queued work.
@shared_task(name="connectors.tasks.run_backfill", acks_late=True)
def run_backfill_queued_before_the_move(run_id: int):
    run_backfill(run_id)


@shared_task(name="connectors.tasks.run_customers_pull", acks_late=True)
def run_customers_pull_queued_before_the_move(run_id: int):
    run_customers_pull(run_id)


@shared_task(name="connectors.tasks.run_bulk_replay", acks_late=True)
def run_bulk_replay_queued_before_the_move(run_id: int):
    run_bulk_replay(run_id)


@shared_task(name="connectors.tasks.sync_job", acks_late=True)
def sync_job_queued_before_the_move(job_id: int, trigger: str = ""):
    return sync_job(job_id, trigger)
