"""Ten orders in one cycle, through the whole pipeline (the store's webhooks, a real worker, real
HTTP to the sandbox SYSPRO): one Logon and one Logoff for all of them."""

import pytest

from config.celery import app
from sandbox.bigcommerce.services import place_test_order, store_create
from sandbox.syspro import services
from sync.models import JobState, SyncJob
from tenants.models import ConnectionStatus
from tenants.services import connection_activate
from tests.support.syspro_connection import OPERATOR_PASSWORD, syspro_connection
from tests.support.syspro_sandbox import syspro_sandbox
from tests.support.worker import WorkerProcess, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
ORDERS = 10


def test_ten_jobs_of_one_cycle_share_one_session(live_server, tenant, settings):
    settings.PUBLIC_BASE_URL = live_server.url  # the store's hooks point at us
    store = store_create("sysprocycle", quota=1_000_000)
    company = syspro_sandbox(live_server, operator_password=OPERATOR_PASSWORD)
    connection = syspro_connection(
        tenant, company, status=ConnectionStatus.DRAFT, store=store, public_url=live_server.url,
        order_mode="billing", tax_codes="10=A, 0=E",
    )  # fmt: skip
    connection_activate(connection=connection)
    # The webhooks become ten due jobs first (no sync worker yet): they run back to back.
    intake = WorkerProcess(queues=("webhooks", "default")).start()  # the store's deliveries too
    shopper = store.customers.first()
    for _ in range(ORDERS):
        place_test_order(store, items=[("TENT-2P", 1)], customer=shopper)
    jobs = SyncJob.objects.filter(connection=connection, kind="order")
    wait_until(lambda: jobs.count() == ORDERS, timeout=60, message="the webhooks made no jobs")
    worker = WorkerProcess(queues=("sync", "poll")).start(purge=False)  # their run messages wait
    try:
        wait_until(
            lambda: jobs.filter(state=JobState.SUCCEEDED).count() == ORDERS, timeout=180,
            message=f"the jobs did not all succeed: {list(jobs.values('state', 'last_error'))}",
        )  # fmt: skip
        wait_until(lambda: services.sessions(company) == [], timeout=30, message="no Logoff")
    finally:
        worker.stop()
        intake.stop()
        app.control.purge()
    counts = services.call_counts(company)
    assert (counts["SORTOI"], counts["SORTIC"]) == (ORDERS, ORDERS)
    assert (counts["Logon"], counts["Logoff"]) == (1, 1), counts
    assert len(services.sales_orders(company)) == ORDERS
