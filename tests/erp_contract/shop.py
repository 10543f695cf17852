"""What the contracts do with a shop (a sandbox store joined to one kit's ERP)."""

from dataclasses import dataclass

from sandbox.bigcommerce.services import place_test_order
from sync.models import JobState, SyncJob
from tests.erp_contract.kits import Kit
from tests.support.worker import wait_until

ENDED = (JobState.SUCCEEDED, JobState.FAILED)


@dataclass
class Shop:
    store: object
    connection: object
    kit: Kit


def order_placed(shop: Shop, items):
    """A returning shopper orders `items` (the store sends its signed webhooks)."""
    return place_test_order(shop.store, items=items, customer=shop.store.customers.first())


def job_ended(shop: Shop, order, *, timeout: float = 60) -> SyncJob:
    """The order's job, once it has ended."""
    jobs = SyncJob.objects.filter(connection=shop.connection, kind="order", source_id=str(order.pk))
    wait_until(
        lambda: jobs.filter(state__in=ENDED).exists(),
        timeout=timeout,
        message=f"the order's job did not end: {list(jobs.values('state', 'last_error'))}",
    )
    return jobs.get()


def order_synced(shop: Shop, items, *, timeout: float = 60):
    """(order, job): `items` ordered, and the order's job ended."""
    order = order_placed(shop, items)
    return order, job_ended(shop, order, timeout=timeout)
