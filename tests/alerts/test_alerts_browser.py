"""The alert pages in Chromium at desktop and phone width: a channel added in the form, its test
message sent with the button (it reaches the Slack stand-in), the incidents list with an open
and a cleared incident and the messages each sent."""

import pytest

from alerts.incidents import incidents_evaluate
from alerts.models import AlertChannel, Incident
from sandbox.slack.models import SlackPost
from tests.alerts.conftest import SLACK_HOOK, deliver_queued
from tests.support import browser

pytestmark = pytest.mark.django_db(transaction=True)


def narrow_enough(page) -> None:
    page.set_viewport_size({"width": 390, "height": 900})
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= 390, f"the page is {wide} px wide on a phone"
    page.set_viewport_size({"width": 1440, "height": 900})


def test_add_a_slack_channel_send_a_test_and_read_the_incidents(
    live_server, browser_page, owner, tenant, active
):
    page = browser_page
    browser.sign_in(page, live_server, owner)
    page.goto(f"{live_server.url}/admin/alerts/alertchannel/add/")
    page.fill("input[name=name]", "Slack #orders")
    page.select_option("select[name=kind]", "slack")
    page.fill("input[name=url]", f"{live_server.url}/sandbox/slack/{SLACK_HOOK}")
    browser.screenshots(page, "alerts-channel-add")
    narrow_enough(page)
    page.click("button[name=_continue]")
    channel = AlertChannel.objects.get()
    assert channel.kind == "slack" and channel.on_job_failed
    page.click("#send-test-message")
    page.wait_for_selector("text=Test message sent to Slack #orders.")
    assert SlackPost.objects.filter(hook=SLACK_HOOK).count() == 1
    browser.screenshots(page, "alerts-channel-change")
    narrow_enough(page)

    active.status, active.last_error = "needs_reconnect", "MYOB refused the saved sign-in."
    active.save()
    incidents_evaluate()
    active.status = "active"
    active.save()
    incidents_evaluate()
    active.status = "needs_reconnect"
    active.save()
    incidents_evaluate()
    deliver_queued()
    assert Incident.objects.filter(state="resolved").count() == 1
    page.goto(f"{live_server.url}/admin/alerts/incident/")
    assert page.locator("text=Acme store needs reconnecting").count() == 2
    browser.screenshots(page, "alerts-incidents")
    narrow_enough(page)
    page.locator("text=Acme store needs reconnecting").first.click()
    page.wait_for_selector("text=Held for the next summary")
    browser.screenshots(page, "alerts-incident")
    narrow_enough(page)


def test_a_signed_webhook_channel_shows_its_secret_once(live_server, browser_page, owner, tenant):
    page = browser_page
    browser.sign_in(page, live_server, owner)
    page.goto(f"{live_server.url}/admin/alerts/alertchannel/add/")
    page.fill("input[name=name]", "Our ERP bridge")
    page.select_option("select[name=kind]", "webhook")
    page.fill("input[name=url]", f"{live_server.url}/sandbox/slack/hooks/acme-erp")
    page.click("button[name=_save]")
    secret = AlertChannel.objects.get().signing_secret
    assert page.input_value("#signing-secret") == secret
    browser.screenshots(page, "alerts-signing-secret")
    narrow_enough(page)
    page.click("#secret-copied")
    page.wait_for_selector("#send-test-message")
    assert secret not in page.content()
    page.click("#send-test-message")
    page.wait_for_selector("text=Test message sent to Our ERP bridge.")
