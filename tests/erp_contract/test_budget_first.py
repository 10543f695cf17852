"""The ERP's budget before the store's: while our budget for the ERP has no room, a run waits
(not an attempt) before it reads anything from the store, so orders queued behind a slow ERP do
not spend the store's budget each time they wake; once there is room the order lands."""

import itertools
import time

import pytest
from django.utils import timezone

from audit.models import ApiCall
from connectors import ratelimit
from sandbox.bigcommerce.services import place_test_order
from sync.jobs import job_request, job_run
from sync.models import JobState
from sync.order_sync import erp_connector
from tenants.models import Connection, ConnectionStatus

_names = itertools.count(1)


def _budget_key(connection) -> str | None:
    http = getattr(getattr(erp_connector(connection), "api", None), "http", None)
    return http.budget.key if http is not None and http.budget else None


def test_a_run_waiting_for_the_erps_budget_reads_nothing_from_the_store(kit, tenant):
    store, connection = kit.connect(tenant, f"budgetfirst{next(_names)}")
    Connection.objects.filter(pk=connection.pk).update(status=ConnectionStatus.ACTIVE)
    connection.refresh_from_db()
    key = _budget_key(connection)
    if key is None:
        pytest.skip(f"no budget of ours for {kit.label}")
    order = place_test_order(store, items=[("MUG-STEEL", 1)])
    job, _ = job_request(connection=connection, kind="order", source_id=str(order.pk),
                         trigger="poll")  # fmt: skip
    ratelimit.limiter().block_until(key, time.time() + 120)
    try:
        job_run(job.pk, trigger="poll")
    finally:
        ratelimit.limiter().reset(key)
    job.refresh_from_db()
    assert job.state == JobState.PENDING and job.last_error.startswith("Waiting for"), (
        job.state, job.last_error)  # fmt: skip
    assert job.attempts == 0  # a wait is not an attempt
    store_calls = ApiCall.objects.filter(connection=connection, system="bigcommerce")
    assert not store_calls.exists(), [c.operation for c in store_calls]

    job.next_attempt_at = timezone.now()
    job.save(update_fields=["next_attempt_at"])
    job_run(job.pk, trigger="poll")
    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED, job.last_error
    assert len(kit.documents(order.pk)) == 1
