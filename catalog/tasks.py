"""Celery tasks of the catalog push: thin, they take ids and call services."""

from celery import shared_task


@shared_task(acks_late=True)
def plan_push(push_id: int):
    from catalog.plan import plan_step

    if (wait := plan_step(push_id)) is not None:
        plan_push.apply_async((push_id,), countdown=wait)


@shared_task
def start_due_pushes():
    """Every minute: the pushes the connections' intervals make due, stalled chains nudged,
    stale echo marks pruned."""
    from catalog.echo import marks_prune
    from catalog.schedule import pushes_start_due, stalled_pushes_nudge

    stalled_pushes_nudge()
    marks_prune()
    return pushes_start_due()
