"""A real failure, told: an order the ERP refuses (a SKU it has no item for) fails for good in a
real worker; its alert reaches an inbox (the file mail backend), the local Slack stand-in and a
tenant's receiver of signed webhooks, once; the same failure again sends nothing more; a replay
that succeeds sends "cleared". Sandbox store, real HTTP, real worker, on both backends."""

import itertools
import json

import pytest
from standardwebhooks import Webhook

from alerts.incidents import incidents_evaluate
from alerts.models import AlertMessage, Incident
from audit.models import ApiCall
from sandbox.bigcommerce.services import place_test_order, store_create
from sandbox.slack.models import SlackPost
from sync.models import JobState, SyncJob
from sync.replay import job_replay
from tenants.services import connection_activate
from tests.alerts.conftest import RECEIVER_HOOK, SLACK_HOOK, SLACK_SECRET
from tests.factories import ConnectionFactory
from tests.support.fake_erp import KIND, ledger
from tests.support.worker import WorkerProcess, jobs_settled, wait_until

pytestmark = pytest.mark.embedded

_hashes = itertools.count(1)
Kind, State = AlertMessage.Kind, AlertMessage.State


@pytest.fixture
def mail_dir(settings, tmp_path):
    return tmp_path / "mail"


@pytest.fixture
def worker(transactional_db, mail_dir):
    process = WorkerProcess(extra_env={"EMAIL_URL": f"filemail:///{mail_dir}"}).start()
    yield process
    process.stop()


@pytest.fixture
def shop(live_server, settings, tenant, worker):
    settings.PUBLIC_BASE_URL = live_server.url
    store = store_create(f"alerts{next(_hashes)}", quota=100_000)
    connection = ConnectionFactory(
        tenant=tenant, store_hash=store.store_hash, erp_kind=KIND,
        bc_api_url=f"{live_server.url}/sandbox/bigcommerce",
        bc_access_token=store.access_token, bc_client_secret=store.client_secret,
    )  # fmt: skip
    erp = ledger(connection.pk)
    erp.clear()
    connection = connection_activate(connection=connection)
    yield store, connection, erp
    erp.clear()


def mails(mail_dir) -> list[str]:
    return [p.read_text() for p in sorted(mail_dir.glob("*.log"))] if mail_dir.exists() else []


def sent(kind) -> int:
    return AlertMessage.objects.filter(kind=kind, state=State.SENT).count()


def test_a_failed_order_is_told_once_everywhere_and_cleared_after_its_replay(
    shop, channels, mail_dir
):
    store, connection, erp = shop
    erp.refuse_sku("JACKET-S")
    order = place_test_order(store, items=[("JACKET-S", 1)])
    wait_until(jobs_settled(connection, 1), timeout=30, message="the order did not run")
    job = SyncJob.objects.get(connection=connection)
    assert job.state == JobState.FAILED

    # Told at once by the pipeline's nudge (no beat runs here), on all three channels.
    wait_until(lambda: sent(Kind.OPENED) == 3, timeout=30, message="the alert was not sent")
    incident = Incident.objects.get()
    assert (incident.state, incident.subject) == ("open", str(job.pk))
    [mail] = mails(mail_dir)
    assert f"Order {order.pk} could not be sent" in mail and "JACKET-S" in mail
    assert f"Subject: [ml-connector] Order {order.pk} could not be sent to Fake ERP" in mail
    assert "What to do: Create an item with number JACKET-S" in mail  # connectors/causes.py
    assert "accounts@acme.test" in mail
    [slack] = SlackPost.objects.filter(hook=SLACK_HOOK)
    assert f"Order {order.pk} could not be sent" in json.loads(slack.body)["text"]
    [signed] = SlackPost.objects.filter(hook=RECEIVER_HOOK)
    payload = Webhook(channels["webhook"].signing_secret).verify(signed.body, signed.headers)
    assert payload["type"] == "alert.opened" and payload["data"]["incident"] == incident.pk

    # Each post is an audited outside call of the tenant, the hook's secret path masked.
    calls = ApiCall.objects.filter(system__in=["slack", "webhook"])
    assert calls.count() == 2 and set(calls.values_list("tenant", flat=True)) == {job.tenant_id}
    slack_call = calls.get(system="slack")
    assert SLACK_SECRET not in slack_call.url and "[redacted]" in slack_call.url
    assert SLACK_SECRET not in slack_call.request_body
    assert calls.get(system="webhook").request_headers["webhook-signature"] == "[redacted]"

    # The same failure again (replayed unfixed): the incident counts it, nobody is told again.
    assert job_replay(job=job)
    wait_until(lambda: Incident.objects.get().seen == 2, timeout=30, message="no second sighting")
    assert AlertMessage.objects.count() == 3 and len(mails(mail_dir)) == 1
    assert SlackPost.objects.count() == 2

    # Fixed and replayed: the minute's check clears it and every channel hears so.
    erp.accept_sku("JACKET-S")
    assert job_replay(job=SyncJob.objects.get(pk=job.pk))
    wait_until(lambda: SyncJob.objects.get(pk=job.pk).state == JobState.SUCCEEDED, timeout=30)
    assert incidents_evaluate()["resolved"] == 1
    wait_until(lambda: sent(Kind.RESOLVED) == 3, timeout=30, message="no cleared message")
    assert Incident.objects.get().state == "resolved"
    assert "Cleared: Order" in mails(mail_dir)[-1] or any("Cleared" in m for m in mails(mail_dir))
    cleared = SlackPost.objects.filter(hook=RECEIVER_HOOK).last()
    payload = Webhook(channels["webhook"].signing_secret).verify(cleared.body, cleared.headers)
    assert payload["type"] == "alert.resolved" and payload["data"]["state"] == "resolved"
    assert incidents_evaluate() == {"opened": 0, "resolved": 0, "summaries": 0, "requeued": 0}
