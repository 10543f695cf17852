"""The pipeline's models moved from audit and connectors to the sync app without touching their
tables: a database written before the move keeps every job, attempt, run, call, turn and claim,
with their links, when it migrates forward, as does one written before the ERP → store job kinds
(while SyncJob still lived in audit)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE_THE_MOVE = [
    ("audit", "0005_new_job_kinds"),
    ("connectors", "0005_external_link"),
    ("sync", None),
]
# Older still: before the ERP → store job kinds (audit 0005 changed the kinds while SyncJob lived
# in audit) and the one link table.
BEFORE_THE_FLOWS = [
    ("audit", "0004_syncjob_queued_for"),
    ("connectors", "0004_claim_follows_the_run_lease"),
    ("connectors_myob", "0001_customer_link"),
    ("connectors_exact_online", "0001_initial"),
    ("sync", None),
]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state([t for t in targets if t[1]]).apps


def latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


def rows_before_the_move(apps) -> dict:
    """One of everything, written with the models as they were before the move."""
    User = apps.get_model("auth", "User")
    Tenant = apps.get_model("tenants", "Tenant")
    Connection = apps.get_model("tenants", "Connection")
    SyncJob = apps.get_model("audit", "SyncJob")
    SyncAttempt = apps.get_model("audit", "SyncAttempt")
    BulkRun = apps.get_model("audit", "BulkRun")
    ApiCall = apps.get_model("audit", "ApiCall")
    TenantTurn = apps.get_model("connectors", "TenantTurn")
    FindOrCreateClaim = apps.get_model("connectors", "FindOrCreateClaim")

    now = timezone.now().replace(microsecond=0)
    user = User.objects.create(username="ops@acme.test")
    tenant = Tenant.objects.create(name="Acme Outdoor", slug="acme")
    store = Connection.objects.create(tenant=tenant, name="Acme store", store_hash="abc123")
    job = SyncJob.objects.create(
        connection=store, tenant=tenant, kind="order", source_id="100", state="failed",
        lane="backfill", attempts=3, last_error="The ERP said no.", warnings=["adjust it"],
        erp_document_id="INV-1", erp_document_number="00001", erp_customer_id="C-7",
        details={"status_id": 11}, source_modified_at=now, next_attempt_at=now,
        lease_owner="owner-1", lease_expires_at=now, queued_for=now,
    )  # fmt: skip
    attempt = SyncAttempt.objects.create(
        job=job, number=3, trigger="webhook", outcome="failed", error="The ERP said no."
    )
    run = BulkRun.objects.create(
        tenant=tenant, connection=store, kind="replay", state="done", params={"job_ids": [job.pk]},
        total=1, done=1, message="1 jobs queued again", created_by=user,
    )  # fmt: skip
    call = ApiCall.objects.create(
        tenant=tenant, connection=store, system="myob", operation="sale.invoice", method="POST",
        url="https://erp.test/invoice", status_code=400, sync_job=job, correlation_id=f"job:{job.pk}",
    )  # fmt: skip
    TenantTurn.objects.create(tenant=tenant, last_turn_at=now)
    FindOrCreateClaim.objects.create(
        key=f"{store.pk}:ada@example.com", holder="h-1", expires_at=now + timedelta(seconds=60),
        job_lease_owner="owner-1",
    )  # fmt: skip
    return {
        "tenant": tenant.pk, "store": store.pk, "user": user.pk, "job": job.pk,
        "attempt": attempt.pk, "run": run.pk, "call": call.pk, "now": now,
    }  # fmt: skip


@pytest.mark.embedded
@pytest.mark.parametrize("before", [BEFORE_THE_MOVE, BEFORE_THE_FLOWS], ids=["move", "flows"])
def test_rows_written_before_the_move_are_all_there_after_it(transactional_db, before):
    from django.contrib.contenttypes.models import ContentType

    from audit.models import ApiCall
    from sync.models import BulkRun, FindOrCreateClaim, SyncAttempt, SyncJob, TenantTurn

    content_type = ContentType.objects.get_for_model(SyncJob).pk
    newest = latest()
    try:
        ids = rows_before_the_move(migrate(before))
        assert ContentType.objects.get(pk=content_type).app_label == "audit"
    finally:
        migrate(newest)
        ContentType.objects.clear_cache()

    now = ids["now"]
    job = SyncJob.objects.get(pk=ids["job"])
    assert (job.connection_id, job.tenant_id) == (ids["store"], ids["tenant"])
    assert (job.kind, job.source_id, job.state, job.lane, job.attempts) == (
        "order", "100", "failed", "backfill", 3,
    )  # fmt: skip
    assert (job.last_error, job.warnings, job.details) == (
        "The ERP said no.", ["adjust it"], {"status_id": 11},
    )  # fmt: skip
    assert (job.erp_document_id, job.erp_document_number, job.erp_customer_id) == (
        "INV-1", "00001", "C-7",
    )  # fmt: skip
    assert job.source_modified_at == job.next_attempt_at == job.queued_for == now
    assert (job.lease_owner, job.lease_expires_at) == ("owner-1", now)

    attempt = SyncAttempt.objects.get(pk=ids["attempt"])
    assert (attempt.job, attempt.number, attempt.trigger, attempt.outcome) == (
        job, 3, "webhook", "failed",
    )  # fmt: skip
    assert list(job.attempt_log.all()) == [attempt]

    run = BulkRun.objects.get(pk=ids["run"])
    assert (run.tenant_id, run.connection_id, run.created_by_id) == (
        ids["tenant"], ids["store"], ids["user"],
    )  # fmt: skip
    assert (run.kind, run.state, run.params, run.total, run.done) == (
        "replay", "done", {"job_ids": [job.pk]}, 1, 1,
    )  # fmt: skip

    call = ApiCall.objects.get(pk=ids["call"])
    assert call.sync_job == job and list(job.api_calls.all()) == [call]
    assert (call.status_code, call.correlation_id) == (400, f"job:{job.pk}")

    assert TenantTurn.objects.get(tenant_id=ids["tenant"]).last_turn_at == now
    claim = FindOrCreateClaim.objects.get(key=f"{ids['store']}:ada@example.com")
    assert (claim.holder, claim.job_lease_owner) == ("h-1", "owner-1")

    # Permissions and admin history follow the model to its new app.
    assert ContentType.objects.get_for_model(SyncJob).pk == content_type
    assert not ContentType.objects.filter(app_label="audit", model="syncjob").exists()

    # New rows go on after the old ids, in the same tables.
    newer = SyncJob.objects.create(
        connection_id=ids["store"], tenant_id=ids["tenant"], kind="order", source_id="101"
    )
    assert newer.pk > job.pk
