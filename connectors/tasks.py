"""Celery tasks of the connectors: thin, they take ids and call services."""

import logging

from celery import shared_task
from django.conf import settings

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def sync_job(job_id: int, trigger: str = ""):
    """A run slot: runs the fairest due job (`job_id` only when the fair choice has none)."""
    from connectors import scheduling
    from connectors.errors import INFRASTRUCTURE_ERRORS
    from connectors.sync import run_job

    result = run_job(job_id, trigger=trigger, fair=True)
    if result is None:
        return None
    # Short waits get a countdown message; longer ones wait in the database for the sweeper.
    if result.retry_in is not None and result.retry_in <= settings.CELERY_MAX_COUNTDOWN:
        try:
            scheduling.queue_run(result.job_id, trigger="retry", countdown=result.retry_in)
        except INFRASTRUCTURE_ERRORS:
            # The broker is down: the job is pending with its time in the database, and the
            # sweeper queues it once the broker is back. Nothing is lost.
            logger.warning(
                "job %s: retry not queued (broker unreachable)", result.job_id, exc_info=True
            )
    return result.state


@shared_task
def dispatch_due_jobs():
    """Tops the sync queue up to the due jobs: replaces lost run messages, never swells it."""
    from connectors import scheduling

    return scheduling.top_up()


@shared_task
def refresh_expiring_tokens():
    """Fan out one refresh task per token that expires soon (idle connections stay alive)."""
    from connectors.token_refresh import tokens_due_soon

    ids = list(tokens_due_soon().values_list("id", flat=True))
    for token_id in ids:
        refresh_token.delay(token_id)
    return len(ids)


@shared_task(acks_late=True)
def refresh_token(token_id: int):
    from connectors.token_refresh import refresh_if_due

    return refresh_if_due(token_id)


@shared_task
def dispatch_due_polls():
    """One fan-out for every tenant's cadence (Connection.next_poll_at), not a beat row each."""
    from connectors.polling import due_connection_ids

    ids = due_connection_ids()
    for connection_id in ids:
        poll_connection.delay(str(connection_id))
    return len(ids)


@shared_task(acks_late=True)
def poll_connection(connection_id: str):
    from connectors.polling import poll_orders

    return poll_orders(connection_id)


@shared_task
def poll_erp_stream_all(stream: str):
    """One fan-out per ERP → store stream, for every connection whose ERP lists its changes."""
    from connectors.streams import stream_connection_ids

    ids = stream_connection_ids(stream)
    for connection_id in ids:
        poll_erp_stream.delay(str(connection_id), stream)
    return len(ids)


@shared_task(acks_late=True)
def poll_erp_stream(connection_id: str, stream: str):
    from connectors.streams import stream_poll

    return stream_poll(connection_id, stream)


@shared_task
def check_webhooks():
    from tenants.models import Connection, ConnectionStatus

    ids = list(
        Connection.objects.filter(status=ConnectionStatus.ACTIVE).values_list("pk", flat=True)
    )
    for connection_id in ids:
        check_connection_webhooks.delay(str(connection_id))
    return len(ids)


@shared_task(acks_late=True)
def check_connection_webhooks(connection_id: str):
    from connectors.bigcommerce.hooks import ensure_hooks
    from tenants.models import Connection

    return ensure_hooks(Connection.objects.get(pk=connection_id))


@shared_task(acks_late=True)
def run_backfill(run_id: int):
    from connectors.polling import backfill_run, bulk_run_step

    if (wait := bulk_run_step(run_id, backfill_run)) is not None:
        run_backfill.apply_async((run_id,), countdown=wait)


@shared_task(acks_late=True)
def run_customers_pull(run_id: int):
    from connectors.polling import bulk_run_step, customers_pull_run

    if (wait := bulk_run_step(run_id, customers_pull_run)) is not None:
        run_customers_pull.apply_async((run_id,), countdown=wait)


@shared_task(acks_late=True)
def run_bulk_replay(run_id: int):
    from connectors.replay import bulk_replay_run

    bulk_replay_run(run_id)
