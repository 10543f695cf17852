"""The channels' admin pages and sends, against the local Slack stand-in over real HTTP: a test
message arrives and is audited; a refusing hook is a plain error on the message, retried only
when Slack says it may pass; the signing secret is shown once; bad input is refused with why;
viewers and other tenants cannot add, change or test a channel."""

import json

import pytest
from django.db import connection as db
from django.urls import reverse

from alerts.delivery import message_deliver
from alerts.models import AlertChannel, AlertMessage
from audit.models import ApiCall
from sandbox.slack.models import SlackFault, SlackPost
from tests.alerts.conftest import SLACK_HOOK, SLACK_SECRET


def send_test_url(channel):
    return reverse("admin:alerts_alertchannel_test", args=[channel.pk])


def change_url(channel):
    return reverse("admin:alerts_alertchannel_change", args=[channel.pk])


def form(tenant, **fields):
    data = {"tenant": tenant.pk, "name": "Ops", "kind": "email", "active": "on",
            "email_addresses": "", "url": "", "on_job_failed": "on", "no_orders_hours": "4",
            "daily_digest": "on"}  # fmt: skip
    return {**data, **fields}


@pytest.mark.django_db(transaction=True)
def test_send_a_test_message_reaches_slack_and_is_audited_with_its_secret_hidden(
    client, owner, channels
):
    client.force_login(owner)
    slack = channels["slack"]
    page = client.post(send_test_url(slack), follow=True).content.decode()
    assert "Test message sent to Slack #orders." in page
    [post] = SlackPost.objects.filter(hook=SLACK_HOOK)
    assert json.loads(post.body)["text"].startswith("*Test message from ml-connector*")
    call = ApiCall.objects.get(system="slack")
    assert call.status_code == 200 and call.tenant_id == slack.tenant_id
    assert SLACK_SECRET not in call.url and call.url.endswith("/services/[redacted]")
    change = client.get(change_url(slack)).content.decode()
    assert SLACK_SECRET not in change and "(the rest is hidden)" in change
    with db.cursor() as cursor:  # stored encrypted
        cursor.execute("SELECT url FROM alerts_alertchannel WHERE id = %s", [slack.pk])
        assert SLACK_SECRET not in cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_a_refused_send_is_a_plain_error_and_only_a_passing_fault_is_retried(
    client, owner, channels
):
    slack = channels["slack"]
    fault = SlackFault.objects.create(hook=SLACK_HOOK, status=404, body="no_service")
    client.force_login(owner)
    page = client.post(send_test_url(slack), follow=True).content.decode()
    assert "could not be sent to Slack #orders: HTTP 404: no_service" in page
    assert "<strong>Could not be sent</strong>: Test message from ml-connector (HTTP 404" in page
    assert AlertMessage.objects.get().state == AlertMessage.State.FAILED
    fault.status, fault.body = 500, "rollup_error"
    fault.save()
    message = AlertMessage.objects.create(
        tenant=slack.tenant, channel=slack, kind="test", subject="s", body="b"
    )
    assert message_deliver(message.pk, final=False) == 30  # Slack's 500: try again later
    message.refresh_from_db()
    assert message.state == AlertMessage.State.QUEUED and "(trying again)" in message.error
    fault.delete()
    assert message_deliver(message.pk, final=False) is None
    message.refresh_from_db()
    assert (message.state, message.attempts) == (AlertMessage.State.SENT, 2)


@pytest.mark.django_db
def test_the_signing_secret_is_shown_once_when_the_channel_is_added(client, owner, tenant):
    client.force_login(owner)
    url = "https://hooks.example.com/ml-connector"
    answer = client.post(
        reverse("admin:alerts_alertchannel_add"), form(tenant, kind="webhook", url=url)
    )
    channel = AlertChannel.objects.get()
    assert channel.signing_secret.startswith("whsec_")
    assert channel.signing_secret in answer.content.decode()
    assert "no-store" in answer["Cache-Control"]
    assert channel.signing_secret not in client.get(change_url(channel)).content.decode()


@pytest.mark.django_db
def test_bad_input_is_refused_with_the_reason(client, owner, tenant, settings):
    client.force_login(owner)
    add = reverse("admin:alerts_alertchannel_add")
    page = client.post(add, form(tenant, email_addresses="accounts@acme.test, nope")).content
    assert "“nope” is not an e-mail address." in page.decode()
    page = client.post(add, form(tenant, kind="slack", url="https://hooks.slack.com/x")).content
    assert "copy it from Slack" in page.decode()
    settings.DEMO_MODE = False
    page = client.post(add, form(tenant, kind="slack", url="http://10.0.0.5/services/T/B/x"))
    assert "must be reached over https://" in page.content.decode()
    assert not AlertChannel.objects.exists()


@pytest.mark.django_db
def test_a_viewer_cannot_add_change_or_test_and_another_tenant_sees_nothing(
    client, member, outsider, tenant
):
    channel = AlertChannel.objects.create(
        tenant=tenant, name="Accounts", kind="email", email_addresses="accounts@acme.test"
    )
    slack = AlertChannel.objects.create(
        tenant=tenant, name="Slack", kind="slack", url=f"https://hooks.slack.com/{SLACK_HOOK}"
    )
    client.force_login(member)
    assert client.get(reverse("admin:alerts_alertchannel_add")).status_code == 403
    assert client.post(send_test_url(channel)).status_code == 404
    page = client.get(change_url(channel)).content.decode()
    assert "send-test-message" not in page
    page = client.get(change_url(slack)).content.decode()  # read-only: the address stays hidden
    assert SLACK_SECRET not in page and "hooks.slack.com/… (the rest is hidden)" in page
    client.force_login(outsider)
    assert client.post(send_test_url(channel)).status_code == 404
    assert client.get(change_url(channel)).status_code == 404
    assert (
        "Accounts"
        not in client.get(reverse("admin:alerts_alertchannel_changelist")).content.decode()
    )
    assert not AlertMessage.objects.exists()


@pytest.mark.django_db
def test_the_slack_stand_in_lists_what_it_received_and_refuses_a_post_without_text(client):
    assert client.post(f"/sandbox/slack/{SLACK_HOOK}", "{}", "application/json").status_code == 400
    ok = client.post(f"/sandbox/slack/{SLACK_HOOK}", {"text": "hi"}, "application/json")
    assert (ok.status_code, ok.content) == (200, b"ok")
    listed = client.get("/sandbox/slack/").json()["posts"]
    assert [p["status"] for p in listed] == [200, 400]
