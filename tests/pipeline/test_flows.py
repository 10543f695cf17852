"""The flow table drives the pipeline: a webhook's scope picks the job's kind, a stream's poll
reads only the connections whose ERP lists that stream's changes, and a job runs the handler of
its kind's flow."""

import pytest

from sync.flows import FLOWS, streams
from sync.jobs import job_run
from sync.models import JobKind, JobState, SyncJob
from sync.streams import stream_connection_ids, stream_poll
from tenants.models import ConnectionStatus
from tests.factories import ConnectionFactory, InboundEventFactory, SyncJobFactory
from webhooks.models import EventState
from webhooks.services import event_process

pytestmark = pytest.mark.embedded  # on PostgreSQL and on SQLite


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("scope", "kind"),
    [
        ("store/order/created", JobKind.ORDER),
        ("store/order/statusUpdated", JobKind.ORDER),
        ("store/order/transaction/created", JobKind.ORDER),
        ("store/customer/created", JobKind.CUSTOMER),
        ("store/customer/updated", JobKind.CUSTOMER),
        ("store/customer/deleted", None),
    ],
)
def test_a_webhook_scope_becomes_a_job_of_its_flow(active, scope, kind):
    event = InboundEventFactory(connection=active, scope=scope, resource_id="42")
    outcome = event_process(event.pk)
    jobs = list(SyncJob.objects.filter(connection=active).values_list("kind", "source_id"))
    if kind is None:
        assert (outcome, jobs) == (EventState.IGNORED, [])
    else:
        assert (outcome, jobs) == (EventState.PROCESSED, [(kind, "42")])


@pytest.mark.django_db
def test_a_streams_poll_reads_only_the_connections_whose_erp_lists_its_changes(tenant):
    myob, exact, _acumatica, paused = (
        ConnectionFactory(tenant=tenant, erp_kind=kind, status=status)
        for kind, status in (
            ("myob", ConnectionStatus.ACTIVE),
            ("exact_online", ConnectionStatus.ACTIVE),
            ("acumatica", ConnectionStatus.ACTIVE),
            ("myob", ConnectionStatus.PAUSED),
        )
    )
    assert sorted(stream_connection_ids("customers")) == sorted([myob.pk, exact.pk])
    assert stream_poll(paused.pk, "customers") == 0


@pytest.mark.django_db
def test_item_changes_are_the_catalog_pushs_not_a_streams(tenant):
    """The catalog push (catalog/) reads the ERP's item changes and owns their cursor: no poll
    asks for an item job per record, whichever ERP lists item changes."""
    fake = ConnectionFactory(tenant=tenant, erp_kind="fake_erp", status=ConnectionStatus.ACTIVE)
    assert streams() == ["customers"]
    assert FLOWS[JobKind.ITEM_TO_STORE].stream == ""
    assert stream_connection_ids("items") == []
    assert stream_poll(fake.pk, "items") == 0
    assert not SyncJob.objects.exists()


def test_a_replay_says_what_its_run_reads():
    """A customer's replay reads the card afresh from the ERP; a catalog batch's sends its push's
    plan again, and the replay message says so rather than "fetched fresh from MYOB"."""
    assert FLOWS[JobKind.CUSTOMER_TO_STORE].reads_from("myob") == "MYOB Business (AccountRight)"
    assert FLOWS[JobKind.ORDER].reads_from("myob") == "BigCommerce"
    assert "catalog push's plan" in FLOWS[JobKind.ITEM_TO_STORE].reads_from("myob")


@pytest.mark.django_db
def test_a_job_runs_the_handler_of_its_flow(active):
    unlinked = SyncJobFactory(connection=active, kind=JobKind.CUSTOMER_TO_STORE, source_id="uid-1")
    item = SyncJobFactory(connection=active, kind=JobKind.ITEM_TO_STORE, source_id="SKU-1")
    assert job_run(unlinked.pk, trigger="poll").state == JobState.SKIPPED
    assert job_run(item.pk, trigger="poll").state == JobState.SKIPPED
    unlinked.refresh_from_db()
    item.refresh_from_db()
    assert unlinked.last_error == "The ERP record is not linked to a store customer any more."
    assert item.last_error == "This catalog batch no longer exists (its push was deleted)."
