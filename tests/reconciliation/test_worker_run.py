"""On demand from the admin: the owner starts a reconciliation, a real Celery worker runs it
against the sandbox store and MYOB over HTTP, and the report shows what it found; the nightly
task starts yesterday's run for every active connection, and only those."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from reconciliation.models import FindingKind, ReconciliationRun
from reconciliation.tasks import reconcile_nightly
from sandbox.bigcommerce.services import place_test_order
from tenants.models import ConnectionStatus
from tests.erp_contract.kits import kits
from tests.factories import ConnectionFactory
from tests.support.myob_sandbox import myob_worker_env
from tests.support.worker import WorkerProcess, wait_until

pytestmark = pytest.mark.worker


@pytest.fixture
def myob(request, tenant, transactional_db, live_server, settings):
    settings.PUBLIC_BASE_URL = live_server.url
    kit = kits()["myob"](request)
    store, connection = kit.connect(tenant, "reconworker")
    connection.status = ConnectionStatus.ACTIVE
    connection.save()
    worker = WorkerProcess(extra_env=myob_worker_env(live_server))
    worker.start()
    yield store, connection
    worker.stop()


def test_a_run_started_in_the_admin_is_done_by_the_worker(client, owner, myob):
    store, connection = myob
    order = place_test_order(store, items=[("TENT-2P", 1)], customer=store.customers.first())
    today = timezone.now().date()
    client.force_login(owner)
    response = client.post(
        reverse("admin:reconciliation_reconciliationrun_start"),
        {"connection": str(connection.pk), "start": today.isoformat(), "end": today.isoformat()},
    )
    run = ReconciliationRun.objects.get()
    assert response["Location"] == reverse(
        "admin:reconciliation_reconciliationrun_change", args=[run.pk]
    )
    wait_until(
        lambda: ReconciliationRun.objects.filter(pk=run.pk, state="done").exists(),
        timeout=60,
        message=f"the run did not end: {ReconciliationRun.objects.values('state', 'message')}",
    )
    run.refresh_from_db()
    assert (run.store_orders, run.finding_count, run.created_by) == (1, 1, owner)
    (finding,) = run.findings.all()
    assert (finding.order_id, finding.kind) == (str(order.pk), FindingKind.MISSING)
    html = client.get(response["Location"]).content.decode()
    assert "Backfill all 1 missing" in html and f'id="finding-{order.pk}"' in html


def test_the_nightly_task_reconciles_yesterday_for_active_connections(myob, tenant):
    _, connection = myob
    ConnectionFactory(tenant=tenant, name="Paused store", status=ConnectionStatus.PAUSED)
    assert reconcile_nightly() == 1
    run = ReconciliationRun.objects.get()
    yesterday = timezone.now().date() - timedelta(days=1)
    assert (run.connection, run.period_start, run.period_end, run.trigger) == (
        connection, yesterday, yesterday, ReconciliationRun.Trigger.NIGHTLY,
    )  # fmt: skip
    wait_until(lambda: ReconciliationRun.objects.filter(pk=run.pk, state="done").exists(),
               timeout=60)  # fmt: skip
