"""Run only by tests/test_secret_scan.py, as a pytest run of its own on one xdist worker (the
name keeps it out of the suite): a secret left in a worker log file, which the worker's scan reads
only at the end of its session, after every test has passed."""

import os

from django.conf import settings


def test_a_secret_left_in_a_worker_log_file():
    log = settings.VAR_DIR / f"test-worker-{os.getpid()}-probe.log"
    log.write_text("refreshed with sbx-at-probe-0002\n")
