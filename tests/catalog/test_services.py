"""Starting, joining, confirming and cancelling pushes, the schedule, the catalog webhooks'
subscription and their notes: the services on their own (no store is called)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from catalog.batches import CATALOG_IN_FLIGHT, batch_next
from catalog.echo import CATALOG_SCOPES, marks_record
from catalog.models import CatalogBatch, CatalogPush, PushState, Trigger
from catalog.schedule import pushes_start_due
from catalog.services import PushNotWaiting, push_cancel, push_confirm, push_start, settings_update
from sync.models import SyncJob
from tests.factories import ConnectionFactory, InboundEventFactory
from webhooks.models import EventState
from webhooks.services import event_process
from webhooks.subscription import SUBSCRIBED_SCOPES, subscribed_scopes

pytestmark = [pytest.mark.embedded, pytest.mark.django_db]


def test_a_second_start_joins_the_push_under_way_and_a_new_one_supersedes_a_preview(active):
    first = push_start(active, trigger=Trigger.SCHEDULE, dry_run=False)
    assert push_start(active, trigger=Trigger.MANUAL, dry_run=True) == first
    CatalogPush.objects.filter(pk=first.pk).update(state=PushState.PREVIEW)
    second = push_start(active, trigger=Trigger.MANUAL, dry_run=True)
    assert second != first and second.state == PushState.PLANNING
    first.refresh_from_db()
    assert (first.state, first.error) == (PushState.CANCELLED, "Superseded by a newer push.")


def test_only_a_preview_or_a_held_push_is_confirmed_or_cancelled(active, owner):
    push = push_start(active, trigger=Trigger.MANUAL, dry_run=True)
    with pytest.raises(PushNotWaiting, match="only a preview or a held push"):
        push_confirm(push, owner)
    CatalogPush.objects.filter(pk=push.pk).update(state=PushState.HELD, planned_at=timezone.now())
    cancelled = push_cancel(push, owner)
    assert (cancelled.state, cancelled.decided_by) == (PushState.CANCELLED, owner)
    assert "erp_items" not in (active.cursors or {})  # a cancelled run leaves the cursor
    with pytest.raises(PushNotWaiting):
        push_cancel(push, owner)


def test_a_stale_preview_is_planned_again_when_confirmed(active, owner):
    push = push_start(active, trigger=Trigger.MANUAL, dry_run=True)
    old = timezone.now() - timedelta(minutes=6)
    CatalogPush.objects.filter(pk=push.pk).update(state=PushState.PREVIEW, planned_at=old)
    confirmed = push_confirm(push, owner)
    assert (confirmed.state, confirmed.dry_run, confirmed.decided_by) == (
        PushState.PLANNING, False, owner,
    )  # fmt: skip


def test_the_schedule_starts_a_push_once_per_interval(active):
    settings_update(active, enabled=True, interval_minutes=30)
    assert pushes_start_due() == 1
    push = CatalogPush.objects.get(connection=active)
    assert push.trigger == Trigger.SCHEDULE
    CatalogPush.objects.filter(pk=push.pk).update(state=PushState.DONE)
    assert pushes_start_due() == 0  # within its interval
    CatalogPush.objects.filter(pk=push.pk).update(created_at=timezone.now() - timedelta(minutes=31))
    assert pushes_start_due() == 1
    settings_update(active, interval_minutes=0)  # by hand only
    CatalogPush.objects.update(state=PushState.DONE, created_at=timezone.now() - timedelta(days=1))
    assert pushes_start_due() == 0


def test_only_a_connection_that_pushes_subscribes_to_the_catalog_webhooks(active):
    assert subscribed_scopes(active) == SUBSCRIBED_SCOPES
    assert not CATALOG_SCOPES & set(SUBSCRIBED_SCOPES)
    settings_update(active, enabled=True)
    assert set(subscribed_scopes(active)) == {*SUBSCRIBED_SCOPES, *CATALOG_SCOPES}


@pytest.mark.parametrize(
    ("scope", "data"),
    [
        ("store/product/updated", {"type": "product", "id": 11}),
        ("store/product/inventory/updated",
         {"type": "product", "id": 11, "inventory": {"product_id": 11, "method": "absolute"}}),
        ("store/sku/inventory/updated",
         {"type": "sku", "id": 21, "inventory": {"product_id": 11, "variant_id": 21}}),
    ],
)  # fmt: skip
def test_a_catalog_webhook_asks_for_no_job_and_says_whose_change_it_was(active, scope, data):
    settings_update(active, enabled=True)
    push = CatalogPush.objects.create(connection=active, tenant=active.tenant, trigger="manual")
    ours = InboundEventFactory(
        connection=active, scope=scope, payload={"scope": scope, "data": data}
    )
    marks_record(push, [{"product_id": 11, "variant_id": 21}])
    assert event_process(ours.pk) == EventState.IGNORED
    ours.refresh_from_db()
    assert ours.note == f"Our own catalog write (push {push.pk}) coming back: nothing to do."
    other = {**data, "id": 99, "inventory": {"product_id": 99, "variant_id": 98}}
    theirs = InboundEventFactory(
        connection=active, scope=scope, payload={"scope": scope, "data": other}
    )
    assert event_process(theirs.pk) == EventState.IGNORED
    theirs.refresh_from_db()
    assert theirs.note.startswith("Changed in the store (by a person or another app): kept.")
    assert not SyncJob.objects.exists()


def test_turning_the_push_on_or_off_checks_an_active_connections_webhooks_at_once(
    active, django_capture_on_commit_callbacks
):
    inactive = ConnectionFactory(tenant=active.tenant, name="Not yet active")
    with django_capture_on_commit_callbacks() as checks:
        settings_update(active, enabled=True)
        settings_update(active, interval_minutes=15)  # no switch: nothing to check
        settings_update(active, enabled=False)
        settings_update(inactive, enabled=True)  # its hooks are made at its activation
    assert len(checks) == 2


def test_catalog_batches_run_a_few_at_a_time_and_a_stock_batch_alone(active):
    push = CatalogPush.objects.create(
        connection=active, tenant=active.tenant, trigger="manual", state=PushState.WRITING
    )
    kinds = ["products"] * (CATALOG_IN_FLIGHT + 1) + ["variants", "inventory", "inventory"]
    for number, kind in enumerate(kinds, 1):
        CatalogBatch.objects.create(push=push, number=number, kind=kind, rows=[])
    last_catalog = CATALOG_IN_FLIGHT + 2

    def running():
        return sorted(push.batches.filter(state="queued").values_list("number", flat=True))

    def ends(*numbers):
        push.batches.filter(number__in=numbers).update(state="done")
        batch_next(push.pk)

    batch_next(push.pk)
    assert CATALOG_IN_FLIGHT > 1 and running() == list(range(1, CATALOG_IN_FLIGHT + 1))
    ends(1)
    assert running() == list(range(2, CATALOG_IN_FLIGHT + 2))
    ends(*range(2, CATALOG_IN_FLIGHT + 2))
    assert running() == [last_catalog]  # the stock batch waits for the catalog writes to end
    ends(last_catalog)
    assert running() == [last_catalog + 1]  # …and runs alone
    ends(last_catalog + 1)
    assert running() == [last_catalog + 2]
    ends(last_catalog + 2)
    push.refresh_from_db()
    assert (push.state, push.batches_done) == (PushState.DONE, len(kinds))
    assert SyncJob.objects.filter(connection=active, kind="item_to_store").count() == len(kinds)
