"""Starting, confirming and cancelling catalog pushes: what the admin, the schedule and an ERP's
change signal call. The plan (catalog/plan.py) and the batches (catalog/batches.py) do the work.

A connection has one push under way at a time (planning, held or writing): a second start joins
it. A preview (dry run) waits for a person without blocking anything; a newer start supersedes it.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from catalog.models import (
    ACTIVE_STATES,
    WAITING_STATES,
    CatalogPush,
    CatalogSettings,
    PushState,
    Trigger,
)
from tenants.models import ConnectionStatus

# A preview or a held plan older than this is planned again when confirmed: the store and the
# ERP may have moved meanwhile.
REPLAN_AFTER = timedelta(minutes=5)


class PushNotWaiting(Exception):
    """Only a preview or a held push can be confirmed or cancelled."""


def settings_for(connection) -> CatalogSettings:
    settings, _ = CatalogSettings.objects.get_or_create(connection=connection)
    return settings


def settings_update(connection, **fields) -> CatalogSettings:
    """Change a connection's catalog push settings (see settings_saved)."""
    settings = settings_for(connection)
    was_enabled = settings.enabled
    for name, value in fields.items():
        setattr(settings, name, value)
    settings.full_clean(exclude=["connection"])
    settings.save()
    settings_saved(settings, was_enabled=was_enabled)
    return settings


def settings_saved(settings: CatalogSettings, *, was_enabled: bool) -> None:
    """After a save: turning the push on or off checks the store's webhooks at once, since the
    catalog's are subscribed only while the push is on (an inactive connection's hooks are made
    when it is activated)."""
    connection = settings.connection
    if settings.enabled == was_enabled or connection.status != ConnectionStatus.ACTIVE:
        return
    from config.celery import app

    connection_id = str(connection.pk)
    transaction.on_commit(
        lambda: app.send_task("connectors.tasks.check_connection_webhooks", (connection_id,))
    )


def push_start(connection, *, trigger: str, dry_run: bool, user=None) -> CatalogPush:
    """Plan a push now (in the background). Returns the connection's push under way instead when
    there is one. `dry_run`: stop at the preview, for a person to confirm."""
    if trigger not in Trigger.values:
        raise ValueError(f"unknown trigger {trigger!r}")
    with transaction.atomic():
        under_way = _under_way(connection)
        if under_way is not None:
            return under_way
        now = timezone.now()
        CatalogPush.objects.filter(connection=connection, state=PushState.PREVIEW).update(
            state=PushState.CANCELLED, finished_at=now, error="Superseded by a newer push."
        )
        push = CatalogPush.objects.create(
            connection=connection, tenant_id=connection.tenant_id, trigger=trigger,
            dry_run=dry_run, started_by=user,
        )  # fmt: skip
        plan_queue(push)
    return push


def _under_way(connection) -> CatalogPush | None:
    # Rows of the connection taken in order, so two starts at once make one push (PostgreSQL).
    pushes = CatalogPush.objects.select_for_update().filter(
        connection=connection, state__in=ACTIVE_STATES
    )
    return pushes.order_by("-id").first()


def push_confirm(push: CatalogPush, user) -> CatalogPush:
    """Write what the preview or the held run showed: exactly its planned rows, or, when the plan
    is older than REPLAN_AFTER, a fresh plan (written without stopping again)."""
    now = timezone.now()
    with transaction.atomic():
        push = _waiting(push)
        push.decided_by, push.decided_at, push.dry_run = user, now, False
        stale = push.planned_at is None or now - push.planned_at > REPLAN_AFTER
        if stale:
            push.state = PushState.PLANNING
            push.save(update_fields=["decided_by", "decided_at", "dry_run", "state"])
            plan_queue(push)
            return push
        push.save(update_fields=["decided_by", "decided_at", "dry_run"])
        from catalog.batches import push_write

        push_write(push)
    push.refresh_from_db()
    return push


def push_cancel(push: CatalogPush, user) -> CatalogPush:
    """Drop a preview or a held run: nothing is written, and the next run reads the same ERP
    changes again (the cursor moves only when a run writes)."""
    now = timezone.now()
    with transaction.atomic():
        push = _waiting(push)
        push.state, push.decided_by, push.decided_at, push.finished_at = (
            PushState.CANCELLED, user, now, now,
        )  # fmt: skip
        push.save(update_fields=["state", "decided_by", "decided_at", "finished_at"])
    return push


def _waiting(push: CatalogPush) -> CatalogPush:
    push = CatalogPush.objects.select_for_update().get(pk=push.pk)
    if push.state not in WAITING_STATES:
        raise PushNotWaiting(
            f"This push is {push.get_state_display().lower()}: only a preview or a held push "
            "can be confirmed or cancelled."
        )
    return push


def plan_queue(push: CatalogPush) -> None:
    from catalog.tasks import plan_push

    transaction.on_commit(lambda: plan_push.delay(push.pk))
