"""Hands stored events to the workers in batches: one Celery message per batch, not per event.

Building and sending a Celery message cost more CPU than the rest of a webhook's intake together.
Each web process collects the ids it stored for a few tens of milliseconds and a background thread
sends them as one `process_events` message. The events are durable before BigCommerce gets its
200, so an id that never leaves the process (it was killed, the broker was down) is not lost: the
sweeper finds it and sends it again.

While the broker is down the thread keeps the ids and tries again every few seconds (a capped
backoff), so they go within seconds of its return instead of waiting for the sweeper. It keeps at
most MAX_HELD ids: beyond that the oldest are left to the sweeper (they are stored already).
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
MAX_HELD = 20_000  # ids kept while the broker is down: well under a megabyte
RETRY_FIRST_SECONDS = 0.25
RETRY_CAP_SECONDS = 2.0  # the longest an id waits after the broker is back (plus one send)


class Handover:
    def __init__(
        self, send, *, gather_seconds: float, max_batch: int = MAX_BATCH, max_held: int = MAX_HELD
    ):
        self._send = send
        self.gather_seconds = gather_seconds
        self._max_batch = max_batch
        self._max_held = max_held
        self._reset()
        os.register_at_fork(after_in_child=self._reset)  # a forked process starts empty
        atexit.register(self.flush)  # a worker stopping gracefully sends what it holds

    def _reset(self) -> None:
        self._pending: deque[int] = deque()
        self._wake = threading.Event()
        self._send_lock = threading.Lock()
        self._start_lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._broker_down = False

    def add(self, event_id: int) -> None:
        self._pending.append(event_id)
        if self._thread is None:
            self._start()
        self._wake.set()

    def flush(self) -> bool:
        """Send everything added so far, in the caller's thread, waiting for a send under way.
        False when the broker refused: the ids are held for the next try."""
        with self._send_lock:
            while batch := self._take():
                if not self._publish(batch):
                    self._hold(batch)
                    return False
            return True

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
        backoff = 0.0
        while True:
            if backoff:
                time.sleep(backoff)  # the broker refused the last batch: try again soon
            else:
                self._wake.wait()
                # Gather: the ids stored meanwhile go in the same message.
                time.sleep(self.gather_seconds)
                self._wake.clear()  # ids added after this wake the next round
            sent = self.flush()
            backoff = 0.0 if sent else min(max(backoff * 2, RETRY_FIRST_SECONDS), RETRY_CAP_SECONDS)

    def _take(self) -> list[int]:
        batch: list[int] = []
        while self._pending and len(batch) < self._max_batch:
            batch.append(self._pending.popleft())
        return batch

    def _publish(self, batch: list[int]) -> bool:
        try:
            self._send(batch)
        except Exception:  # any broker failure: the events are stored, and held here
            if not self._broker_down:  # once per outage, not once per try
                logger.warning(
                    "broker unavailable; events held and sent again every few seconds (the "
                    "sweeper sends them if this process stops)",
                    extra={"events": batch},
                )
            self._broker_down = True
            return False
        if self._broker_down:
            logger.info("broker available again; held events sent")
            self._broker_down = False
        return True

    def _hold(self, batch: list[int]) -> None:
        """Back at the front, in order; the oldest beyond the cap are left to the sweeper."""
        self._pending.extendleft(reversed(batch))
        dropped = 0
        while len(self._pending) > self._max_held:
            self._pending.popleft()
            dropped += 1
        if dropped:
            logger.warning("broker still unavailable; %d held events left to the sweeper", dropped)


def _send(batch: list[int]) -> None:
    from webhooks.tasks import process_events

    process_events.delay(batch)


handover = Handover(_send, gather_seconds=settings.WEBHOOK_HANDOVER_SECONDS)
