"""'Connect Exact Online' as a new customer goes through it in a real browser: the pages sit inside
the admin theme (sidebar, theme colours) and their buttons can be seen, at a desktop and a phone
width."""

import pytest
from django.urls import reverse

from tests.factories import ConnectionFactory
from tests.support import browser

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_connect_division_and_mappings_pages_are_admin_pages_with_visible_buttons(
    live_server, browser_page, owner, tenant, exact_app, division
):
    page = browser_page
    draft = ConnectionFactory(
        tenant=tenant, name="Acme to Exact", erp_kind="exact_online",
        erp_settings={"country": "nl"}, erp_secrets={},
    )  # fmt: skip
    browser.sign_in(page, live_server, owner)
    page.goto(live_server.url + reverse("admin:tenants_connection_change", args=[draft.pk]))
    browser.assert_visible_button(page, "#connect-exact")
    page.click("#connect-exact")
    page.check(f"input[name=division][value='{division.code}']")  # Exact's own consent page
    page.click("#approve")

    page.wait_for_url(f"**{reverse('exact_online:picker', args=[draft.pk])}")
    browser.assert_inside_admin(page)
    browser.assert_visible_button(page, "#save-division")
    browser.screenshots(page, "exact-division")
    page.select_option("select[name=division]", str(division.code))
    page.click("#save-division")

    page.wait_for_url(f"**{reverse('exact_online:mappings', args=[draft.pk])}")
    browser.assert_inside_admin(page)
    browser.assert_visible_button(page, "#save-mappings")
    rules = page.locator("textarea[name=cost_center_rules]")  # several lines: a text area
    assert rules.evaluate("e => getComputedStyle(e).borderTopWidth") not in ("0px", "")
    browser.screenshots(page, "exact-mappings")
    rules.fill("country=GB -> MARS")
    page.click("#save-mappings")
    assert "Cost centre MARS is not in the division." in page.content()  # said on the same page
    browser.assert_inside_admin(page)
    rules.fill("country=GB -> UK\ncurrency=USD -> US")
    page.click("#save-mappings")
    page.wait_for_url(f"**{reverse('admin:tenants_connection_change', args=[draft.pk])}")
    draft.refresh_from_db()
    assert draft.erp_settings["cost_center_rules"].splitlines() == [
        "country=GB -> UK",
        "currency=USD -> US",
    ]


@pytest.mark.django_db(transaction=True)
def test_a_sign_in_that_was_not_started_here_is_explained_inside_the_admin(
    live_server, browser_page, owner, exact_app
):
    page = browser_page
    browser.sign_in(page, live_server, owner)
    page.goto(f"{live_server.url}{reverse('exact_online:connect-callback')}?state=forged&code=x")
    assert "not started here" in page.locator("#sign-in-error").inner_text()
    browser.assert_inside_admin(page)
    browser.screenshots(page, "exact-connect-error")
