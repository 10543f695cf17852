"""The Celery app as the test worker runs it: the product's app plus the in-test fake ERP, and
the session's secret scan on the worker's own log handlers and ApiCall rows."""

import logging

from celery.signals import worker_init

from config.celery import app
from tests.support import fake_erp, secret_scan

fake_erp.install()

if app.conf.broker_url.startswith(("redis://", "rediss://")):
    # A worker that stops closes its channel by reading the answer to the BRPOP it is waiting on:
    # with kombu's 1-second default every test's worker took 2 s to stop. A shorter wait costs an
    # idle test worker a few more BRPOPs a second.
    app.conf.broker_transport_options = {
        **app.conf.broker_transport_options,
        "polling_interval": 0.1,
    }

PROBE = "tests.secret_scan_probe"


@worker_init.connect
def _watch_for_secrets(**kwargs):
    # Django is set up by now (the Django fix-up's receivers ran first): logging is configured
    # and the models are loaded.
    secret_scan.install_in_worker()


@app.task(name=PROBE)
def secret_scan_probe(text: str) -> None:
    """Writes `text` unredacted into a log line and an ApiCall row, as a leak would: the scan's
    own test checks the worker reports both (tests/test_secret_scan.py)."""
    from audit.models import ApiCall

    logging.getLogger(PROBE).warning(text)
    ApiCall(system="probe", operation=PROBE, method="GET", url=f"https://probe/?q={text}").save()


__all__ = ("app",)
