"""A job that fails for good records what a person must fix (a cause code and the record at
fault), on the job and on its attempt; errors raised without a code get one by their kind; a
later success clears them. Through the real pipeline: a sandbox store over HTTP, the in-test ERP."""

import itertools

import pytest
from django.urls import reverse

from connectors.causes import (
    CAUSES,
    ERP_UNAVAILABLE,
    ERP_VALIDATION,
    INTERNAL,
    PERMISSION_DENIED,
    RECONNECT_REQUIRED,
    SKU_UNMAPPED,
    cause_of,
    fallback_cause,
    fix_link,
)
from connectors.errors import PermanentError, ReconnectRequired, TransientError
from sandbox.bigcommerce.services import place_test_order, store_create
from sync.jobs import MAX_ATTEMPTS, job_request, job_run
from sync.models import JobState, SyncAttempt, SyncJob
from sync.replay import job_replay
from tenants.models import ConnectionStatus
from tests.factories import ConnectionFactory
from tests.support.fake_erp import KIND, ledger

pytestmark = pytest.mark.embedded  # on PostgreSQL and on SQLite

_hashes = itertools.count(1)


@pytest.fixture
def shop(transactional_db, live_server, tenant):
    store = store_create(f"causes{next(_hashes)}", quota=100_000)
    connection = ConnectionFactory(
        tenant=tenant, store_hash=store.store_hash, erp_kind=KIND,
        status=ConnectionStatus.ACTIVE, bc_api_url=f"{live_server.url}/sandbox/bigcommerce",
        bc_access_token=store.access_token, bc_client_secret=store.client_secret,
    )  # fmt: skip
    erp = ledger(connection.pk)
    erp.clear()
    yield store, connection, erp
    erp.clear()


def order_job(store, connection, sku="TENT-2P") -> SyncJob:
    order = place_test_order(store, items=[(sku, 1)])
    job, _ = job_request(
        connection=connection, kind="order", source_id=str(order.pk), trigger="webhook"
    )
    return job


def test_a_missing_sku_fails_with_its_code_and_sku_and_a_later_success_clears_them(shop):
    store, connection, erp = shop
    erp.refuse_sku("TENT-2P")
    job = order_job(store, connection)
    assert job_run(job.pk, trigger="webhook").state == JobState.FAILED
    job.refresh_from_db()
    assert (job.error_cause, job.error_subject) == (SKU_UNMAPPED, "TENT-2P")
    assert SyncAttempt.objects.get(job=job).error_cause == SKU_UNMAPPED
    erp.accept_sku("TENT-2P")
    job_replay(job=job)
    assert job_run(job.pk, trigger="replay").state == JobState.SUCCEEDED
    job.refresh_from_db()
    assert (job.error_cause, job.error_subject) == ("", "")
    # The attempt history keeps why the first attempt failed.
    causes = list(SyncAttempt.objects.filter(job=job).order_by("pk").values_list("error_cause"))
    assert causes == [(SKU_UNMAPPED,), ("",)]


def test_a_job_that_gives_up_after_its_retries_reads_erp_unavailable(shop):
    store, connection, erp = shop
    job = order_job(store, connection)
    SyncJob.objects.filter(pk=job.pk).update(attempts=MAX_ATTEMPTS - 1)
    erp.creates_unconfirmed(1)  # a create without an answer (transient), on its last attempt
    assert job_run(job.pk, trigger="webhook").state == JobState.FAILED
    job.refresh_from_db()
    assert job.last_error.startswith("Gave up after")
    assert job.error_cause == ERP_UNAVAILABLE


def test_errors_without_a_code_get_one_by_their_kind():
    assert fallback_cause(ReconnectRequired("sign in again")) == RECONNECT_REQUIRED
    assert fallback_cause(TransientError("timeout"), gave_up=True) == ERP_UNAVAILABLE
    assert fallback_cause(PermanentError("refused")) == ERP_VALIDATION
    assert fallback_cause(PermanentError("forbidden", status=403)) == PERMISSION_DENIED
    assert fallback_cause(KeyError("x")) == INTERNAL
    coded = PermanentError("SKU X", cause=SKU_UNMAPPED, subject="X")
    assert fallback_cause(coded, gave_up=True) == SKU_UNMAPPED
    assert cause_of("") is CAUSES[ERP_VALIDATION]  # failed before codes existed


@pytest.mark.django_db
def test_each_cause_reads_in_plain_words_and_links_the_control_that_fixes_it(active):
    """Every title and fix fills in; the mappings, reconnect and settings controls resolve to
    the connection's own pages (MYOB's mappings page once a company file is chosen)."""
    for cause in CAUSES.values():
        for subject in ("HAMMOCK-1", ""):
            assert "{" not in cause.heading(subject=subject, erp="MYOB Business")
            assert "{" not in cause.advice(subject=subject, erp="MYOB Business")
    assert (
        CAUSES[SKU_UNMAPPED].heading(subject="HAMMOCK-1", erp="MYOB Business")
        == "SKU HAMMOCK-1 has no item in MYOB Business"
    )
    settings_page = reverse("admin:tenants_connection_change", args=[active.pk])
    active.erp_settings = {**active.erp_settings, "business_id": "file-1"}
    label, url = fix_link(CAUSES[SKU_UNMAPPED], active)
    assert (label, url) == ("Open MYOB mappings", reverse("myob:mappings", args=[active.pk]))
    assert fix_link(CAUSES[RECONNECT_REQUIRED], active)[1] == reverse(
        "myob:connect", args=[active.pk]
    )
    assert fix_link(CAUSES[ERP_UNAVAILABLE], active)[1] == settings_page
    assert fix_link(CAUSES[INTERNAL], active) is None
