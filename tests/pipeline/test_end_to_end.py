"""Store → webhook → worker → ERP, over real HTTP against the sandbox store, with a real worker,
on PostgreSQL + Redis and again on SQLite + the file broker (the README's default). The ERP is
the in-test fake (tests/support/fake_erp.py), which keeps every document it is asked to create."""

import itertools
import random

import pytest

from audit.models import ApiCall
from connectors.bigcommerce.hooks import ensure_hooks
from sandbox.bigcommerce.delivery import attempt
from sandbox.bigcommerce.models import BcDelivery, BcHook
from sandbox.bigcommerce.services import place_test_order, store_create
from sync.models import JobState, SyncJob
from sync.polling import ORDERS_CURSOR, orders_poll
from sync.replay import job_replay
from tenants.cursors import read_cursor
from tenants.models import Connection, ConnectionStatus
from tenants.services import connection_activate, connection_pause
from tests.factories import ConnectionFactory
from tests.support.fake_erp import KIND, ledger
from tests.support.worker import jobs_settled, wait_until
from webhooks.models import EventState, InboundEvent
from webhooks.subscription import SUBSCRIBED_SCOPES

pytestmark = pytest.mark.embedded

_hashes = itertools.count(1)


@pytest.fixture
def shop(live_server, settings, tenant, celery_worker_process):
    """A sandbox store joined to the fake ERP, activated (so its hooks point at us)."""
    settings.PUBLIC_BASE_URL = live_server.url
    store = store_create(f"e2e{next(_hashes)}", quota=100_000)
    connection = ConnectionFactory(
        tenant=tenant, store_hash=store.store_hash, erp_kind=KIND,
        bc_api_url=f"{live_server.url}/sandbox/bigcommerce",
        bc_access_token=store.access_token, bc_client_secret=store.client_secret,
    )  # fmt: skip
    erp = ledger(connection.pk)
    erp.clear()
    connection = connection_activate(connection=connection)
    yield store, connection, erp
    erp.clear()


def test_activation_registers_every_scope_once(shop):
    store, connection, _ = shop
    hooks = BcHook.objects.filter(store=store)
    assert sorted(hooks.values_list("scope", flat=True)) == SUBSCRIBED_SCOPES
    assert all(h.destination.endswith(f"/webhooks/bigcommerce/{connection.pk}/") for h in hooks)
    assert connection.webhook_health["error"] == ""


def test_a_placed_order_becomes_one_erp_document_with_every_call_audited(shop):
    store, connection, erp = shop
    order = place_test_order(store, items=[("TENT-2P", 2), ("MUG-STEEL", 3)])
    wait_until(jobs_settled(connection, 1), timeout=30, message="the order did not sync")
    job = SyncJob.objects.get(connection=connection)
    assert job.state == JobState.SUCCEEDED, job.last_error
    document = erp.document_for(order.pk)
    assert document["lines"] == [["TENT-2P", "2", "349.0000"], ["MUG-STEEL", "3", "19.5000"]]
    assert job.erp_document_number == document["ref"]["number"]
    assert job.details["payments"][0]["event"] == "purchase"
    event = InboundEvent.objects.get(connection=connection)
    assert event.state == EventState.PROCESSED and event.headers["x-verified-by"] == "signature"
    operations = set(ApiCall.objects.filter(sync_job=job).values_list("operation", flat=True))
    assert {"order.get", "customer.get", "order.transactions"} <= operations


def test_fifty_webhooks_with_duplicates_create_each_document_once(shop):
    store, connection, erp = shop
    orders = [place_test_order(store, items=[("PACK-30L", 1)]) for _ in range(40)]
    wait_until(
        lambda: BcDelivery.objects.filter(hook__store=store, state="delivered").count() >= 40,
        timeout=60,
    )
    # BigCommerce redelivers: the same body, the same webhook-id, again.
    for delivery in random.sample(list(BcDelivery.objects.filter(hook__store=store)), 10):
        BcDelivery.objects.filter(pk=delivery.pk).update(state="pending")
        assert attempt(delivery.pk) is None
    wait_until(jobs_settled(connection, 40), timeout=90, message="not every order synced")
    assert erp.orders() == {str(o.pk): 1 for o in orders}  # each order once, nothing else
    assert InboundEvent.objects.filter(connection=connection).count() == 40
    assert SyncJob.objects.filter(connection=connection, state=JobState.SUCCEEDED).count() == 40


