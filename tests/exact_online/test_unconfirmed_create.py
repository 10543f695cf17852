"""A sales invoice POST that Exact Online carried out but did not confirm (the answer hung past our
read timeout) is not posted again: the job's next attempt finds the invoice by YourRef and the
order ends with exactly one invoice.

Only the hang: a 503 from Exact carries the minute's reset headers, which the client already took
as a wait too long to sleep in place, so a 5xx-after-create did not repeat the POST even before
the fix (the client tests cover a POST's 5xx for every vendor)."""

import pytest

from audit.models import JobState, SyncJob
from sandbox.bigcommerce.services import place_test_order
from sandbox.exact_online.services import faults_set
from tests.exact_online.test_end_to_end import invoices, shop  # noqa: F401 - the fixture
from tests.support.unconfirmed_writes import FAULTS, READ_TIMEOUT, posted_once_then_found
from tests.support.worker import jobs_settled, wait_until

pytestmark = pytest.mark.worker


@pytest.fixture
def worker_env():
    # A short read timeout so the hang times out quickly; a short retry step so the look-up
    # that follows comes in seconds (the test is about what it finds, not when).
    return {"HTTP_READ_TIMEOUT": str(READ_TIMEOUT), "SYNC_RETRY_BASE_SECONDS": "2"}


def test_an_invoice_post_that_hung_is_looked_up_not_posted_again(shop):  # noqa: F811
    store, connection, division = shop
    faults_set(division, fault_create_resource="salesinvoice/SalesInvoices", **FAULTS["hang"])
    order = place_test_order(store, items=[("TENT-2P", 1)], customer=store.customers.first())
    wait_until(jobs_settled(connection, 1, kind="order"), timeout=120, message="did not settle")
    job = SyncJob.objects.get(connection=connection, kind="order")
    made = invoices(division)
    assert len(made) == 1, f"{len(made)} invoices for one order"
    assert job.state == JobState.SUCCEEDED, job.last_error
    assert made[0]["YourRef"] == f"BC-{order.pk}" and job.erp_document_id == made[0]["InvoiceID"]
    posted_once_then_found(
        job,
        create_operation="salesinvoice.salesinvoices.create",
        lookup="YourRef",
        document_id=job.erp_document_id,
    )
