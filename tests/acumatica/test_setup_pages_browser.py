"""'Connect Acumatica' as a new customer goes through it in a real browser: the connection's
buttons, the instance's consent page, the endpoint version, the document settings and the push
notifications page, inside the admin theme with buttons that can be seen, at a desktop and a
phone width."""

import pytest
from django.urls import reverse

from tests.erp_contract.kits.acumatica import acumatica_settings
from tests.factories import ConnectionFactory
from tests.support import browser
from tests.support.acumatica_sandbox import acumatica_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CALLBACK = "/acumatica/connect/callback/"


@pytest.fixture
def acu(live_server, settings):
    settings.PUBLIC_BASE_URL = live_server.url
    settings.ACUMATICA_REDIRECT_URI = f"{live_server.url}{CALLBACK}"
    return acumatica_create(live_server, redirect_uri=settings.ACUMATICA_REDIRECT_URI)


def test_connect_version_and_document_pages_are_admin_pages_with_visible_buttons(
    live_server, browser_page, owner, tenant, acu
):
    page = browser_page
    draft = ConnectionFactory(
        tenant=tenant, name="Acme to Acumatica", erp_kind="acumatica",
        erp_settings={**acumatica_settings(acu), "sign_in": "connect", "username": ""},
        erp_secrets={"client_secret": acu.app.client_secret},
    )  # fmt: skip
    browser.sign_in(page, live_server, owner)
    page.goto(live_server.url + reverse("admin:tenants_connection_change", args=[draft.pk]))
    for button in ("#connect-acumatica", "#acumatica-version", "#acumatica-mappings",
                   "#acumatica-push"):  # fmt: skip
        browser.assert_visible_button(page, button)
    browser.screenshots(page, "acumatica-connection")
    page.click("#connect-acumatica")
    page.wait_for_url(f"{acu.url}/identity/connect/authorize?**")  # the instance's own page
    page.click("#approve")

    page.wait_for_url(f"**{reverse('acumatica:picker', args=[draft.pk])}")
    browser.assert_inside_admin(page)
    browser.assert_visible_button(page, "#save-version")
    offered = page.locator("select[name=endpoint_version] option").all_inner_texts()
    assert offered == ["Default/24.200.001", "Default/23.200.001"], offered
    browser.screenshots(page, "acumatica-version")
    page.select_option("select[name=endpoint_version]", "24.200.001")
    page.click("#save-version")

    page.wait_for_url(f"**{reverse('acumatica:mappings', args=[draft.pk])}")
    browser.assert_inside_admin(page)
    said = page.content()
    assert "Connected to Acumatica at" in said  # the check's answer, said on arrival
    assert "checked when the first order is sent" in said  # typed values, not lists read
    assert "Order Types, SO201000" in said  # where each value is found in Acumatica
    browser.assert_visible_button(page, "#save-mappings")
    browser.screenshots(page, "acumatica-documents")
    page.set_viewport_size({"width": 390, "height": 900})
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= 390, f"the page is {wide} px wide on a phone"
    page.set_viewport_size({"width": 1440, "height": 900})
    page.select_option("select[name=document]", "order_invoice")
    page.fill("input[name=customer_class]", "WEB")
    page.click("#save-mappings")
    page.wait_for_url(f"**{reverse('admin:tenants_connection_change', args=[draft.pk])}")
    draft.refresh_from_db()
    assert (draft.erp_settings["document"], draft.erp_settings["customer_class"]) == (
        "order_invoice", "WEB")  # fmt: skip


def test_the_push_notifications_page_shows_what_to_paste_into_acumatica(
    live_server, browser_page, owner, tenant, acu
):
    page = browser_page
    connection = ConnectionFactory(
        tenant=tenant, name="Acme to Acumatica", erp_kind="acumatica",
        erp_settings=acumatica_settings(acu), erp_secrets={"client_secret": acu.app.client_secret},
    )  # fmt: skip
    browser.sign_in(page, live_server, owner)
    page.goto(live_server.url + reverse("admin:tenants_connection_change", args=[connection.pk]))
    page.click("#acumatica-push")
    page.wait_for_url(f"**{reverse('acumatica:push-settings', args=[connection.pk])}")
    browser.assert_inside_admin(page)
    address = page.locator("#push-address").inner_text()
    assert address == live_server.url + reverse("acumatica:push", args=[connection.pk])
    first = page.locator("#push-header-value").inner_text()
    assert first and page.locator("#push-none").count() == 1
    browser.assert_visible_button(page, "#push-rotate")
    browser.screenshots(page, "acumatica-push")
    page.set_viewport_size({"width": 390, "height": 900})
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= 390, f"the page is {wide} px wide on a phone"
    steps = page.locator("#push-steps").evaluate("e => getComputedStyle(e).listStyleType")
    assert steps == "decimal"  # the three set-up steps are numbered
    page.set_viewport_size({"width": 1440, "height": 900})
    page.click("#push-rotate")
    page.wait_for_url(f"**{reverse('acumatica:push-settings', args=[connection.pk])}")
    assert page.locator("#push-header-value").inner_text() not in ("", first)


def test_a_sign_in_that_was_not_started_here_is_explained_inside_the_admin(
    live_server, browser_page, owner, acu
):
    page = browser_page
    browser.sign_in(page, live_server, owner)
    page.goto(f"{live_server.url}{reverse('acumatica:connect-callback')}?state=forged&code=x")
    assert "not started here" in page.locator("#sign-in-error").inner_text()
    browser.assert_inside_admin(page)
    browser.screenshots(page, "acumatica-connect-error")
