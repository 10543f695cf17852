"""A customer card POST that MYOB carried out but did not confirm (the answer hung past our read
timeout) is not posted again: the order's next attempt finds the card by e-mail. (The invoice's
unconfirmed POST is a contract of every ERP: tests/erp_contract/test_find_before_create.py.)"""

import pytest

from audit.models import ApiCall
from sandbox.bigcommerce.services import place_test_order
from sandbox.myob.services import faults_set, records
from sync.models import JobState, SyncJob
from tests.myob.test_end_to_end import shop  # noqa: F401 - the fixture
from tests.support.unconfirmed_writes import FAULTS, READ_TIMEOUT
from tests.support.worker import jobs_settled, wait_until

pytestmark = pytest.mark.worker


@pytest.fixture
def worker_env():
    # A short read timeout so the hang times out quickly; a short retry step so the look-up
    # that follows comes in seconds (the test is about what it finds, not when).
    return {"HTTP_READ_TIMEOUT": str(READ_TIMEOUT), "SYNC_RETRY_BASE_SECONDS": "2"}


def test_an_unconfirmed_customer_card_post_is_looked_up_not_posted_again(shop):  # noqa: F811
    """The customer upsert finds the card the hung POST made (by e-mail) and creates no second."""
    store, connection, business = shop
    faults_set(business, fault_create_resource="Contact/Customer", **FAULTS["hang"])
    order = place_test_order(store, items=[("TENT-2P", 1)], customer="new")
    email = order.customer.email
    wait_until(jobs_settled(connection, 1, kind="order"), timeout=120, message="did not settle")
    job = SyncJob.objects.get(connection=connection, kind="order")
    assert job.state == JobState.SUCCEEDED, job.last_error
    cards = [
        card for card in records(business, "Contact/Customer")
        if any(a.get("Email") == email for a in card.data.get("Addresses") or [])
    ]  # fmt: skip
    assert len(cards) == 1, f"{len(cards)} cards for one shopper"
    assert job.erp_customer_id == str(cards[0].uid)
    creates = ApiCall.objects.filter(connection=connection, operation="contact.customer.create")
    assert creates.count() == 1, [(c.status_code, c.error_class) for c in creates]
