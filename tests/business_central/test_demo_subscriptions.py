"""The run command's demo tenant and its Business Central connection, live, as a newcomer meets
it: a worker makes its items and customers subscriptions through the handshake with this server,
an order placed in its store (demo4) becomes a posted invoice through the store's signed webhook,
and an item changed "in Business Central" comes back as a notification whose catalog push gives
the store the new price. One test: the demo's bootstrap and worker are the slow part."""

from decimal import Decimal

import pytest

from connectors.business_central.models import Notification, NotificationReceiver, Subscription
from sandbox.bigcommerce.models import BcStore
from sandbox.bigcommerce.services import place_test_order
from sandbox.business_central import services
from sandbox.business_central.demo import TEMPLATE_NAME, demo_company
from sandbox.catalog_seed import DEMO_SKUS, catalog_seed
from sync.models import JobState, SyncJob
from tenants.models import Connection, ConnectionStatus
from tests.support.catalog_shop import store_value
from tests.support.worker import WorkerProcess, wait_until
from webhooks.models import InboundEvent

pytestmark = pytest.mark.worker


@pytest.fixture
def demo(demo_on_live_server, live_server, settings):
    connection = Connection.objects.get(tenant=demo_on_live_server, erp_kind="business_central")
    worker = WorkerProcess(extra_env={
        "DEMO_MODE": "true", "PUBLIC_BASE_URL": live_server.url,
        "BC_API_URL": settings.BC_API_URL, "BC_ENTRA_URL": settings.BC_ENTRA_URL,
    }).start(purge=False)  # fmt: skip
    yield connection
    worker.stop()


def test_the_demo_connection_subscribes_posts_a_webhook_order_and_pushes_an_item_change(demo):
    connection = demo
    store = BcStore.objects.get(store_hash=connection.store_hash)
    assert connection.status == ConnectionStatus.ACTIVE
    # The pass saves its subscriptions one by one, then stamps the receiver.
    wait_until(lambda: NotificationReceiver.objects.filter(connection=connection,
               checked_at__isnull=False).exists(), timeout=60)  # fmt: skip
    assert Subscription.objects.filter(connection=connection).count() == 2
    assert NotificationReceiver.objects.get(connection=connection).error == ""
    company = demo_company()
    assert len(services.subscriptions(company.environment)) == 2

    # A starter item, and a SKU of the demo store's catalog the demo gave the company.
    seeded = next(p for p in catalog_seed(DEMO_SKUS) if not p.erp_lacks).skus()[0]
    order = place_test_order(store, items=[("TENT-2P", 2), (seeded, 1)])
    wait_until(
        lambda: SyncJob.objects.filter(
            connection=connection, source_id=str(order.pk), state=JobState.SUCCEEDED
        ).exists(),
        timeout=60,
        message="the demo order did not reach Business Central",
    )
    assert InboundEvent.objects.filter(
        connection=connection, scope="store/order/created", resource_id=str(order.pk)
    ).exists(), "the order came by another path than its webhook"
    (invoice,) = [
        i for i in services.records(company, "salesInvoices")
        if i["customerPurchaseOrderReference"] == f"BigCommerce {order.pk}"
    ]  # fmt: skip
    assert invoice["status"] == "Open"  # posted
    assert [
        (line["lineObjectNumber"], line["quantity"])
        for line in invoice["salesInvoiceLines"] if line["lineType"] == "Item"
    ] == [("TENT-2P", 2), (seeded, 1)]  # fmt: skip
    # The shopper was created like the demo's template customer (its tax area).
    customers = {c["id"]: c for c in services.records(company, "customers")}
    template = next(c for c in customers.values() if c["displayName"] == TEMPLATE_NAME)
    assert customers[invoice["customerId"]]["taxAreaId"] == template["taxAreaId"] != ""

    assert store_value(store, "TENT-2P", "price") != Decimal("77.70")
    services.item_set(company, "TENT-2P", unit_price="77.70")
    services.clock_advance(31)
    assert services.notifications_send()["sent"] == 1
    wait_until(lambda: Notification.objects.filter(connection=connection, push__isnull=False)
               .exists(), timeout=60)  # fmt: skip
    # One POST: the item's change, and the customer the order created.
    assert Notification.objects.get(connection=connection).entities == ["customers", "items"]
    wait_until(
        lambda: store_value(store, "TENT-2P", "price") == Decimal("77.70"),
        timeout=90,
        message="the new price did not reach the demo store",
    )
