"""Find before create: a create the ERP made but never confirmed (the answer hung past our read
timeout, or came as a 5xx after the save) is looked up on the job's next attempt, never sent
again; redeliveries and a replay of a synced order find its document and create nothing new."""

import pytest

from sync.models import JobState
from tests.erp_contract.shop import order_synced
from tests.support.unconfirmed_writes import FAULTS, READ_TIMEOUT
from tests.support.worker import redeliver_and_replay

pytestmark = pytest.mark.worker
ALSO_EMBEDDED = True  # the intake and the pipeline: on SQLite and the file broker too


# A short read timeout so a hang times out quickly; a short retry step so the look-up that follows
# comes in seconds (the contract is about what it finds, not when).
WORKER_ENV = {"HTTP_READ_TIMEOUT": str(READ_TIMEOUT), "SYNC_RETRY_BASE_SECONDS": "2"}


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_an_unconfirmed_create_is_looked_up_not_sent_again(shop, fault):
    shop.kit.unconfirmed_creates(fault)
    order, job = order_synced(shop, [("TENT-2P", 1)], timeout=120)
    documents = shop.kit.documents(order.pk)
    assert len(documents) == 1, f"{len(documents)} documents for one order"
    assert job.state == JobState.SUCCEEDED, job.last_error
    assert job.erp_document_id == documents[0].id
    shop.kit.created_once_then_found(job)


def test_redeliveries_and_a_replay_of_a_synced_order_create_nothing_new(shop):
    order, job = order_synced(shop, [("TENT-2P", 2), ("MUG-STEEL", 3)])
    assert job.state == JobState.SUCCEEDED, job.last_error
    (document,) = shop.kit.documents(order.pk)
    job = redeliver_and_replay(shop.store, job)
    assert job.state == JobState.SUCCEEDED, job.last_error
    assert shop.kit.documents(order.pk) == [document]
    assert job.erp_document_id == document.id
