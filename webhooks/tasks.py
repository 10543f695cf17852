from celery import shared_task


@shared_task(acks_late=True)
def process_event(event_id: int):
    from webhooks.services import event_process

    return event_process(event_id)


@shared_task
def sweep_stuck_events():
    from webhooks.services import stuck_event_ids

    ids = stuck_event_ids()
    for event_id in ids:
        process_event.delay(event_id)
    return len(ids)
