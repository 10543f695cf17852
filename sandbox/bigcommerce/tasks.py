from celery import shared_task


@shared_task
def deliver(delivery_id: int):
    from sandbox.bigcommerce.delivery import attempt

    wait = attempt(delivery_id)
    if wait is not None:
        deliver.apply_async((delivery_id,), countdown=wait)
    return wait


@shared_task
def send_due_deliveries():
    """The sandbox store's own sweep (sandbox/bigcommerce/schedule.py): deliveries whose message
    never reached the broker or was lost with it are sent, as BigCommerce's sender would."""
    from sandbox.bigcommerce.delivery import overdue_delivery_ids

    ids = overdue_delivery_ids()
    for delivery_id in ids:
        deliver.delay(delivery_id)
    return len(ids)
