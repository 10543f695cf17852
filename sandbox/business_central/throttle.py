"""The online API limits, per user (an app principal is one), kept in the database (BcCall rows)
so every server thread sees them: `requests_per_window` (6,000) per `window_seconds` (300)
sliding window → 429; `concurrent` (5) run at once, up to `queue` (95) more wait for a slot;
beyond → 429."""

import time
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from sandbox.business_central.errors import too_many_requests
from sandbox.business_central.models import BcApp, BcCall, BcEnvironment

POLL_SECONDS = 0.02
STALE = timedelta(minutes=8)  # a request waiting longer is dropped (BC answers 503 then)


def enter(request, environment: BcEnvironment, app: BcApp) -> BcCall:
    """The call's row, once it may run; 429 when the window's requests or the queue are full."""
    now = timezone.now()
    calls = BcCall.objects.filter(environment=environment, app=app)
    with transaction.atomic():
        BcApp.objects.select_for_update().filter(pk=app.pk).first()
        window = now - timedelta(seconds=environment.window_seconds)
        used = calls.filter(created_at__gt=window).exclude(status_code=429).count()
        waiting = calls.filter(state="queued", created_at__gt=now - STALE).count()
        call = BcCall.objects.create(
            environment=environment, app=app, method=request.method,
            path=request.path[-300:], created_at=now,
        )  # fmt: skip
        refused = used >= environment.requests_per_window or waiting >= environment.queue
        if refused:
            BcCall.objects.filter(pk=call.pk).update(state="done", status_code=429)
    if refused:
        raise too_many_requests()
    deadline = time.monotonic() + STALE.total_seconds()
    while True:
        with transaction.atomic():
            BcApp.objects.select_for_update().filter(pk=app.pk).first()
            running = calls.filter(state="running", started_at__gt=timezone.now() - STALE).count()
            free = running < environment.concurrent
            if free:
                BcCall.objects.filter(pk=call.pk).update(state="running", started_at=timezone.now())
        if free:
            return call
        if time.monotonic() > deadline:
            leave(call, 503)
            from sandbox.business_central.errors import unavailable

            raise unavailable(environment.fault_retry_after)
        time.sleep(POLL_SECONDS)


def leave(call: BcCall | None, status: int) -> None:
    if call is not None:
        BcCall.objects.filter(pk=call.pk).update(state="done", status_code=status)
