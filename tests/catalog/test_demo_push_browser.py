"""The demo's catalog push as a newcomer meets it in Chromium: the MYOB connection's page offers
"Push catalog now", the preview shows what MYOB would change in the demo store, confirming writes
it with a progress display, and the store then holds MYOB's prices and stock."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from catalog.models import CatalogPush, PushState
from sandbox.bigcommerce.models import BcStore
from sandbox.demo import DEMO_EMAIL
from sandbox.myob.models import MyobBusiness, MyobRecord
from sandbox.myob.services import DEMO_BUSINESS
from tenants.models import Connection
from tests.support.browser import assert_inside_admin, assert_visible_button, screenshots, sign_in
from tests.support.catalog_shop import store_level, store_value
from tests.support.myob_sandbox import myob_app, myob_worker_env
from tests.support.worker import WorkerProcess

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]
WAIT_MS = 120_000


@pytest.fixture
def demo(live_server, settings):
    """The demo as the run command bootstraps it, with a worker reaching its sandboxes."""
    settings.DEMO_MODE = True
    with myob_app(live_server):
        call_command("bootstrap", verbosity=0)
        worker = WorkerProcess(
            extra_env={**myob_worker_env(live_server), "PUBLIC_BASE_URL": live_server.url}
        ).start()
        yield Connection.objects.get(tenant__slug="demo", erp_kind="myob")
        worker.stop()


def test_the_demo_pushes_myob_prices_and_stock_to_its_store_through_the_preview(
    live_server, browser_page, demo
):
    page = browser_page
    sign_in(page, live_server, get_user_model().objects.get(username=DEMO_EMAIL))
    page.goto(live_server.url + reverse("admin:tenants_connection_change", args=[demo.pk]))
    assert_inside_admin(page)
    panel = page.inner_text("#catalog-panel")
    assert "Catalog push: MYOB Business (AccountRight) → store" in panel
    assert "Prices, cost and stock go to the store when you push them" in panel
    assert_visible_button(page, "#catalog-push-now")
    screenshots(page, "catalog-demo-connection")

    page.click("#catalog-push-now")
    page.wait_for_selector("#push-headline:has-text('Preview:')", timeout=WAIT_MS)
    push = CatalogPush.objects.get(connection=demo)
    assert push.state == PushState.PREVIEW and push.counts.get("price")
    assert page.locator("#push-sample tbody tr").count() > 0
    assert "Price" in page.inner_text("#push-counts") and "stock@" not in page.content()
    screenshots(page, "catalog-demo-preview")

    page.click("#push-confirm")
    page.wait_for_selector("#push-headline:has-text('Done')", timeout=WAIT_MS)
    assert page.locator("#push-progress").inner_text().strip() == "100%"
    screenshots(page, "catalog-demo-done")
    push.refresh_from_db()
    assert push.state == PushState.DONE and push.batches_failed == 0, push.error

    # The store now holds what MYOB holds for the items the demo's books drifted on.
    store = BcStore.objects.get(store_hash=demo.store_hash)
    business = MyobBusiness.objects.get(name=DEMO_BUSINESS)
    drifted = MyobRecord.objects.filter(business=business, resource="Inventory/Item")
    drifted = drifted.order_by("-last_modified")[:5]
    for item in drifted:
        sku = item.data["Number"]
        if store_value(store, sku, "price") is None:
            continue  # an option inheriting its product's price
        assert store_value(store, sku, "price") == Decimal(str(item.data["BaseSellingPrice"]))
        if item.data.get("IsInventoried"):
            assert store_level(store, sku) == int(item.data["QuantityOnHand"])
