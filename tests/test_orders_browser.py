"""The Orders view in Chromium, as a finance person uses it: orders that came through the real
pipeline (the sandbox store's webhooks, a worker, the in-test ERP), listed at 1440 px and as a
compact list at 390 px, and an order's page as a timeline with its calls and lines."""

import pytest

from sandbox.bigcommerce.services import place_test_order
from sync.models import JobKind, JobState, SyncJob
from tests.pipeline.test_end_to_end import shop  # noqa: F401 - the fixture
from tests.support import browser
from tests.support.worker import jobs_settled, wait_until

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_orders_list_and_an_orders_timeline(shop, browser_page, live_server, owner):  # noqa: F811
    store, connection, erp = shop
    erp.refuse_sku("JACKET-S")
    place_test_order(store, items=[("TENT-2P", 2), ("MUG-STEEL", 3)])
    place_test_order(store, items=[("JACKET-S", 1)])
    wait_until(jobs_settled(connection, 2, kind=JobKind.ORDER), timeout=60)
    done = SyncJob.objects.get(connection=connection, state=JobState.SUCCEEDED)
    failed = SyncJob.objects.get(connection=connection, state=JobState.FAILED)
    page = browser_page
    browser.sign_in(page, live_server, owner)

    page.goto(f"{live_server.url}/admin/sync/orderjob/")
    browser.assert_inside_admin(page)
    headers = page.locator("#result_list thead").inner_text()
    for column in ("Order", "Placed", "Customer", "Total", "State", "ERP document"):
        assert column in headers
    rows = page.locator("#result_list tbody tr.data-row")
    assert rows.count() == 2
    assert "In the ledger" in page.inner_text("#result_list")
    assert "Failed — needs attention" in page.inner_text("#result_list")
    browser.screenshots(page, "orders-list")

    # On a phone: one compact block per order (two lines), nothing wider than the screen.
    page.set_viewport_size({"width": 390, "height": 900})
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= 390, f"the list is {wide} px wide on a phone"
    for index in range(rows.count()):
        height = rows.nth(index).bounding_box()["height"]
        assert height < 90, f"order row {index} is {height:.0f} px tall on a phone"
    assert not page.locator("#result_list td.field-placed").first.is_visible()
    page.set_viewport_size({"width": 1440, "height": 900})

    page.goto(f"{live_server.url}/admin/sync/orderjob/{done.pk}/change/")
    timeline = page.inner_text(".order-timeline")
    for step in ("Webhook received", "Order fetched from BigCommerce", "Customer matched or created",
                 "Document created", "Payments recorded"):  # fmt: skip
        assert step in timeline
    calls = page.locator("a#order-calls")
    assert calls.get_attribute("href").endswith(f"?sync_job__id__exact={done.pk}")
    assert f"See the {done.api_calls.count()} calls made for this order" in calls.inner_text()
    page.locator(".order-step-calls summary").first.click()
    assert page.locator(".order-step-calls li a").first.is_visible()
    compare = page.inner_text(".order-compare")
    assert "TENT-2P" in compare and "Sales invoice" in compare and "{" not in compare
    browser.screenshots(page, "orders-order-page")
    page.set_viewport_size({"width": 390, "height": 900})
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= 390, f"the order's page is {wide} px wide on a phone"
    page.set_viewport_size({"width": 1440, "height": 900})

    page.goto(f"{live_server.url}/admin/sync/orderjob/{failed.pk}/change/")
    assert "SKU JACKET-S" in page.inner_text(".order-page")
    browser.assert_visible_button(page, "button:has(#replay-order)")
    browser.screenshots(page, "orders-failed-order")