def test_an_order_whose_webhook_never_came_is_picked_up_by_the_poll(shop):
    store, connection, erp = shop
    BcHook.objects.filter(store=store).update(is_active=False)  # deliveries stop: nothing is sent
    order = place_test_order(store, items=[("STOVE-1", 1)])
    assert not BcDelivery.objects.filter(hook__store=store).exists()
    assert orders_poll(connection.pk) >= 1
    wait_until(jobs_settled(connection, 1), timeout=30, message="the poll did not sync the order")
    assert erp.orders() == {str(order.pk): 1}
    connection.refresh_from_db()
    assert read_cursor(connection, ORDERS_CURSOR) >= order.date_modified.replace(microsecond=0)
    # A second poll finds the order again (inclusive cursor), sees it synced as it is, and
    # leaves it: no new run (a re-requested job would be pending or have a second attempt).
    assert orders_poll(connection.pk) >= 1
    job = SyncJob.objects.get(connection=connection)
    assert (job.state, job.attempts) == (JobState.SUCCEEDED, 1)
    assert erp.orders() == {str(order.pk): 1}


def test_the_health_check_reactivates_and_recreates_hooks_without_duplicates(shop):
    store, connection, _ = shop
    hooks = BcHook.objects.filter(store=store)
    hooks.filter(scope="store/order/created").update(is_active=False)  # deactivated after failures
    hooks.filter(scope="store/customer/updated").delete()
    health = ensure_hooks(connection)
    assert "re-activated store/order/created" in health["actions"]
    assert "created store/customer/updated" in health["actions"]
    assert hooks.count() == len(SUBSCRIBED_SCOPES) and not hooks.filter(is_active=False).exists()
    assert ensure_hooks(connection)["actions"] == []  # nothing to do twice


def test_a_failed_job_replays_once_the_cause_is_fixed(shop):
    store, connection, erp = shop
    erp.refuse_sku("JACKET-S")
    order = place_test_order(store, items=[("JACKET-S", 1)])
    wait_until(jobs_settled(connection, 1), timeout=30)
    job = SyncJob.objects.get(connection=connection)
    assert job.state == JobState.FAILED and "SKU JACKET-S" in job.last_error
    erp.accept_sku("JACKET-S")  # the user fixes the mapping
    assert job_replay(job=job)
    wait_until(lambda: SyncJob.objects.get(pk=job.pk).state == JobState.SUCCEEDED, timeout=30)
    assert erp.orders() == {str(order.pk): 1}
    assert job.attempt_log.count() == 2


def test_a_paused_connection_keeps_events_and_syncs_them_on_activation(shop):
    store, connection, erp = shop
    connection_pause(connection=connection)
    order = place_test_order(store, items=[("MUG-STEEL", 1)])
    wait_until(lambda: InboundEvent.objects.filter(connection=connection).exists(), timeout=30)
    assert InboundEvent.objects.get(connection=connection).state == EventState.RECEIVED
    assert erp.creates() == 0
    connection_activate(connection=Connection.objects.get(pk=connection.pk))
    wait_until(jobs_settled(connection, 1), timeout=30)
    assert erp.orders() == {str(order.pk): 1}
    assert Connection.objects.get(pk=connection.pk).status == ConnectionStatus.ACTIVE


