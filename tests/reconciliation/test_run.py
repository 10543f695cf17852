"""A reconciliation over real HTTP: the sandbox store's order list against the sandbox ERP's
documents, read through the real connectors. Planted: an invoice deleted in the ERP, a second
document for one order, a total changed, and an order whose status the connection does not sync;
the run finds exactly those, and a backfill from the finding creates the missing document."""

from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import ApiCall
from reconciliation.models import FindingKind, ReconciliationRun
from reconciliation.services import finding_backfill, run_execute, run_start
from sandbox.bigcommerce.services import place_test_order
from sync.jobs import job_request, job_run
from sync.models import JobState
from tenants.models import ConnectionStatus
from tests.erp_contract.kits import kits
from tests.reconciliation import planting

KINDS = ["myob", "exact_online"]
CANCELLED = 5


@pytest.fixture(params=KINDS)
def shop(request, tenant, transactional_db, live_server, settings):
    settings.PUBLIC_BASE_URL = live_server.url
    kit = kits()[request.param](request)
    store, connection = kit.connect(tenant, f"recon{request.param.replace('_', '')}")
    connection.status = ConnectionStatus.ACTIVE
    connection.save()
    return kit, store, connection


def synced(store, connection, items):
    """An order placed and synced now, by the pipeline in this process."""
    order = place_test_order(store, items=items, customer=store.customers.first())
    job, _ = job_request(connection=connection, kind="order", source_id=str(order.pk),
                         trigger="webhook")  # fmt: skip
    result = job_run(job.pk, trigger="webhook")
    job.refresh_from_db()
    assert result.state == JobState.SUCCEEDED, job.last_error
    return order, job


def reconciled(connection):
    today = timezone.now().date()
    run = run_start(connection=connection, start=today - timedelta(days=1), end=today)
    run_execute(run.pk)
    return ReconciliationRun.objects.get(pk=run.pk)


def test_the_run_finds_exactly_what_was_planted_and_a_backfill_mends_the_missing_one(shop):
    kit, store, connection = shop
    deleted, deleted_job = synced(store, connection, [("TENT-2P", 1)])
    twice, twice_job = synced(store, connection, [("MUG-STEEL", 2)])
    changed, changed_job = synced(store, connection, [("TENT-2P", 2)])
    fine, _ = synced(store, connection, [("MUG-STEEL", 1)])
    cancelled = place_test_order(store, items=[("TENT-2P", 1)], customer=store.customers.first(),
                                 status_id=CANCELLED)  # fmt: skip
    planting.delete(kit.kind, connection, deleted_job.erp_document_id)
    planting.duplicate(kit.kind, connection, twice_job.erp_document_id)
    planting.total_change(kit.kind, connection, changed_job.erp_document_id)

    run = reconciled(connection)

    assert run.state == ReconciliationRun.State.DONE, run.message
    found = {(f.order_id, f.kind) for f in run.findings.all()}
    assert found == {
        (str(deleted.pk), FindingKind.MISSING),
        (str(twice.pk), FindingKind.DUPLICATE),
        (str(changed.pk), FindingKind.TOTAL),
        (str(cancelled.pk), FindingKind.SKIPPED),
    }
    assert (run.store_orders, run.matched, run.finding_count) == (5, 1, 4)
    total = run.findings.get(kind=FindingKind.TOTAL)
    assert total.erp_total - total.store_total == 5
    assert run.findings.get(kind=FindingKind.DUPLICATE).erp_documents.count(",") == 1
    # Both sides were read from the systems, in the backfill lane, and counted on the run.
    calls = ApiCall.objects.filter(correlation_id=run.correlation)
    assert run.store_calls == calls.filter(system="bigcommerce").count() >= 1
    assert run.erp_calls == calls.exclude(system="bigcommerce").count() >= 1
    assert fine.pk  # matched: counted, not listed

    missing = run.findings.get(kind=FindingKind.MISSING)
    job = finding_backfill(missing)
    assert job.pk == deleted_job.pk
    assert job_run(job.pk, trigger="reconciliation").state == JobState.SUCCEEDED
    assert len(kit.documents(deleted.pk)) == 1  # created again in the ERP

    again = reconciled(connection)
    assert {f.kind for f in again.findings.all()} == {
        FindingKind.DUPLICATE, FindingKind.TOTAL, FindingKind.SKIPPED,
    }  # fmt: skip
