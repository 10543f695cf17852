"""The failures page in a real browser, as a finance person reads it: inside the admin theme, each
group's heading, fix and buttons at a desktop and a phone width (nothing wider than the phone),
and "Fix and replay" opening the bulk replay's progress page."""

import pytest
from django.urls import reverse

from config.celery import app
from connectors.causes import ACCOUNT_UNMAPPED, RECONNECT_REQUIRED, SKU_UNMAPPED
from sync.models import BulkRun, JobState
from tests.factories import SyncJobFactory
from tests.support import browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def narrow_enough(page) -> None:
    page.set_viewport_size({"width": 390, "height": 900})
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= 390, f"the page is {wide} px wide on a phone"
    page.set_viewport_size({"width": 1440, "height": 900})


def test_the_groups_their_fix_and_fix_and_replay(live_server, browser_page, owner, active):
    for cause, subject, count in (
        (SKU_UNMAPPED, "HAMMOCK-1", 3),
        (ACCOUNT_UNMAPPED, "4-1100", 1),
        (RECONNECT_REQUIRED, "", 2),
    ):
        for _ in range(count):
            SyncJobFactory(
                connection=active, state=JobState.FAILED, error_cause=cause, error_subject=subject
            )
    page = browser_page
    browser.sign_in(page, live_server, owner)
    page.goto(live_server.url + reverse("admin:sync_failures"))
    browser.assert_inside_admin(page)
    headings = page.locator(".failure-heading").all_inner_texts()
    assert headings == [
        "SKU HAMMOCK-1 has no item in MYOB Business — 3 orders",
        "MYOB Business needs you to sign in again — 2 orders",
        "Account 4-1100 is not in MYOB Business — 1 order",
    ], headings
    browser.assert_visible_button(page, ".failure-replay >> nth=0")
    assert page.locator(".failure-replay").first.inner_text().strip() == "Fix and replay 3"
    assert page.locator(".failure-fix").count() == 3
    browser.screenshots(page, "failures-by-cause")
    narrow_enough(page)
    try:
        page.locator(".failure-replay").first.click()
        page.wait_for_load_state()
        run = BulkRun.objects.get()
        assert page.url.endswith(reverse("admin:sync_bulkrun_change", args=[run.pk]))
        assert run.total == 3
        assert "Replaying 3 failed orders in the background" in page.inner_text("body")
    finally:
        app.control.purge()  # no worker here: the replay's message is not the next test's work
