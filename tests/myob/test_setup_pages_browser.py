"""'Connect MYOB' as a new customer goes through it in a real browser: the pages sit inside the admin
theme (sidebar, theme colours) and their buttons can be seen, at a desktop and a phone width."""

import pytest
from django.urls import reverse

from tests.factories import ConnectionFactory
from tests.support import browser
from tests.support.myob_sandbox import CF_PASSWORD, CF_USER

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_connect_company_file_and_mappings_pages_are_admin_pages_with_visible_buttons(
    live_server, browser_page, owner, tenant, myob_key, business
):
    page = browser_page
    draft = ConnectionFactory(
        tenant=tenant, name="Acme to MYOB", erp_kind="myob", erp_settings={}, erp_secrets={}
    )
    browser.sign_in(page, live_server, owner)
    page.goto(live_server.url + reverse("admin:tenants_connection_change", args=[draft.pk]))
    browser.assert_visible_button(page, "#connect-myob")
    page.click("#connect-myob")
    page.check(f"input[name=business][value='{business.uid}']")  # MYOB's own consent page
    page.click("#approve")

    page.wait_for_url(f"**{reverse('myob:picker', args=[draft.pk])}")
    assert business.name in page.locator("#business-name").inner_text()
    browser.assert_inside_admin(page)
    browser.assert_visible_button(page, "#confirm-company-file")
    assert page.locator("input[name=username]").evaluate(
        "e => getComputedStyle(e).borderTopWidth"
    ) not in ("0px", "")
    browser.screenshots(page, "myob-company-file")
    page.fill("input[name=username]", CF_USER)
    page.fill("input[name=password]", "cf-password-secret-wrong")
    page.click("#confirm-company-file")
    assert page.locator("#check-result").is_visible()  # what failed, inside the admin still
    browser.assert_inside_admin(page)
    page.fill("input[name=password]", CF_PASSWORD)
    page.click("#confirm-company-file")

    page.wait_for_url(f"**{reverse('myob:mappings', args=[draft.pk])}")
    browser.assert_inside_admin(page)
    browser.assert_visible_button(page, "#save-mappings")
    browser.screenshots(page, "myob-mappings")
    page.select_option("select[name=unmapped_sku_account]", "4-1000")
    page.click("#save-mappings")
    page.wait_for_url(f"**{reverse('admin:tenants_connection_change', args=[draft.pk])}")
    draft.refresh_from_db()
    assert draft.erp_settings["unmapped_sku_account"] == "4-1000"


@pytest.mark.django_db(transaction=True)
def test_a_sign_in_that_was_not_started_here_is_explained_inside_the_admin(
    live_server, browser_page, owner, myob_key
):
    page = browser_page
    browser.sign_in(page, live_server, owner)
    page.goto(f"{live_server.url}{reverse('myob:connect-callback')}?state=forged&code=x")
    assert "not started here" in page.locator("#sign-in-error").inner_text()
    browser.assert_inside_admin(page)
    browser.screenshots(page, "myob-connect-error")
