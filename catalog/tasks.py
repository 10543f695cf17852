"""Celery tasks of the catalog push: thin, they take ids and call services."""

from celery import shared_task


@shared_task(acks_late=True)
def plan_push(push_id: int):
    from catalog.plan import plan_step

    if (wait := plan_step(push_id)) is not None:
        plan_push.apply_async((push_id,), countdown=wait)
