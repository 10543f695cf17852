"""Simultaneous first orders from one new shopper make one MYOB customer card, not one per order:
find-or-create is serialised per (connection, customer) in the shared pipeline. On PostgreSQL and
on SQLite (the claim is a lease row, not a lock held across HTTP calls)."""

import pytest

from sandbox.myob.services import faults_set, records
from sync.models import JobState, SyncJob
from tests.myob.test_end_to_end import shop  # noqa: F401 - the fixture
from tests.support.one_shopper import LATENCY_MS, first_orders_at_once

pytestmark = [pytest.mark.worker, pytest.mark.embedded]


@pytest.fixture
def worker_concurrency():
    return 6


@pytest.mark.parametrize("orders", [3, 6])
def test_first_orders_at_once_make_one_customer_card(shop, orders):  # noqa: F811
    store, connection, business = shop
    faults_set(business, fault_latency_ms=LATENCY_MS)
    email = first_orders_at_once(store, connection, orders)
    cards = [
        card for card in records(business, "Contact/Customer")
        if any(a.get("Email") == email for a in card.data.get("Addresses") or [])
    ]  # fmt: skip
    assert len(cards) == 1, f"{len(cards)} cards for one shopper"
    jobs = SyncJob.objects.filter(connection=connection, kind="order")
    assert {j.state for j in jobs} == {JobState.SUCCEEDED}, [j.last_error for j in jobs]
    assert {j.erp_customer_id for j in jobs} == {str(cards[0].uid)}
