"""Simultaneous first orders from one new shopper: what the one-customer-per-shopper tests of
MYOB and Exact Online share."""

from sandbox.bigcommerce.services import place_test_order
from sync.dispatch import job_dispatch
from sync.jobs import job_request
from sync.models import JobKind, JobState, SyncJob
from tests.support.worker import wait_until

LATENCY_MS = 500  # every ERP call this much slower: find-then-create races widen to seconds


def first_orders_at_once(store, connection, count: int) -> str:
    """A new shopper places `count` orders at once; her orders and her customer record are all
    handed to the worker together (as a poll would, whatever the webhooks do). Waits until every
    one of those jobs has ended and returns her e-mail."""
    first = place_test_order(store, items=[("MUG-STEEL", 1)], customer="new")
    orders = [first] + [
        place_test_order(store, items=[("MUG-STEEL", 1)], customer=first.customer)
        for _ in range(count - 1)
    ]
    wanted = [(JobKind.ORDER, order.pk) for order in orders] + [
        (JobKind.CUSTOMER, first.customer.pk)
    ]
    ids = []
    for kind, source_id in wanted:
        job, now = job_request(
            connection=connection, kind=kind, source_id=str(source_id), trigger="test"
        )
        ids.append(job.pk)
        if now:
            job_dispatch(job.pk, trigger="test")
    jobs = SyncJob.objects.filter(pk__in=ids)
    try:
        wait_until(
            lambda: (
                jobs.filter(state__in=[JobState.SUCCEEDED, JobState.FAILED]).count() == len(ids)
            ),
            timeout=120,
        )
    except AssertionError:
        states = [(j.kind, j.source_id, j.state, j.attempts, j.last_error[:200]) for j in jobs]
        raise AssertionError(f"her jobs did not end: {states}") from None
    # The store's webhooks for her orders may arrive after her jobs ended, and queue them once
    # more (an unchanged order ends at once): wait until each is delivered, taken in, and every
    # job it queued has ended too, so the caller reads settled jobs.
    wait_until(lambda: _webhooks_settled(store, connection), timeout=60)
    return first.customer.email


def _webhooks_settled(store, connection) -> bool:
    from sandbox.bigcommerce.models import BcDelivery
    from webhooks.models import EventState, InboundEvent

    return (
        not BcDelivery.objects.filter(hook__store=store, state="pending").exists()
        and not InboundEvent.objects.filter(
            connection=connection, state__in=[EventState.RECEIVED, EventState.DISPATCHED]
        ).exists()
        and not SyncJob.objects.filter(
            connection=connection, state__in=[JobState.PENDING, JobState.RUNNING]
        ).exists()
    )
