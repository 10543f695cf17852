"""The guided set-up page in a real browser, as a finance person walks it after saving a new
connection: the steps and their states, 'Check sign-in and mappings', the dry-run of the store's
last three orders with the documents they would become, then 'Activate and send orders since';
inside the admin theme at 1440 and 390 px (screenshots under VAR_DIR/screenshots). The sandbox
store and the in-test ERP, so the page, not an ERP, is what is tested here."""

import pytest
from django.urls import reverse

from config.celery import app
from sandbox.bigcommerce.services import place_test_order
from tenants.models import ConnectionStatus
from tests.erp_contract.kits.fake_erp import FakeErpKit
from tests.support import browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def narrow_enough(page) -> None:
    page.set_viewport_size({"width": 390, "height": 900})
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= 390, f"the page is {wide} px wide on a phone"
    page.set_viewport_size({"width": 1440, "height": 900})


def state(page, step: str) -> str:
    return page.locator(f"[data-step={step}]").get_attribute("data-state")


def test_walking_the_set_up_steps(live_server, browser_page, owner, tenant, request, settings):
    settings.PUBLIC_BASE_URL = live_server.url
    store, connection = FakeErpKit(request).connect(tenant, "setupbrowser")
    for items in ([("TENT-2P", 1)], [("MUG-STEEL", 2)], [("PACK-30L", 1)]):
        place_test_order(store, items=items, customer=store.customers.first())
    # The newest is cancelled: a status not ticked, so the dry-run says it would not be sent.
    place_test_order(store, items=[("TENT-2P", 3)], customer=store.customers.first(), status_id=5)
    page = browser_page
    browser.sign_in(page, live_server, owner)
    page.goto(live_server.url + reverse("admin:tenants_connection_setup", args=[connection.pk]))
    browser.assert_inside_admin(page)
    assert state(page, "sign_in") == "todo" and state(page, "activate") == "todo"
    assert "to do" in page.locator("[data-step=dry_run]").inner_text().lower()
    browser.screenshots(page, "setup-steps-fresh")
    narrow_enough(page)

    browser.assert_visible_button(page, "#setup-check")
    page.click("#setup-check")
    page.wait_for_load_state()
    assert state(page, "sign_in") == "done", page.inner_text("#setup-steps")

    page.click("#setup-dry-run")
    page.wait_for_load_state()
    orders = page.locator(".dry-run-order")
    assert orders.count() == 3
    assert "Not sent: its status 'Cancelled' is not ticked" in orders.first.inner_text()
    assert "Sales invoice" in orders.nth(1).inner_text()
    assert page.locator(".dry-run-lines").count() == 2
    browser.screenshots(page, "setup-dry-run")
    narrow_enough(page)

    browser.assert_visible_button(page, "#setup-activate")
    page.click("#setup-activate")
    page.wait_for_load_state()
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.ACTIVE
    assert state(page, "activate") == "done"
    assert "are being sent" in page.inner_text("body")
    browser.screenshots(page, "setup-steps-active")
    narrow_enough(page)
    app.control.purge()  # the backfill queued on activation is not the next test's work
