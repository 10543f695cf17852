"""Sync jobs: filters, detail with attempts and calls, replay and bulk replay — idempotent with an
Idempotency-Key."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from sync.models import BulkRun, JobState, SyncAttempt, SyncJob
from sync.replay import bulk_replay_run
from tenants.api_tokens import api_token_create
from tenants.models import ApiToken, IdempotencyKey
from tests.api.conftest import token_client
from tests.factories import ApiCallFactory, ConnectionFactory, SyncJobFactory

JOBS = "/api/v1/jobs/"


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


@pytest.mark.django_db
def test_filters(owner_api, connection, tenant):
    other = ConnectionFactory(tenant=tenant)
    failed = SyncJobFactory(connection=connection, state="failed", source_id="101")
    done = SyncJobFactory(
        connection=connection, state="succeeded", source_id="102", erp_document_id="INV-9"
    )
    customer = SyncJobFactory(connection=other, kind="customer", state="failed", source_id="7")
    SyncJob.objects.filter(pk=customer.pk).update(created_at=timezone.now() - timedelta(days=3))
    assert ids(owner_api.get(JOBS)) == [customer.pk, done.pk, failed.pk]
    assert ids(owner_api.get(JOBS, {"state": "failed"})) == [customer.pk, failed.pk]
    assert ids(owner_api.get(JOBS, {"kind": "customer"})) == [customer.pk]
    assert ids(owner_api.get(JOBS, {"connection": str(connection.pk)})) == [done.pk, failed.pk]
    assert ids(owner_api.get(JOBS, {"source_id": "101"})) == [failed.pk]
    assert ids(owner_api.get(JOBS, {"erp_document_id": "INV-9"})) == [done.pk]
    yesterday = (timezone.now() - timedelta(days=1)).isoformat()
    assert ids(owner_api.get(JOBS, {"created_before": yesterday})) == [customer.pk]
    assert ids(owner_api.get(JOBS, {"created_after": yesterday})) == [done.pk, failed.pk]
    # An empty value means "no filter" (the browsable API's filter form sends them).
    assert len(ids(owner_api.get(JOBS, {"state": "", "kind": ""}))) == 3
    for bad, field in (
        ({"state": "nope"}, "state"),
        ({"connection": "x"}, "connection"),
        ({"created_after": "yesterday"}, "created"),  # the range is named once
    ):
        response = owner_api.get(JOBS, bad)
        assert response.status_code == 400
        assert set(response.json()["error"]["details"]) == {field}


@pytest.mark.django_db
def test_detail_has_attempts_and_linked_calls(owner_api, rows):
    job = rows["job"]
    SyncAttempt.objects.create(job=job, number=1, trigger="webhook", outcome="failed", error="boom")
    second = ApiCallFactory(connection=job.connection, sync_job=job, operation="invoice.post")
    body = owner_api.get(f"{JOBS}{job.pk}/").json()
    assert [(a["number"], a["outcome"], a["error"]) for a in body["attempt_log"]] == [
        (1, "failed", "boom")
    ]
    assert [c["id"] for c in body["api_calls"]] == [second.pk, rows["call"].pk]
    assert body["last_error"] == "SKU X is unknown"


@pytest.mark.django_db
def test_replay_queues_a_failed_job_and_a_repeated_key_does_nothing_new(owner_api, rows):
    job = rows["job"]
    url = f"{JOBS}{job.pk}/replay/"
    first = owner_api.post(url, HTTP_IDEMPOTENCY_KEY="replay-1")
    assert first.status_code == 202 and first.json()["queued"] is True
    assert SyncJob.objects.get(pk=job.pk).state == JobState.PENDING
    # The worker fails it again; a client retrying the same request must not queue it again.
    SyncJob.objects.filter(pk=job.pk).update(state=JobState.FAILED)
    again = owner_api.post(url, HTTP_IDEMPOTENCY_KEY="replay-1")
    assert again.status_code == 202 and again.content == first.content
    assert again["Idempotent-Replayed"] == "true"
    assert SyncJob.objects.get(pk=job.pk).state == JobState.FAILED
    # A new key is a new request.
    fresh = owner_api.post(url, HTTP_IDEMPOTENCY_KEY="replay-2")
    assert fresh.json()["queued"] is True
    assert SyncJob.objects.get(pk=job.pk).state == JobState.PENDING
    # Without a key, a job already waiting is left as it is.
    assert owner_api.post(url).json()["queued"] is False


@pytest.mark.django_db
def test_bulk_replay_by_filter_returns_the_count_and_a_run_to_follow(owner_api, connection):
    failed = [SyncJobFactory(connection=connection, state="failed") for _ in range(3)]
    SyncJobFactory(connection=connection, state="succeeded")
    SyncJobFactory(connection=ConnectionFactory(tenant=connection.tenant), state="failed")
    url = f"{JOBS}bulk-replay/?connection={connection.pk}"
    response = owner_api.post(url, HTTP_IDEMPOTENCY_KEY="bulk-1")
    assert response.status_code == 202, response.content
    body = response.json()
    run = BulkRun.objects.get(pk=body["run"]["id"])
    assert body["count"] == 3 and sorted(run.params["job_ids"]) == sorted(j.pk for j in failed)
    progress = owner_api.get(body["run"]["url"]).json()
    assert (progress["kind"], progress["total"], progress["outcomes"]["failed"]) == ("replay", 3, 3)
    # The same key: the same answer, no second run.
    again = owner_api.post(url, HTTP_IDEMPOTENCY_KEY="bulk-1")
    assert again.content == response.content and BulkRun.objects.count() == 1
    # The same key for a different request is refused, not silently replayed.
    other = owner_api.post(f"{JOBS}bulk-replay/?kind=order", HTTP_IDEMPOTENCY_KEY="bulk-1")
    assert other.status_code == 422 and other.json()["error"]["code"] == "idempotency_key_reused"
    assert BulkRun.objects.count() == 1
    # Nothing matching is still an answer to follow, not a null.
    none = owner_api.post(f"{JOBS}bulk-replay/?kind=customer").json()
    assert none["count"] == 0 and owner_api.get(none["run"]["url"]).json()["total"] == 0


@pytest.mark.django_db
def test_the_run_shows_the_bulk_replays_progress(owner_api, connection):
    failed = [SyncJobFactory(connection=connection, state="failed") for _ in range(3)]
    body = owner_api.post(f"{JOBS}bulk-replay/").json()
    url = body["run"]["url"]
    queued = owner_api.get(url).json()
    assert (queued["state"], queued["done"], queued["percent"]) == ("queued", 0, 0)
    bulk_replay_run(body["run"]["id"])  # what the worker's task runs
    progress = owner_api.get(url).json()
    assert (progress["state"], progress["done"], progress["percent"]) == ("done", 3, 100)
    assert progress["outcomes"]["pending"] == 3 and progress["finished_at"]
    assert {job.state for job in SyncJob.objects.filter(pk__in=[j.pk for j in failed])} == {
        JobState.PENDING
    }


@pytest.mark.django_db
def test_a_key_still_in_flight_is_a_conflict_and_an_abandoned_one_is_free(owner_api, rows):
    job = rows["job"]
    url = f"{JOBS}{job.pk}/replay/"
    assert owner_api.post(url, HTTP_IDEMPOTENCY_KEY="k").status_code == 202
    SyncJob.objects.filter(pk=job.pk).update(state=JobState.FAILED)
    # As if the first request were still running: a repeat must neither wait nor run.
    claim = IdempotencyKey.objects.filter(key="k")
    claim.update(status_code=None, response_body="")
    response = owner_api.post(url, HTTP_IDEMPOTENCY_KEY="k")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "idempotency_in_progress"
    assert SyncJob.objects.get(pk=job.pk).state == JobState.FAILED
    # A claim whose request died long ago does not block the key forever.
    claim.update(created_at=timezone.now() - timedelta(hours=1))
    assert owner_api.post(url, HTTP_IDEMPOTENCY_KEY="k").json()["queued"] is True
    bad = owner_api.post(url, HTTP_IDEMPOTENCY_KEY="has spaces")
    assert bad.status_code == 400 and "Idempotency-Key" in bad.json()["error"]["details"]


@pytest.mark.django_db
def test_keys_are_per_tenant(owner_api, outsider_api, rows, other_tenant):
    """The outsider using the owner's key gets their own 404, never the owner's stored answer."""
    url = f"{JOBS}{rows['job'].pk}/replay/"
    assert owner_api.post(url, HTTP_IDEMPOTENCY_KEY="shared").status_code == 202
    response = outsider_api.post(url, HTTP_IDEMPOTENCY_KEY="shared")
    assert response.status_code == 404
    assert not IdempotencyKey.objects.filter(tenant=other_tenant).exists()


@pytest.mark.django_db
def test_keys_belong_to_one_caller(owner_api, owner, rows, tenant):
    """Two clients of one tenant may pick the same key: each gets its own answer."""
    job = rows["job"]
    url = f"{JOBS}{job.pk}/replay/"
    assert owner_api.post(url, HTTP_IDEMPOTENCY_KEY="1").json()["queued"] is True
    _, value = api_token_create(tenant=tenant, name="other script", role=ApiToken.Access.ADMIN)
    session = APIClient()
    session.force_login(owner)
    for other in (token_client(value), session):
        SyncJob.objects.filter(pk=job.pk).update(state=JobState.FAILED)
        response = other.post(url, HTTP_IDEMPOTENCY_KEY="1")
        assert response.json()["queued"] is True and not response.has_header("Idempotent-Replayed")
        assert SyncJob.objects.get(pk=job.pk).state == JobState.PENDING
    assert IdempotencyKey.objects.filter(key="1").count() == 3
    # Each caller's repeat is still answered from its own store.
    SyncJob.objects.filter(pk=job.pk).update(state=JobState.FAILED)
    assert owner_api.post(url, HTTP_IDEMPOTENCY_KEY="1")["Idempotent-Replayed"] == "true"
    assert SyncJob.objects.get(pk=job.pk).state == JobState.FAILED


@pytest.mark.django_db
def test_an_order_jobs_summary_is_in_the_list_and_the_detail(owner_api, connection):
    job = SyncJobFactory(
        connection=connection, source_id="1042", customer_name="Ada Lovelace",
        customer_email="ada@example.com", order_total="1234.50", currency="AUD",
        skus="TENT-2P MUG-STEEL", placed_at=timezone.now(),
    )  # fmt: skip
    listed = owner_api.get(JOBS).json()["results"][0]
    detail = owner_api.get(f"{JOBS}{job.pk}/").json()
    for row in (listed, detail):
        assert (row["customer_name"], row["customer_email"]) == ("Ada Lovelace", "ada@example.com")
        assert (row["order_total"], row["currency"]) == ("1234.50", "AUD")
        assert row["skus"] == "TENT-2P MUG-STEEL" and row["placed_at"]
