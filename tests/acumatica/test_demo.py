"""The run command's demo tenant and its Acumatica connection, as a newcomer meets them: an order
placed in its store (demo3) reaches the sandbox Acumatica through the store's signed webhook, and
a stock item changed "in Acumatica" (manage.py sandbox_acumatica_item) reaches the store through
the push notification the demo set up."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from catalog.models import Trigger
from connectors.acumatica.models import PushNotification
from sandbox.acumatica.demo import INSTANCE, TENANT
from sandbox.acumatica.models import AcuPushDelivery, AcuTenant
from sandbox.acumatica.push import deliveries_flush
from sandbox.acumatica.services import plain_records
from sandbox.bigcommerce.models import BcStore
from sandbox.bigcommerce.services import place_test_order
from sync.models import JobState, SyncJob
from tenants.models import Connection
from tests.support.catalog_shop import store_value
from tests.support.worker import wait_until
from webhooks.models import InboundEvent

pytestmark = pytest.mark.worker


@pytest.fixture
def demo(demo_on_live_server, celery_worker_process):
    connection = Connection.objects.get(tenant=demo_on_live_server, erp_kind="acumatica")
    yield connection, BcStore.objects.get(store_hash=connection.store_hash)
    deliveries_flush()


def test_an_order_in_the_demo_store_lands_in_acumatica_through_its_webhook(demo):
    connection, store = demo
    order = place_test_order(store, items=[("TENT-2P", 2)])
    wait_until(
        lambda: SyncJob.objects.filter(
            connection=connection, source_id=str(order.pk), state=JobState.SUCCEEDED
        ).exists(),
        timeout=60,
        message="the demo order did not reach Acumatica",
    )
    assert InboundEvent.objects.filter(
        connection=connection, scope="store/order/created", resource_id=str(order.pk)
    ).exists(), "the order came by another path than its webhook"
    tenant = AcuTenant.objects.get(instance__slug=INSTANCE, name=TENANT)
    (document,) = [
        r for r in plain_records(tenant, "SalesOrder") if r.get("ExternalRef") == f"BC-{order.pk}"
    ]
    assert [(line["InventoryID"], line["OrderQty"]) for line in document["Details"]] == [
        ("TENT-2P", 2)
    ]


def test_a_stock_item_changed_in_the_demo_acumatica_reaches_the_demo_store(demo):
    connection, store = demo
    assert store_value(store, "TENT-2P", "price") != Decimal("329.00")
    call_command("sandbox_acumatica_item", "TENT-2P", "--price", "329", stdout=None)
    deliveries_flush()
    delivery = AcuPushDelivery.objects.get(notification__tenant__name=TENANT)
    assert (delivery.delivered, delivery.status_code) == (True, 200), delivery.last_error
    wait_until(
        lambda: store_value(store, "TENT-2P", "price") == Decimal("329.00"),
        timeout=90,
        message="the new price did not reach the demo store",
    )
    stored = PushNotification.objects.get(connection=connection)
    assert stored.skus == ["TENT-2P"] and stored.push.trigger == Trigger.SIGNAL
