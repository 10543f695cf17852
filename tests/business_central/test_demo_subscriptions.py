"""The run command's demo tenant and its Business Central connection, live: a worker makes its
items and customers subscriptions through the handshake with this server, and an item changed
"in Business Central" comes back as a notification that asks for the catalog push."""

import pytest

from connectors.business_central.models import Notification, NotificationReceiver, Subscription
from sandbox.business_central import services
from sandbox.business_central.demo import demo_company
from tenants.models import Connection, ConnectionStatus
from tests.support.worker import WorkerProcess, wait_until

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


def test_the_demo_connection_subscribes_and_an_item_change_asks_for_the_catalog_push(demo):
    connection = demo
    assert connection.status == ConnectionStatus.ACTIVE
    wait_until(lambda: Subscription.objects.filter(connection=connection).count() == 2,
               timeout=60)  # fmt: skip
    receiver = NotificationReceiver.objects.get(connection=connection)
    assert receiver.error == "" and receiver.checked_at is not None
    company = demo_company()
    assert len(services.subscriptions(company.environment)) == 2
    number = services.records(company, "items")[0]["number"]
    services.item_set(company, number, unit_price="77.70")
    services.clock_advance(31)
    assert services.notifications_send()["sent"] == 1
    wait_until(lambda: Notification.objects.filter(connection=connection, push__isnull=False)
               .exists(), timeout=60)  # fmt: skip
    assert Notification.objects.get(connection=connection).entities == ["items"]
