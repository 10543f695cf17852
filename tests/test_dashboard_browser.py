"""The dashboard as a person sees it in Chromium, at a desktop and a phone width: the tiles, the
chart drawn on its canvas by the theme's chart library, the health lights, nothing wider than a
phone's screen."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from sync.models import SyncJob
from tests.factories import SyncJobFactory
from tests.support import browser

# How many of the chart canvas's pixels are painted (not transparent): the bars were drawn.
PAINTED = """canvas => {
    const chart = window.Chart && Chart.getChart(canvas);
    const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
    let painted = 0;
    for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted++;
    return {chart: !!chart, stacked: !!(chart && chart.options.scales.y.stacked),
            series: chart ? chart.data.datasets.length : 0, painted};
}"""


def plant_month(connection):
    now = timezone.now()
    for day in range(30):
        for n, state in enumerate(["succeeded"] * 3 + ["failed"] * (day % 3) + ["pending"]):
            job = SyncJobFactory(connection=connection, state=state, erp_document_id="INV-1")
            when = now - timedelta(days=day, seconds=n)
            SyncJob.objects.filter(pk=job.pk).update(created_at=when, finished_at=when)


def assert_narrow(page) -> None:
    page.set_viewport_size({"width": browser.WIDTHS[1], "height": 900})
    page.wait_for_timeout(200)
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= browser.WIDTHS[1], f"the page is {wide} px wide on a phone"
    page.set_viewport_size({"width": browser.WIDTHS[0], "height": 900})


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_dashboard_in_a_browser(live_server, browser_page, owner, active):
    page = browser_page
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    active.webhook_health = {"hooks": [{"is_active": True}, {"is_active": False}]}
    active.save()
    plant_month(active)
    browser.sign_in(page, live_server, owner)
    page.wait_for_load_state("networkidle")
    browser.assert_inside_admin(page)

    received = page.locator("#tile-received [data-period=today]")
    assert received.inner_text() == "4"  # today: 3 posted, 1 waiting, no failure
    assert page.locator("#tile-failed [data-period=month]").inner_text() == "30"
    assert page.locator("#tile-waiting [data-period=now]").inner_text() == "30"
    look = browser.assert_visible_button(page, "#review-attention")
    assert look["contrast"] >= 4.5
    assert "30 need attention: review" in page.locator("#review-attention").inner_text()

    canvas = page.locator("#orders-chart canvas")
    drawn = canvas.evaluate(PAINTED)
    assert drawn["chart"] and drawn["stacked"] and drawn["series"] == 4, drawn
    assert drawn["painted"] > 2000, drawn  # bars, not an empty canvas

    assert (
        "Last document posted to the ERP less than a minute ago"
        in page.locator("#last-posted").inner_text()
    )
    light = page.locator(f"#health-{active.pk} .dash-light-red")
    assert "1 of 2 are switched on" in light.first.inner_text()
    browser.screenshots(page, "dashboard")
    assert_narrow(page)

    page.click(f"#health-{active.pk} a")
    page.wait_for_url(live_server.url + reverse("admin:dashboard_connection", args=[active.pk]))
    page.wait_for_load_state("networkidle")
    assert page.locator("#tile-failed [data-period=month]").inner_text() == "30"
    assert page.locator("#orders-chart canvas").evaluate(PAINTED)["painted"] > 2000
    browser.screenshots(page, "dashboard-connection")
    assert_narrow(page)
    assert not errors, errors
