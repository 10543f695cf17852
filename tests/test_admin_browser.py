"""A person onboards a connection in a real browser (Debian's Chromium, driven by Playwright)."""

import pytest
from django.conf import settings

from tenants.models import Connection

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_an_owner_onboards_acumatica_through_the_browser(live_server, browser_page, owner, tenant):
    owner.set_password("correct horse battery staple")
    owner.save()
    page = browser_page
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("input[name=username]", owner.username)
    page.fill("input[name=password]", "correct horse battery staple")
    page.click("button[type=submit], input[type=submit]")
    page.goto(f"{live_server.url}/admin/tenants/connection/add/")
    page.click("a.erp-choice[data-kind=acumatica]")
    page.fill("input[name=name]", "Acme to Acumatica")
    page.fill("input[name=store_hash]", "acme42")
    page.fill("input[name=bc_access_token]", "bc-token-secret-browser")
    page.fill("input[name=erp_instance_url]", "https://acme.acumatica.com")
    page.fill("input[name=erp_tenant]", "Acme")
    page.fill("input[name=erp_client_id]", "0B4D@Acme")
    page.fill("input[name=erp_client_secret]", "cf-password-secret-browser")
    page.fill("input[name=erp_username]", "mlc-api")
    page.fill("input[name=erp_password]", "cf-password-secret-browser-2")
    page.screenshot(path=str(settings.VAR_DIR / "onboarding-form.png"), full_page=True)
    page.click("button[name=_save], input[name=_save]")
    page.wait_for_url("**/admin/tenants/connection/*/setup/")  # a new connection's set-up steps
    assert "Acme to Acumatica" in page.content()
    connection = Connection.objects.get(name="Acme to Acumatica")
    assert (
        connection.erp_kind == "acumatica"
        and connection.erp_secrets["password"] == "cf-password-secret-browser-2"
    )
    page.goto(f"{live_server.url}/admin/tenants/connection/{connection.pk}/change/")
    assert "cf-password-secret" not in page.content()
    page.screenshot(path=str(settings.VAR_DIR / "connection-page.png"), full_page=True)
