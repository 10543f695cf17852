"""The reconciliation pages: who may see a run's report and CSV, who may act on its findings
(the write role in the run's tenant, never a role elsewhere), and what the CSV holds."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from reconciliation.models import FindingKind, ReconciliationFinding, ReconciliationRun
from sync.models import BulkRun, JobState, Lane, SyncJob
from tests.factories import ConnectionFactory

# The backfill from a finding is on the pipeline path: on SQLite and the file broker too.
pytestmark = [pytest.mark.django_db, pytest.mark.embedded]


@pytest.fixture
def run(connection):
    run = ReconciliationRun.objects.create(
        tenant=connection.tenant, connection=connection, period_start="2026-10-01",
        period_end="2026-10-31", state="done", store_orders=4, matched=1, finding_count=3,
        store_total=Decimal("300.00"), erp_total=Decimal("205.00"),
    )  # fmt: skip
    for order_id, kind, erp in (("501", FindingKind.MISSING, None),
                                ("502", FindingKind.TOTAL, "105.00"),
                                ("503", FindingKind.DUPLICATE, "200.00")):  # fmt: skip
        ReconciliationFinding.objects.create(
            run=run, order_id=order_id, kind=kind, store_total=Decimal("100.00"),
            erp_total=erp and Decimal(erp), currency="AUD",
            erp_documents="" if erp is None else "INV-1, INV-2", note="=HYPERLINK(\"x\")",
        )  # fmt: skip
    return run


def report(run):
    return reverse("admin:reconciliation_reconciliationrun_change", args=[run.pk])


def act(finding, what="backfill"):
    """(the fix's URL on the run, the form naming the finding)."""
    url = reverse(f"admin:reconciliation_reconciliationrun_{what}", args=[finding.run_id])
    return url, {"finding": str(finding.pk)}


def csv_url(run):
    return report(run) + "?format=csv"


def writes(run):
    missing = run.findings.get(kind=FindingKind.MISSING)
    return [
        (reverse("admin:reconciliation_reconciliationrun_backfill_missing", args=[run.pk]), {}),
        act(missing),
        act(run.findings.get(kind=FindingKind.TOTAL), "replay"),
    ]


def test_the_owner_sees_the_report_with_its_fixes(client, owner, run):
    client.force_login(owner)
    html = client.get(report(run)).content.decode()
    assert "Backfill all 1 missing" in html
    assert 'id="count-missing"' in html
    assert "-95.00" in html  # ERP minus store
    assert f'name="finding" value="{run.findings.get(kind=FindingKind.MISSING).pk}"' in html


def test_an_outsider_gets_404_on_every_page_and_button(client, outsider, run):
    client.force_login(outsider)
    assert client.get(report(run)).status_code == 404
    assert client.get(csv_url(run)).status_code == 404
    for url, data in writes(run):
        assert client.post(url, data).status_code == 404
    assert not SyncJob.objects.exists()


def test_a_viewer_reads_but_cannot_act_even_as_owner_elsewhere(client, member, dana, run):
    for user in (member, dana):
        client.force_login(user)
        html = client.get(report(run)).content.decode()
        assert "Backfill all" not in html and "finding-backfill" not in html
        assert client.get(csv_url(run)).status_code == 200
        for url, data in writes(run):
            assert client.post(url, data).status_code == 404
    assert not SyncJob.objects.exists()


def test_start_offers_only_connections_the_user_may_write(
    client, dana, tenant, other_tenant, connection
):
    theirs = ConnectionFactory(tenant=other_tenant, name="Globex store")
    client.force_login(dana)  # viewer of Acme, owner of Globex
    html = client.get(reverse("admin:reconciliation_reconciliationrun_start")).content.decode()
    assert "Globex store" in html and "Acme store" not in html
    refused = client.post(
        reverse("admin:reconciliation_reconciliationrun_start"),
        {"connection": str(connection.pk), "start": "2026-10-01", "end": "2026-10-31"},
    )
    assert refused.status_code == 200 and not ReconciliationRun.objects.exists()
    started = client.post(
        reverse("admin:reconciliation_reconciliationrun_start"),
        {"connection": str(theirs.pk), "start": "2026-10-01", "end": "2026-10-31"},
    )
    assert started.status_code == 302
    assert ReconciliationRun.objects.get().connection == theirs


def test_backfill_all_missing_queues_the_missing_orders_in_the_backfill_lane(client, owner, run):
    client.force_login(owner)
    client.post(writes(run)[0][0])
    job = SyncJob.objects.get()
    assert (job.source_id, job.state, job.lane) == ("501", JobState.PENDING, Lane.BACKFILL)
    bulk = BulkRun.objects.get()
    assert bulk.params["job_ids"] == [job.pk]
    assert run.findings.get(kind=FindingKind.MISSING).resolved_run == bulk


def test_the_csv_lists_every_finding_and_defuses_formulas(client, owner, run):
    client.force_login(owner)
    response = client.get(csv_url(run))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:4] == ["Order", "Order date (UTC)", "Order status", "Finding"]
    body = {row[0]: row for row in rows[1:]}
    assert set(body) == {"501", "502", "503"}
    assert body["502"][3:7] == ["Totals differ", "100.00", "105.00", "AUD"]
    assert body["501"][5] == ""
    assert body["503"][7] == "INV-1, INV-2"
    assert all(row[8].startswith("'=") for row in rows[1:])


def test_the_connection_page_leads_writers_to_reconcile_it(client, owner, member, connection):
    start = reverse("admin:reconciliation_reconciliationrun_start") + f"?connection={connection.pk}"
    page = reverse("admin:tenants_connection_change", args=[connection.pk])
    client.force_login(owner)
    assert start in client.get(page).content.decode()
    html = client.get(start).content.decode()
    assert f'<option value="{connection.pk}" selected>' in html
    client.force_login(member)
    assert start not in client.get(page).content.decode()


def test_a_fix_acts_only_on_a_finding_of_the_run_it_is_posted_to(
    client, outsider, run, other_connection
):
    theirs = ReconciliationRun.objects.create(
        tenant=other_connection.tenant, connection=other_connection, period_start="2026-10-01",
        period_end="2026-10-31", state="done",
    )  # fmt: skip
    client.force_login(outsider)  # owner of the other tenant, posting Acme's finding to theirs
    acme_missing = run.findings.get(kind=FindingKind.MISSING)
    url = reverse("admin:reconciliation_reconciliationrun_backfill", args=[theirs.pk])
    assert client.post(url, {"finding": str(acme_missing.pk)}).status_code == 302
    assert not SyncJob.objects.exists()
    acme_missing.refresh_from_db()
    assert acme_missing.resolved_at is None


def test_the_owner_backfills_one_finding_and_replay_is_only_for_totals(client, owner, run):
    client.force_login(owner)
    missing = run.findings.get(kind=FindingKind.MISSING)
    client.post(*act(missing, "replay"))  # a missing order is backfilled, not replayed
    assert not SyncJob.objects.exists()
    client.post(*act(missing))
    assert SyncJob.objects.get().source_id == "501"
    missing.refresh_from_db()
    assert missing.resolved_job.source_id == "501"
