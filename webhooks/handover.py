"""Hands stored events to the workers in batches: one Celery message per batch, not per event.

Building and sending a Celery message cost more CPU than the rest of a webhook's intake together.
Each web process collects the ids it stored for a few tens of milliseconds and a background thread
sends them as one `process_events` message. The events are durable before BigCommerce gets its
200, so an id that never leaves the process (it was killed, the broker was down) is not lost: the
sweeper finds it and sends it again.
"""

import atexit
import logging
import os
import threading
import time
from collections import deque

from django.conf import settings

logger = logging.getLogger(__name__)

MAX_BATCH = 500


class Handover:
    def __init__(self, send, *, gather_seconds: float, max_batch: int = MAX_BATCH):
        self._send = send
        self.gather_seconds = gather_seconds
        self._max_batch = max_batch
        self._reset()
        os.register_at_fork(after_in_child=self._reset)  # a forked process starts empty
        atexit.register(self.flush)  # a worker stopping gracefully sends what it holds

    def _reset(self) -> None:
        self._pending: deque[int] = deque()
        self._wake = threading.Event()
        self._send_lock = threading.Lock()
        self._start_lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def add(self, event_id: int) -> None:
        self._pending.append(event_id)
        if self._thread is None:
            self._start()
        self._wake.set()

    def flush(self) -> None:
        """Send everything added so far, in the caller's thread, waiting for a send under way."""
        with self._send_lock:
            while batch := self._take():
                self._publish(batch)

    def pending(self) -> int:
        return len(self._pending)

    def _start(self) -> None:
        with self._start_lock:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="event-handover", daemon=True
                )
                self._thread.start()

    def _run(self) -> None:
        while True:
            self._wake.wait()
            # Gather: the ids stored meanwhile go in the same message.
            time.sleep(self.gather_seconds)
            self._wake.clear()  # ids added after this wake the next round
            self.flush()

    def _take(self) -> list[int]:
        batch: list[int] = []
        while self._pending and len(batch) < self._max_batch:
            batch.append(self._pending.popleft())
        return batch

    def _publish(self, batch: list[int]) -> None:
        try:
            self._send(batch)
        except Exception:  # any broker failure: the events are stored; the sweeper sends them
            logger.warning(
                "broker unavailable; events left for the sweeper", extra={"events": batch}
            )


def _send(batch: list[int]) -> None:
    from webhooks.tasks import process_events

    process_events.delay(batch)


handover = Handover(_send, gather_seconds=settings.WEBHOOK_HANDOVER_SECONDS)
