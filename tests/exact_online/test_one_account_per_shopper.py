"""Simultaneous first orders from one new shopper make one Exact Online account, not one per
order: find-or-create is serialised per (connection, customer) in the shared pipeline. On
PostgreSQL and on SQLite."""

import pytest

from sandbox.exact_online.services import faults_set, records
from sync.models import JobState, SyncJob
from tests.exact_online.test_end_to_end import shop  # noqa: F401 - the fixture
from tests.support.one_shopper import LATENCY_MS, first_orders_at_once

pytestmark = [pytest.mark.worker, pytest.mark.embedded]


def test_first_orders_at_once_make_one_account(shop):  # noqa: F811
    store, connection, division = shop
    faults_set(division, fault_latency_ms=LATENCY_MS)
    email = first_orders_at_once(store, connection, 4)
    accounts = [a for a in records(division, "crm/Accounts") if a.data.get("Email") == email]
    assert len(accounts) == 1, f"{len(accounts)} accounts for one shopper"
    jobs = SyncJob.objects.filter(connection=connection, kind="order")
    assert {j.state for j in jobs} == {JobState.SUCCEEDED}, [j.last_error for j in jobs]
    assert {j.erp_customer_id for j in jobs} == {str(accounts[0].guid)}
