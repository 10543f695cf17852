"""The Celery app: JSON only, late acks, prefetch 1, and one queue per kind of work."""

import os

from celery import Celery
from kombu import Queue
from kombu.transport import TRANSPORT_ALIASES

# filesystem:// (the embedded broker) is ours: kombu's lets a worker read a message half written.
TRANSPORT_ALIASES["filesystem"] = "config.file_broker:Transport"

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("ml_connector")
app.config_from_object("django.conf:settings", namespace="CELERY")

# Webhook intake must never wait behind a backfill, so each kind of work has its own queue.
QUEUES = ("webhooks", "sync", "poll", "default")
app.conf.task_queues = tuple(Queue(name) for name in QUEUES)
app.conf.task_routes = {
    "webhooks.tasks.*": {"queue": "webhooks"},
    "sync.tasks.sync_*": {"queue": "sync"},
    # The orders' catch-up polls and the ERP → store streams' polls.
    "sync.tasks.poll_*": {"queue": "poll"},
    "sync.tasks.dispatch_*": {"queue": "poll"},
    # A catalog push's plan reads both systems, as a poll does; its batches run as sync jobs.
    "catalog.tasks.*": {"queue": "poll"},
}
app.autodiscover_tasks()
