"""Stock and prices from Acumatica to the store end to end, over real HTTP with a real worker: a
price edited in the sandbox Acumatica goes out as a push notification, the receiver stores it
and asks for the catalog push, and the store's variant takes the new price. A notification sent
with a wrong secret is refused on each of Acumatica's 5 tries and nothing is stored; a resent one
is stored once; a dropped one is caught by the scheduled push."""

import os
import subprocess
import sys
from datetime import timedelta
from decimal import Decimal

import pytest

from catalog.models import CatalogPush, PushState, Trigger
from catalog.schedule import pushes_start_due
from catalog.services import push_start, settings_update
from connectors.acumatica.models import NotificationState, PushNotification
from connectors.acumatica.push import push_setup
from sandbox.acumatica.models import AcuPushDelivery
from sandbox.acumatica.push import deliver, deliveries_flush, notification_create
from sandbox.acumatica.services import stock_item_set
from sandbox.bigcommerce.services import store_create
from sandbox.catalog_seed import catalog_seed
from tenants.services import connection_activate
from tests.acumatica.items_setup import acumatica_connection, stock_item
from tests.support.catalog_shop import (
    push_settled,
    seed_skus,
    store_catalog,
    store_hash,
    store_value,
)
from tests.support.worker import wait_until, worker_database_url

pytestmark = pytest.mark.worker
NEW_PRICE = Decimal("123.45")


@pytest.fixture
def shop(settings, live_server, acu, tenant, celery_worker_process):
    """A sandbox store and a sandbox Acumatica sharing a small catalog, joined by an active
    connection with the catalog push on and a first push done; Acumatica's push notification
    set up as the connection's page says."""
    settings.PUBLIC_BASE_URL = live_server.url
    store = store_create(store_hash(), quota=100_000)
    products = catalog_seed(40)
    store_catalog(store, products)
    skus = seed_skus(products)
    for sku in skus:
        stock_item(
            acu, sku.sku, price=sku.price, cost=sku.cost, qty_by_warehouse={"MAIN": sku.stock}
        )
    connection = acumatica_connection(
        acu, tenant, store_hash=store.store_hash, bc_api_url=f"{live_server.url}/sandbox/bigcommerce",
        bc_access_token=store.access_token, bc_client_secret=store.client_secret,
    )  # fmt: skip
    settings_update(connection, enabled=True, interval_minutes=15)
    connection = connection_activate(connection=connection)
    first = push_settled(push_start(connection, trigger=Trigger.MANUAL, dry_run=False))
    assert (first.state, first.error) == (PushState.DONE, ""), first.problems
    setup = push_setup(connection)
    notification = notification_create(
        acu.tenant, address=setup["address"], header_name=setup["header_name"],
        header_value=setup["header_value"],
    )  # fmt: skip
    variant = next(s for s in skus if s.option)
    yield store, connection, notification, variant
    deliveries_flush()


def test_a_price_change_in_acumatica_reaches_the_stores_variant(shop, acu):
    store, connection, notification, variant = shop
    assert store_value(store, variant.sku, "price") == variant.price != NEW_PRICE
    stock_item_set(acu.tenant, variant.sku, price=NEW_PRICE)
    deliveries_flush()
    delivery = AcuPushDelivery.objects.get(notification=notification)
    assert (delivery.delivered, delivery.attempts, delivery.status_code) == (True, 1, 200)
    (row,) = delivery.payload["Inserted"]
    assert (row["InventoryID"], row["DefaultPrice"]) == (variant.sku, float(NEW_PRICE))
    assert delivery.payload["Deleted"][0]["DefaultPrice"] == float(variant.price)
    stored = PushNotification.objects.get(connection=connection)
    assert stored.skus == [variant.sku] and stored.notification_id == f"id:{delivery.message_id}"
    wait_until(lambda: store_value(store, variant.sku, "price") == NEW_PRICE, timeout=60,
               message="the new price did not reach the store")  # fmt: skip
    stored.refresh_from_db()
    assert stored.state == NotificationState.PUSHED
    push = push_settled(stored.push)
    assert (push.trigger, push.state, push.counts) == (Trigger.SIGNAL, PushState.DONE, {"price": 1})
    # Acumatica resends it (Process Push Notifications, SM502000): the same Id, stored once.
    assert deliver(delivery).status_code == 200
    assert PushNotification.objects.filter(connection=connection).count() == 1


def test_a_wrong_secret_is_refused_on_each_of_the_five_tries_and_nothing_is_stored(shop, acu):
    store, _, notification, variant = shop
    notification.header_value = "not-the-secret"
    notification.save()
    stock_item_set(acu.tenant, variant.sku, price=NEW_PRICE)
    deliveries_flush()
    delivery = AcuPushDelivery.objects.get(notification=notification)
    assert (delivery.delivered, delivery.attempts, delivery.status_code) == (False, 5, 401)
    assert not PushNotification.objects.exists()
    assert store_value(store, variant.sku, "price") == variant.price


def test_a_dropped_notification_is_caught_by_the_scheduled_push(shop, acu):
    store, connection, notification, variant = shop
    notification.drop_rate = 1.0  # Acumatica's delivery is not guaranteed
    notification.save()
    stock_item_set(acu.tenant, variant.sku, price=NEW_PRICE, qty_by_warehouse={"MAIN": 3})
    deliveries_flush()
    delivery = AcuPushDelivery.objects.get(notification=notification)
    assert (delivery.dropped, delivery.attempts) == (True, 0)
    assert not PushNotification.objects.exists()
    assert store_value(store, variant.sku, "price") == variant.price
    # The interval passes: the schedule's push reads what changed since the last one.
    CatalogPush.objects.filter(connection=connection).update(
        created_at=CatalogPush.objects.get().created_at - timedelta(minutes=16)
    )
    assert pushes_start_due() == 1
    scheduled = push_settled(CatalogPush.objects.get(trigger=Trigger.SCHEDULE))
    assert scheduled.state == PushState.DONE and scheduled.counts.get("price") == 1
    assert store_value(store, variant.sku, "price") == NEW_PRICE


def test_an_edit_made_by_a_command_that_ends_at_once_still_notifies(shop, acu):
    """manage.py sandbox_acumatica_item changes an item and exits: its notification, sent from a
    background thread, goes out before the process ends."""
    store, connection, notification, variant = shop
    env = {
        **os.environ,
        "DATABASE_URL": worker_database_url(),
        "DJANGO_SETTINGS_MODULE": "tests.settings",
    }
    command = [sys.executable, "manage.py", "sandbox_acumatica_item", variant.sku, "--price",
               str(NEW_PRICE), "--instance", acu.instance.slug, "--tenant", acu.tenant.name]  # fmt: skip
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    delivery = AcuPushDelivery.objects.get(notification=notification)
    assert (delivery.delivered, delivery.status_code) == (True, 200)
    assert PushNotification.objects.get(connection=connection).skus == [variant.sku]
    wait_until(lambda: store_value(store, variant.sku, "price") == NEW_PRICE, timeout=60,
               message="the new price did not reach the store")  # fmt: skip
