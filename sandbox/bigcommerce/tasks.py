from celery import shared_task


@shared_task
def deliver(delivery_id: int):
    from sandbox.bigcommerce.delivery import attempt

    wait = attempt(delivery_id)
    if wait is not None:
        deliver.apply_async((delivery_id,), countdown=wait)
    return wait
