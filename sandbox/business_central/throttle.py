"""The online API limits, per user (an app principal is one), kept in the database (BcCall rows)
so every server thread sees them: `requests_per_window` (6,000) per `window_seconds` (300)
sliding window → 429; `concurrent` (5) run at once and up to `queue` (95) more wait for a slot;
a call finding the queue full → 429; one waiting longer than 8 minutes → 503."""

import time
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from sandbox.business_central.errors import too_many_requests, unavailable
from sandbox.business_central.models import BcApp, BcCall, BcEnvironment

POLL_SECONDS = 0.02
STALE = timedelta(minutes=8)  # BC's queue timeout; rows older than this no longer count


def enter(request, environment: BcEnvironment, app: BcApp) -> BcCall:
    """The call's row, once it may run; 429 when the window's requests or the queue are full."""
    calls = BcCall.objects.filter(environment=environment, app=app)
    with transaction.atomic():
        BcApp.objects.select_for_update().filter(pk=app.pk).first()  # one principal at a time
        now = timezone.now()
        window = now - timedelta(seconds=environment.window_seconds)
        used = calls.filter(created_at__gt=window).exclude(status_code=429).count()
        running = calls.filter(state="running", started_at__gt=now - STALE).count()
        waiting = calls.filter(state="queued", created_at__gt=now - STALE).count()
        free = running < environment.concurrent
        refused = used >= environment.requests_per_window or (
            not free and waiting >= environment.queue
        )
        call = BcCall.objects.create(
            environment=environment, app=app, method=request.method, path=request.path[-300:],
            created_at=now, state="done" if refused else "running" if free else "queued",
            started_at=now if free and not refused else None, status_code=429 if refused else 0,
        )  # fmt: skip
    if refused:
        raise too_many_requests()
    if free:
        return call
    deadline = time.monotonic() + STALE.total_seconds()
    while True:
        time.sleep(POLL_SECONDS)
        with transaction.atomic():
            BcApp.objects.select_for_update().filter(pk=app.pk).first()
            now = timezone.now()
            running = calls.filter(state="running", started_at__gt=now - STALE).count()
            first = calls.filter(state="queued", created_at__gt=now - STALE).order_by("pk").first()
            go = running < environment.concurrent and (first is None or first.pk == call.pk)
            if go:
                BcCall.objects.filter(pk=call.pk).update(state="running", started_at=now)
        if go:
            return call
        if time.monotonic() > deadline:
            leave(call, 503)
            raise unavailable(environment.fault_retry_after)


def leave(call: BcCall | None, status: int) -> None:
    if call is not None:
        BcCall.objects.filter(pk=call.pk).update(state="done", status_code=status)
