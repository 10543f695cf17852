"""The catalog push pages as the owner sees them in Chromium, at a desktop and a phone width."""

import pytest
from django.urls import reverse

from catalog.models import PushState
from tests.catalog.admin_pushes import held_push, push_in, written_push
from tests.support.browser import (
    assert_inside_admin,
    assert_visible_button,
    screenshots,
    sign_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_preview_held_and_finished_pushes_read_plainly_at_both_widths(
    live_server, browser_page, owner, connection
):
    page = browser_page
    sign_in(page, live_server, owner)
    pushes = {
        "preview": push_in(connection, PushState.PREVIEW),
        "held": held_push(connection),
        "done-with-a-failed-batch": written_push(connection, failed=1),
    }
    for name, push in pushes.items():
        page.goto(live_server.url + reverse("admin:catalog_catalogpush_change", args=[push.pk]))
        assert_inside_admin(page)
        if push.state in (PushState.PREVIEW, PushState.HELD):
            assert_visible_button(page, "#push-confirm")
            assert_visible_button(page, "#push-cancel")
        for width_shot in screenshots(page, f"catalog-push-{name}"):
            assert width_shot.stat().st_size > 10_000
        # Nothing runs off a phone's screen sideways: wide tables scroll inside their box.
        page.set_viewport_size({"width": 390, "height": 800})
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{name}: the page is {overflow} px wider than a phone"
        page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(
        live_server.url + reverse("admin:catalog_catalogpush_change", args=[pushes["held"].pk])
    )
    page.click("#push-cancel")
    page.wait_for_selector("text=Cancelled: nothing was written")
