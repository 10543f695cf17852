import logging

from celery import shared_task

logger = logging.getLogger(__name__)

SWEEP_BATCH = 100


@shared_task(acks_late=True)
def process_event(event_id: int):
    from webhooks.services import event_process

    return event_process(event_id)


@shared_task(acks_late=True)
def process_events(event_ids: list[int]):
    """A batch from the web process's hand-over (webhooks/handover.py). One event's failure does
    not hold up the others: it stays dispatched and the sweeper sends it again."""
    from webhooks.services import event_process

    for event_id in event_ids:
        try:
            event_process(event_id)
        except Exception:
            logger.exception(
                "event not processed; the sweeper retries it", extra={"event": event_id}
            )


@shared_task
def sweep_stuck_events():
    from webhooks.services import stuck_event_ids

    ids = stuck_event_ids()
    for start in range(0, len(ids), SWEEP_BATCH):
        process_events.delay(ids[start : start + SWEEP_BATCH])
    return len(ids)
