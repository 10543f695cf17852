"""Setting up a SYSPRO connection in a real browser, as a finance person would: the settings form
(e.net URL, operator and its password, company, warehouse, what orders become), then 'Test
connection', which names the part SYSPRO refused (the operator's password) and, once it is
corrected, the company, operator and version it reached; inside the admin theme at a desktop and
a phone width, with no password in the page."""

import pytest
from django.urls import reverse

from sandbox.bigcommerce.services import store_create
from tenants.models import Connection
from tests.support import browser
from tests.support.syspro_sandbox import syspro_sandbox

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WRONG_PASSWORD = "not-the-operators-password"


def narrow_enough(page) -> None:
    page.set_viewport_size({"width": 390, "height": 900})
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= 390, f"the page is {wide} px wide on a phone"
    page.set_viewport_size({"width": 1440, "height": 900})


def messages(page) -> str:
    return " ".join(page.locator(".messagelist li, [data-messages] li").all_inner_texts()) or (
        page.inner_text("body")
    )


def test_the_settings_form_then_test_connection(live_server, browser_page, owner, tenant):
    page = browser_page
    company = syspro_sandbox(live_server)
    store = store_create("sysprosetup")
    browser.sign_in(page, live_server, owner)
    page.goto(live_server.url + reverse("admin:tenants_connection_add") + "?erp_kind=syspro")
    browser.assert_inside_admin(page)
    page.fill("input[name=name]", "Acme to SYSPRO")
    page.fill("input[name=store_hash]", store.store_hash)
    page.fill("input[name=bc_access_token]", store.access_token)
    page.fill("input[name=bc_api_url]", f"{live_server.url}/sandbox/bigcommerce")
    page.fill("input[name=erp_server_url]", company.server_url)
    page.fill("input[name=erp_operator]", company.operator)
    page.fill("input[name=erp_operator_password]", WRONG_PASSWORD)
    page.fill("input[name=erp_company_id]", company.company_id)
    page.select_option("select[name=erp_order_mode]", "billing")
    assert page.locator("input[name=erp_use_odata][type=checkbox]").count() == 1  # not "False"
    # The order statuses are ticks by name; never-paid and cancelled ones start unticked.
    status = "input[name=sync_status_ids][value='{}']"
    assert page.locator(status.format(2)).is_checked()
    assert not page.locator(status.format(5)).is_checked()
    assert "Awaiting Fulfillment (11)" in page.inner_text("body")
    browser.screenshots(page, "syspro-settings")
    narrow_enough(page)
    page.click("[name=_continue]")

    connection = Connection.objects.get(name="Acme to SYSPRO")
    assert connection.erp_secrets["operator_password"] == WRONG_PASSWORD  # stored, encrypted
    browser.assert_visible_button(page, "#test-connection")
    page.click("#test-connection")
    page.wait_for_load_state()
    shown = messages(page)
    assert f"the password of operator {company.operator}" in shown, shown
    assert "Invalid operator password" in shown and "settings" in shown, shown
    assert WRONG_PASSWORD not in page.content()
    browser.screenshots(page, "syspro-check-refused")

    page.fill("input[name=erp_operator_password]", company.operator_password)
    page.click("[name=_continue]")
    page.click("#test-connection")
    page.wait_for_load_state()
    shown = messages(page)
    assert "SYSPRO" in shown and company.company_id in shown and company.operator in shown, shown
    assert "refused" not in shown, shown
    assert company.operator_password not in page.content()
    browser.screenshots(page, "syspro-check-passed")
    narrow_enough(page)
