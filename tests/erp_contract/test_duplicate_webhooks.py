"""One document per order when the store's signed webhook for it arrives several times at once
(BigCommerce delivers at least once, and a retry can overlap the first delivery)."""

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from sandbox.bigcommerce.delivery import signed_headers
from sandbox.bigcommerce.models import BcDelivery
from sync.models import JobState, SyncJob
from tests.erp_contract.shop import job_ended, order_placed
from webhooks.models import InboundEvent

pytestmark = pytest.mark.worker
ALSO_EMBEDDED = True  # the intake and the pipeline: on SQLite and the file broker too
AT_ONCE = 6


def test_a_webhook_delivered_concurrently_makes_one_job_and_one_document(shop):
    order = order_placed(shop, [("PACK-30L", 1)])
    delivery = BcDelivery.objects.select_related("hook__store").get(
        hook__store=shop.store, hook__scope="store/order/created"
    )
    hook = delivery.hook

    def deliver(_):
        # The same message (webhook-id and body) as the store's own delivery, racing it.
        headers = {**(hook.headers or {}), **signed_headers(hook.store, delivery)}
        return requests.post(hook.destination, data=delivery.body.encode(), headers=headers,
                             timeout=10, allow_redirects=False).status_code  # fmt: skip

    with ThreadPoolExecutor(AT_ONCE) as pool:
        statuses = list(pool.map(deliver, range(AT_ONCE)))
    assert all(200 <= status < 300 for status in statuses), statuses
    job = job_ended(shop, order)
    assert job.state == JobState.SUCCEEDED, job.last_error
    assert len(shop.kit.documents(order.pk)) == 1
    created = InboundEvent.objects.filter(connection=shop.connection, scope="store/order/created")
    assert created.count() == 1
    assert SyncJob.objects.filter(connection=shop.connection, kind="order").count() == 1
