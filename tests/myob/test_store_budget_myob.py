"""An unchanged order's update reaches MYOB not at all: one store read, no MYOB call, over real
HTTP against both sandboxes with a real worker (the pipeline's own tests count the fake ERP's)."""

import pytest

from audit.models import ApiCall
from sandbox.bigcommerce.services import place_test_order
from sync.models import JobState, SyncJob
from tests.myob.test_end_to_end import shop  # noqa: F401 - the store, MYOB and worker
from tests.pipeline.test_store_budget import run_again_on_webhook, store_calls
from tests.support.myob_sandbox import invoices
from tests.support.worker import jobs_settled, wait_until

pytestmark = pytest.mark.worker


def test_an_unchanged_update_makes_no_myob_call(shop):  # noqa: F811
    store, connection, business = shop
    ada = store.customers.get(email="ada@example.com")
    order = place_test_order(store, items=[("TENT-2P", 1)], customer=ada)
    wait_until(
        jobs_settled(connection, 1, kind="order"), timeout=40, message="the order did not sync"
    )
    job = SyncJob.objects.get(connection=connection, kind="order")
    assert job.state == JobState.SUCCEEDED, job.last_error
    myob_calls = ApiCall.objects.filter(connection=connection, system="myob")
    assert myob_calls.exists()
    made, reads = myob_calls.count(), len(store_calls(job))
    job = run_again_on_webhook(connection, job, order)
    assert job.state == JobState.SUCCEEDED, job.last_error
    assert store_calls(job)[reads:] == ["order.get"]
    assert myob_calls.count() == made
    assert len(invoices(business)) == 1
