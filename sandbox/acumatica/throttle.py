"""The licence's Web Services API limits, per instance (License Monitoring Console, SM604000):
requests wait in a queue for one of `concurrent` processing cores; once the requests of the past
window (a minute) reach half of `requests_per_minute`, each new one is delayed by (time left in
the window) / (requests left); more than `max_queue` (20) waiting → 429. Clients get no sign of
the queue but the wait. Kept in the database (AcuCall rows) so every server thread sees it."""

import time
from datetime import timedelta

from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from sandbox.acumatica.errors import too_many_requests
from sandbox.acumatica.models import AcuCall, AcuInstance

POLL_SECONDS = 0.02
STALE = timedelta(minutes=10)  # a request waiting longer is declined, as Acumatica does


def _delay(instance: AcuInstance, now) -> float:
    limit = instance.requests_per_minute
    if not limit:
        return 0.0
    window = timedelta(seconds=instance.window_seconds)
    started = AcuCall.objects.filter(instance=instance, started_at__gt=now - window)
    used = started.count()
    waiting = AcuCall.objects.filter(instance=instance, state="queued", delay_ms__gt=0).count()
    if used + waiting < limit / 2:
        return 0.0
    first = started.aggregate(first=Min("started_at"))["first"] or now
    left = max((first + window - now).total_seconds(), 0.0)
    return left / max(limit - used - waiting, 1)


def enter(instance: AcuInstance, call: AcuCall) -> None:
    """Hold the call as the licence would; 429 when the queue is full or the wait too long."""
    now = timezone.now()
    with transaction.atomic():
        AcuInstance.objects.select_for_update().filter(pk=instance.pk).first()
        queued = AcuCall.objects.filter(
            instance=instance, state="queued", created_at__gt=now - STALE
        ).exclude(pk=call.pk)
        full = queued.count() >= instance.max_queue  # this one would be the 21st waiting
        delay = 0.0 if full else _delay(instance, now)
        AcuCall.objects.filter(pk=call.pk).update(delay_ms=int(delay * 1000))
    if full:
        _refuse(call)
    if delay:
        time.sleep(delay)
    deadline = time.monotonic() + STALE.total_seconds()
    while True:
        with transaction.atomic():
            AcuInstance.objects.select_for_update().filter(pk=instance.pk).first()
            running = AcuCall.objects.filter(
                instance=instance, state="running", created_at__gt=timezone.now() - STALE
            ).count()
            free = not instance.concurrent or running < instance.concurrent
            if free:
                AcuCall.objects.filter(pk=call.pk).update(
                    state="running", started_at=timezone.now()
                )
        if free:
            return
        if time.monotonic() > deadline:
            _refuse(call)
        time.sleep(POLL_SECONDS)


def _refuse(call: AcuCall):
    AcuCall.objects.filter(pk=call.pk).update(state="done", status_code=429)
    raise too_many_requests()


def leave(call: AcuCall, status: int) -> None:
    AcuCall.objects.filter(pk=call.pk).update(state="done", status_code=status)
