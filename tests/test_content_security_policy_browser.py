"""Under the Content-Security-Policy the pages still work in a real browser (Debian's Chromium):
the admin (its Alpine.js menus and dialogs), a connection's page, Swagger UI and Redoc render with
no policy violation, no console error, and nothing requested from another site."""

import pytest
from django.urls import reverse

from tests.factories import ConnectionFactory
from tests.support import browser

pytestmark = pytest.mark.browser

# Installed before any page script runs: every violation the browser reports, as it reports it.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", event => window.__violations.push(
    `${event.violatedDirective} refused ${event.blockedURI || "inline"} (${event.sourceFile}:${event.lineNumber})`
));
"""


class PageWatch:
    """What went wrong on the pages a browser tab showed: violations, console errors, and
    requests to any address but the live server's."""

    def __init__(self, page, origin: str):
        self.page, self.origin = page, origin
        self.console_errors, self.elsewhere = [], []
        page.add_init_script(RECORD_VIOLATIONS)
        page.on("console", self._console)
        page.on("request", self._request)

    def _console(self, message):
        if message.type == "error":
            self.console_errors.append(f"{self.page.url}: {message.text}")

    def _request(self, request):
        if not request.url.startswith((self.origin, "data:", "blob:" + self.origin)):
            self.elsewhere.append(request.url)

    def visit(self, url: str) -> None:
        self.page.goto(url)
        self.page.wait_for_load_state("networkidle")

    def assert_clean(self) -> None:
        violations = self.page.evaluate("window.__violations")
        assert violations == [], f"{self.page.url}: {violations}"
        assert self.console_errors == [], self.console_errors
        assert self.elsewhere == [], self.elsewhere


@pytest.mark.django_db(transaction=True)
def test_the_admin_and_a_connection_page_work_under_the_policy(
    live_server, browser_page, owner, tenant
):
    page = browser_page
    watch = PageWatch(page, live_server.url)
    connection = ConnectionFactory(
        tenant=tenant, name="Acme to MYOB", erp_kind="myob", erp_settings={}, erp_secrets={}
    )
    watch.visit(f"{live_server.url}/admin/login/")
    watch.assert_clean()
    browser.sign_in(page, live_server, owner)  # the theme's dialogs stay hidden: Alpine runs
    for path in (
        "/admin/",
        reverse("admin:tenants_connection_changelist"),
        reverse("admin:tenants_connection_add"),
        reverse("admin:audit_apicall_changelist"),
    ):
        watch.visit(live_server.url + path)
        browser.assert_inside_admin(page)
        watch.assert_clean()

    watch.visit(live_server.url + reverse("admin:tenants_connection_change", args=[connection.pk]))
    browser.assert_inside_admin(page)
    browser.assert_visible_button(page, "#connect-myob")
    page.set_viewport_size({"width": browser.WIDTHS[1], "height": 900})
    menu_button = page.locator("[x-on\\:click*='sidebarMobileOpen']").locator("visible=true")
    menu_button.first.click()  # the phone's menu opens: Alpine runs its handlers
    page.locator("#nav-sidebar").wait_for(state="visible")
    watch.assert_clean()
    browser.screenshots(page, "csp-connection-page")


@pytest.mark.django_db(transaction=True)
def test_swagger_ui_and_redoc_render_from_our_own_files_under_the_policy(live_server, browser_page):
    page = browser_page
    watch = PageWatch(page, live_server.url)

    watch.visit(f"{live_server.url}/api/schema/swagger/")
    page.wait_for_selector("text=/api/v1/connections/")
    watch.assert_clean()
    browser.screenshots(page, "csp-swagger")

    watch.visit(f"{live_server.url}/api/schema/redoc/")
    page.wait_for_selector("[role=menuitem] >> text=connections")
    page.fill("input[placeholder='Search...']", "bulk")  # the search runs in its Web Worker
    page.wait_for_selector("[role=search] [role=menuitem], .search-results li", timeout=10_000)
    watch.assert_clean()
    browser.screenshots(page, "csp-redoc")
