"""The catalog pushes the clock starts: each connection's interval, read by one periodic task
(config/schedule.py), and a nudge for a writing push whose chain of batches stopped (a worker
lost between one batch's end and the next one's request)."""

from datetime import timedelta

from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from catalog.batches import batch_next
from catalog.models import (
    BatchState,
    CatalogBatch,
    CatalogPush,
    CatalogSettings,
    PushState,
    Trigger,
)
from catalog.services import push_start
from sync.models import JobState
from tenants.models import ConnectionStatus


def due_settings(now=None):
    """The enabled, scheduled catalog pushes of active connections whose last push started at
    least their interval ago (or never)."""
    now = now or timezone.now()
    last = CatalogPush.objects.filter(connection_id=OuterRef("connection_id")).order_by(
        "-created_at"
    )
    scheduled = CatalogSettings.objects.filter(
        enabled=True, interval_minutes__gt=0, connection__status=ConnectionStatus.ACTIVE
    ).annotate(last_start=Subquery(last.values("created_at")[:1]))
    return [
        settings
        for settings in scheduled.select_related("connection")
        if settings.last_start is None
        or now - settings.last_start >= timedelta(minutes=settings.interval_minutes)
    ]


def pushes_start_due() -> int:
    started = 0
    for settings in due_settings():
        push = push_start(settings.connection, trigger=Trigger.SCHEDULE, dry_run=False)
        started += push.trigger == Trigger.SCHEDULE and push.state == PushState.PLANNING
    return started


def stalled_pushes_nudge() -> int:
    """Ask for the next batch of writing pushes with batches left and none on its way."""
    on_its_way = CatalogBatch.objects.filter(
        state=BatchState.QUEUED, job__state__in=[JobState.PENDING, JobState.RUNNING]
    ).values("push_id")
    stalled = (
        CatalogPush.objects.filter(state=PushState.WRITING)
        .filter(~Q(pk__in=on_its_way))
        .values_list("pk", flat=True)
    )
    for push_id in stalled:
        batch_next(push_id)
    return len(stalled)