def test_activation_with_a_backfill_syncs_history_and_shows_progress(shop, client, owner):
    from django.urls import reverse

    from sync.models import BulkRun

    store, connection, erp = shop
    connection_pause(connection=connection)
    BcHook.objects.filter(store=store).delete()  # history: orders from before we were connected
    old_orders = [place_test_order(store, items=[("MUG-STEEL", 1)]) for _ in range(3)]
    client.force_login(owner)
    page = client.post(
        reverse("admin:tenants_connection_activate", args=[connection.pk]),
        {"backfill_days": "30"},
        follow=True,
    )
    assert "follow its progress" in page.content.decode()
    run = BulkRun.objects.get(connection=connection, kind=BulkRun.Kind.BACKFILL)
    wait_until(lambda: BulkRun.objects.get(pk=run.pk).state == BulkRun.State.DONE, timeout=30)
    wait_until(jobs_settled(connection, 3), timeout=30)
    assert erp.orders() == {str(o.pk): 1 for o in old_orders}
    progress = client.get(reverse("admin:sync_bulkrun_change", args=[run.pk])).content.decode()
    assert "100%" in progress and "3 succeeded" in progress
    change = client.get(
        reverse("admin:tenants_connection_change", args=[connection.pk])
    ).content.decode()
    assert f"{len(SUBSCRIBED_SCOPES)} of {len(SUBSCRIBED_SCOPES)} webhooks active" in change


def test_a_new_shopper_becomes_an_erp_customer(shop):
    store, connection, erp = shop
    place_test_order(store, customer="new", items=[("STOVE-1", 1)])
    wait_until(jobs_settled(connection, 2), timeout=30)  # the customer job and the order job
    kinds = dict(SyncJob.objects.filter(connection=connection).values_list("kind", "state"))
    assert kinds == {"customer": JobState.SUCCEEDED, "order": JobState.SUCCEEDED}
    assert any(email.startswith("shopper") for email in erp.customers())


def test_statuses_decide_what_is_sent_and_later_changes_are_followed(shop):
    from sandbox.bigcommerce.services import set_order_status

    store, connection, erp = shop
    order = place_test_order(
        store, items=[("PACK-30L", 1)], status_id=0
    )  # Incomplete: payment failed
    wait_until(
        lambda: SyncJob.objects.filter(connection=connection, state=JobState.SKIPPED).exists(),
        timeout=30,
    )
    job = SyncJob.objects.get(connection=connection)
    assert "status 'Incomplete'" in job.last_error and erp.creates() == 0
    set_order_status(order, 11)  # paid: Awaiting Fulfillment
    wait_until(lambda: SyncJob.objects.get(pk=job.pk).state == JobState.SUCCEEDED, timeout=30)
    assert erp.document_for(order.pk)["status_id"] == 11
    set_order_status(order, 5)  # cancelled after it reached the ledger
    wait_until(lambda: SyncJob.objects.get(pk=job.pk).warnings, timeout=30)
    job.refresh_from_db()
    assert "Cancelled" in job.warnings[0] and erp.orders() == {str(order.pk): 1}


def test_a_synced_order_run_again_by_its_webhooks_and_a_replay_stays_one_document(shop):
    from sandbox.bigcommerce.services import set_order_status

    store, connection, erp = shop
    order = place_test_order(store, items=[("TENT-2P", 1)])
    wait_until(jobs_settled(connection, 1), timeout=30, message="the order did not sync")
    job = SyncJob.objects.get(connection=connection)

    def ran(times):
        done = SyncJob.objects.filter(pk=job.pk, state=JobState.SUCCEEDED, rerun_requested=False)
        return lambda: job.attempt_log.count() >= times and done.exists()

    set_order_status(order, 2)  # Shipped, still a status to sync: its two webhooks run the job
    events = InboundEvent.objects.filter(connection=connection, state=EventState.PROCESSED)
    wait_until(lambda: events.count() == 3, timeout=30, message="the status webhooks were lost")
    wait_until(ran(2), timeout=30, message="the status change did not run the job again")
    runs = job.attempt_log.count()
    assert job_replay(job=SyncJob.objects.get(pk=job.pk))  # and a person replays it
    wait_until(ran(runs + 1), timeout=30, message="the replay did not run")
    # Each run looked the order up in the ERP first and found its document.
    assert erp.orders() == {str(order.pk): 1}
    assert erp.document_for(order.pk)["status_id"] == 2
