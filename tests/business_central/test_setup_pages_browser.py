"""Setting up a Business Central connection in a real browser: the connection's buttons, the
company picker filled from the environment's companies (saving it runs the check), and the
document settings with the company's G/L accounts, inside the admin theme with buttons that can
be seen, at a desktop and a phone width."""

import pytest
from django.urls import reverse

from tests.erp_contract.kits.business_central import bc_connected, bc_use_sandbox
from tests.support import browser
from tests.support.bc_sandbox import bc_sandbox

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def bc(live_server, settings):
    bc_use_sandbox(settings, live_server)
    return bc_sandbox(live_server)


def narrow_enough(page) -> None:
    page.set_viewport_size({"width": 390, "height": 900})
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= 390, f"the page is {wide} px wide on a phone"
    page.set_viewport_size({"width": 1440, "height": 900})


def test_the_company_picker_then_the_document_settings(
    live_server, browser_page, owner, tenant, bc
):
    page = browser_page
    connection = bc_connected(bc, tenant, company_id="", shipping_account="", customer_template="")
    connection.name = "Acme to Business Central"
    connection.save()
    browser.sign_in(page, live_server, owner)
    page.goto(live_server.url + reverse("admin:tenants_connection_change", args=[connection.pk]))
    browser.assert_visible_button(page, "#bc-company")
    assert page.locator("#bc-mappings").count() == 0  # no company yet: nothing to map
    browser.screenshots(page, "business-central-connection")

    page.click("#bc-company")
    page.wait_for_url(f"**{reverse('business_central:picker', args=[connection.pk])}")
    browser.assert_inside_admin(page)
    assert page.locator("select[name=company_id] option").all_inner_texts() == ["CRONUS Inc."]
    assert "environment Production." in page.inner_text("body")
    browser.assert_visible_button(page, "#save-company")
    browser.screenshots(page, "business-central-company")
    narrow_enough(page)
    page.click("#save-company")

    page.wait_for_url(f"**{reverse('business_central:mappings', args=[connection.pk])}")
    browser.assert_inside_admin(page)
    assert "Connected to Business Central: company CRONUS Inc." in page.content()
    accounts = page.locator("select[name=shipping_account] option").all_inner_texts()
    assert "40200 Shipping Charges" in accounts, accounts
    browser.assert_visible_button(page, "#save-mappings")
    browser.screenshots(page, "business-central-documents")
    narrow_enough(page)
    page.select_option("select[name=document]", "sales_order")
    page.select_option("select[name=shipping_account]", "40200")
    page.fill("input[name=customer_template]", "NO-SUCH-CUSTOMER")
    page.click("#save-mappings")
    assert "Customer NO-SUCH-CUSTOMER is not in the Business Central company" in page.content()
    page.fill("input[name=customer_template]", bc.customer_template)
    page.click("#save-mappings")
    page.wait_for_url(f"**{reverse('admin:tenants_connection_change', args=[connection.pk])}")
    connection.refresh_from_db()
    saved = connection.erp_settings
    assert saved["company_id"] == str(bc.company.id)
    assert (saved["document"], saved["shipping_account"], saved["customer_template"]) == (
        "sales_order", "40200", bc.customer_template)  # fmt: skip
    browser.assert_visible_button(page, "#bc-mappings")
