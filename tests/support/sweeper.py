"""The job sweeper as beat sends it: `dispatch_due_jobs` queued for a worker at the cadence
config/schedule.py declares, from a thread of the test process (a beat process would also run
every other periodic task: polls, token refreshes, hook checks)."""

import threading

from config.schedule import PERIODIC_TASKS

SWEEPER_TASK = "sync.tasks.dispatch_due_jobs"


def sweeper_every_seconds() -> int:
    (entry,) = [p for p in PERIODIC_TASKS if p.task == SWEEPER_TASK]
    return entry.every_seconds


class Sweeper:
    def __init__(self):
        self.every = sweeper_every_seconds()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        from sync.tasks import dispatch_due_jobs

        while not self._stop.wait(self.every):
            dispatch_due_jobs.delay()

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=5)
