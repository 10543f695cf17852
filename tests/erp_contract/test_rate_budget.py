"""The rate budget: with the ERP's limit set well under what the run needs, the run waits for
room instead of failing. Either the ERP refuses nothing, or every refusal is audited and retried
until the order lands."""

import pytest

from audit.models import ApiCall
from sync.models import JobState
from tests.erp_contract.shop import job_ended, order_placed

pytestmark = pytest.mark.worker
ORDERS = 3


WORKER_ENV = {"SYNC_RETRY_BASE_SECONDS": "2"}  # a retry after a refusal comes in seconds


def test_a_low_rate_limit_makes_the_run_wait_not_fail(shop):
    limit = shop.kit.rate_limit_lower()
    orders = [order_placed(shop, [("MUG-STEEL", 1)]) for _ in range(ORDERS)]
    jobs = [job_ended(shop, order, timeout=120) for order in orders]
    assert {job.state for job in jobs} == {JobState.SUCCEEDED}, [j.last_error for j in jobs]
    for order in orders:
        assert len(shop.kit.documents(order.pk)) == 1
    erp_calls = ApiCall.objects.filter(connection=shop.connection).exclude(system="bigcommerce")
    assert erp_calls.count() > limit, "the run fitted in one window: the limit was never near"
    refused = erp_calls.filter(status_code__in=(403, 429)).count()
    assert refused == shop.kit.rate_refusals(), "a refusal the client did not see and audit"
