"""Fair across tenants on one shared MYOB key: one tenant's burst does not queue the others behind
it. Real worker, both sandboxes over real HTTP, every connection drawing on the same MYOB key's
budget (8 calls per second at MYOB; ml-connector keeps to 7)."""

import itertools
import statistics

import pytest
from django.db import transaction

from audit.models import ApiCall
from sandbox.bigcommerce.services import place_test_order, store_create
from sandbox.myob.oauth import issue_token
from sandbox.myob.services import business_create
from sync.dispatch import job_dispatch
from sync.jobs import job_request
from sync.models import JobState, SyncJob
from tenants.models import ConnectionStatus
from tests.factories import ConnectionFactory, TenantFactory
from tests.support.myob_sandbox import (
    CF_PASSWORD,
    CF_USER,
    CLIENT_ID,
    CLIENT_SECRET,
    SCOPES,
    signed_in,
)
from tests.support.worker import WorkerProcess, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.embedded]  # on PostgreSQL and on SQLite
_names = itertools.count(1)
BURST = 60
SMALL_TENANTS = 4


def tenant_on_myob(live_server, myob_key):
    """A tenant's store joined to its own MYOB company file through our one MYOB key; active,
    no webhooks (the test hands the jobs over as the webhook intake does)."""
    n = next(_names)
    business = business_create(f"Fair Outdoor {n}", username=CF_USER, password=CF_PASSWORD)
    token = issue_token(myob_key, str(business.uid), SCOPES)
    store = store_create(f"fair{n}", quota=100_000)
    connection = ConnectionFactory(
        tenant=TenantFactory(name=f"Tenant {n}"), store_hash=store.store_hash, erp_kind="myob",
        status=ConnectionStatus.ACTIVE, bc_api_url=f"{live_server.url}/sandbox/bigcommerce",
        bc_access_token=store.access_token, bc_client_secret=store.client_secret,
        erp_settings={"business_id": str(business.uid), "company_file_username": CF_USER},
        erp_secrets={"company_file_password": CF_PASSWORD},
    )  # fmt: skip
    signed_in(connection, token, scope=SCOPES)
    return store, connection


def hand_over(store, connection, count: int) -> list[int]:
    """`count` new orders, each handed to the pipeline as a webhook's is (one transaction)."""
    orders = [
        place_test_order(store, items=[("TENT-2P", 1)], customer=store.customers.first())
        for _ in range(count)
    ]
    with transaction.atomic():
        ids = []
        for order in orders:
            job, needs_run = job_request(
                connection=connection, kind="order", source_id=str(order.pk), trigger="webhook"
            )
            assert needs_run
            job_dispatch(job.pk, trigger="webhook")
            ids.append(job.pk)
    return ids


def test_a_small_tenants_order_waits_for_a_few_of_a_big_tenants_burst_not_all(
    live_server, myob_key
):
    big = tenant_on_myob(live_server, myob_key)
    small = [tenant_on_myob(live_server, myob_key) for _ in range(SMALL_TENANTS)]
    worker = WorkerProcess(extra_env={
        "MYOB_CLIENT_ID": CLIENT_ID, "MYOB_CLIENT_SECRET": CLIENT_SECRET,
        "MYOB_OAUTH_URL": f"{live_server.url}/sandbox/myob/oauth2",
        "MYOB_API_URL": f"{live_server.url}/sandbox/myob/accountright",
    }).start()  # fmt: skip
    try:
        burst = hand_over(*big, BURST)
        singles = [hand_over(store, connection, 1)[0] for store, connection in small]
        everything = SyncJob.objects.filter(pk__in=[*burst, *singles])
        wait_until(
            lambda: (
                not everything.exclude(state__in=[JobState.SUCCEEDED, JobState.FAILED]).exists()
            ),
            timeout=240,
            message="the burst and the small tenants' orders did not all reach MYOB",
        )
    finally:
        worker.stop()
    assert set(everything.values_list("state", flat=True)) == {JobState.SUCCEEDED}
    assert everything.filter(erp_document_id="").count() == 0
    burst_done = sorted(SyncJob.objects.filter(pk__in=burst).values_list("finished_at", flat=True))
    ahead, waits, queued, calls = [], [], [], []
    for job in SyncJob.objects.filter(pk__in=singles):
        ahead.append(sum(1 for finished in burst_done if finished < job.finished_at))
        waits.append((job.finished_at - job.created_at).total_seconds())
        queued.append((job.started_at - job.created_at).total_seconds())
        calls.append(ApiCall.objects.filter(sync_job=job, system="myob").count())
    burst_waits = [
        (j.finished_at - j.created_at).total_seconds() for j in SyncJob.objects.filter(pk__in=burst)
    ]
    print(
        f"small tenants: {BURST}-order burst documents finished ahead of each: {ahead}; "
        f"order -> MYOB document {sorted(round(w, 2) for w in waits)} s; "
        f"of which before its run started {sorted(round(q, 2) for q in queued)} s; "
        f"MYOB calls each {calls} (a tenant's first order also reads its reference data); "
        f"burst p50 {statistics.median(burst_waits):.1f} s, max {max(burst_waits):.1f} s"
    )
    # At most a few of the burst's jobs (those already running, one per worker thread, and the
    # turns the small tenants' claims interleave with) finish before a small tenant's order.
    assert max(ahead) <= 2 + SMALL_TENANTS, ahead
