"""The month-end report in a real browser, as a finance person reads it: inside the admin theme,
the counts by kind, the two totals and their difference, the findings with a Backfill button that
works, a phone width without sideways scrolling (each finding a card), and a print without the
menus or buttons; the start page offers last month by default."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from reconciliation.models import FindingKind, ReconciliationFinding, ReconciliationRun
from reconciliation.services import last_month
from sync.models import SyncJob
from tests.support import browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def narrow_enough(page) -> None:
    page.set_viewport_size({"width": 390, "height": 900})
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= 390, f"the page is {wide} px wide on a phone"
    page.set_viewport_size({"width": 1440, "height": 900})


@pytest.fixture
def run(connection):
    run = ReconciliationRun.objects.create(
        tenant=connection.tenant, connection=connection, period_start="2026-10-01",
        period_end="2026-10-31", state="done", store_orders=212, matched=208, finding_count=4,
        store_total=Decimal("18340.00"), erp_total=Decimal("17955.55"), total=212, done=212,
        store_calls=3, erp_calls=1, message="208 of 212 store orders match; 4 need a look.",
    )  # fmt: skip
    rows = [
        ("1042", FindingKind.MISSING, None, "", "No document in the ERP carries this order."),
        ("1077", FindingKind.DUPLICATE, "260.00", "00000412, 00000413",
         "2 documents in the ERP carry this order."),
        ("1101", FindingKind.TOTAL, "135.55", "00000450",
         "The ERP's total is +5.00 against the store's."),
        ("1120", FindingKind.SKIPPED, None, "",
         "Its status 'Cancelled' is not one of the statuses this connection sends to the ERP."),
    ]  # fmt: skip
    for order_id, kind, erp, documents, note in rows:
        ReconciliationFinding.objects.create(
            run=run, order_id=order_id, kind=kind, store_total=Decimal("130.55"),
            erp_total=erp and Decimal(erp), currency="AUD", erp_documents=documents, note=note,
            order_date=timezone.now(), order_status="Cancelled" if kind == "skipped" else "Shipped",
        )  # fmt: skip
    return run


def test_the_report_reads_well_works_and_prints(live_server, browser_page, owner, run):
    page = browser_page
    browser.sign_in(page, live_server, owner)
    page.goto(
        live_server.url + reverse("admin:reconciliation_reconciliationrun_change", args=[run.pk])
    )
    browser.assert_inside_admin(page)
    text = page.inner_text("#content-main")
    for words in ("Matched", "Missing in the ERP", "In the ERP twice", "Totals differ",
                  "Not sent (order status)", "18,340.00", "17,955.55", "-384.45",
                  "Backfill all 1 missing", "Download as CSV"):  # fmt: skip
        assert words in text, words
    assert page.inner_text("#count-matched").endswith("208")
    browser.assert_visible_button(page, "#backfill-missing")
    browser.screenshots(page, "reconciliation-report")
    narrow_enough(page)
    # On a phone each finding is a card of label: value rows; a cell of several parts stays one
    # value (flex would split its words into columns).
    split = "tds => tds.filter(td => td.childElementCount > 1).map(td => td.dataset.label)"
    assert page.eval_on_selector_all("#findings td", split) == []

    page.emulate_media(media="print")
    assert not page.locator("#nav-sidebar").is_visible()
    assert not page.locator("#header-inner").is_visible()
    assert page.locator("#content-main").bounding_box()["x"] < 200  # no sidebar column (288 px)
    assert not page.locator("#backfill-missing").is_visible()
    assert page.locator("#findings").is_visible()
    page.screenshot(path=str(Path(settings.VAR_DIR) / "screenshots" / "reconciliation-print.png"))
    page.emulate_media(media="screen")

    page.click("#finding-1042 .finding-backfill")
    page.wait_for_load_state()
    assert "Order 1042 is being backfilled" in page.inner_text("body")
    assert "Sent" in page.inner_text("#finding-1042")
    job = SyncJob.objects.get(source_id="1042")
    assert (job.connection, job.lane) == (run.connection, "backfill")


def test_the_start_page_offers_last_month(live_server, browser_page, owner, connection):
    page = browser_page
    browser.sign_in(page, live_server, owner)
    page.goto(live_server.url + reverse("admin:reconciliation_reconciliationrun_changelist"))
    browser.assert_inside_admin(page)
    page.click("#reconcile-start")
    start, end = last_month(timezone.now().date())
    assert page.input_value("input[name=start]") == start.isoformat()
    assert page.input_value("input[name=end]") == end.isoformat()
    browser.assert_visible_button(page, "#reconcile-submit")
    browser.screenshots(page, "reconciliation-start")
    narrow_enough(page)
