"""The sandbox store's webhook sender as a Celery app of its own queue, for the benchmarks.

BigCommerce sends webhooks from its own machines, at once, whatever our worker is doing. The
sandbox sends them from a Celery task on the app's broker; were our worker to run those tasks, a
burst's deliveries would queue behind its sync jobs (and in front of other tenants' deliveries), so
a benchmark would measure the sandbox, not us. Orders placed by a process that imports this module,
and the worker started with `-A benchmarks.bc_sender -Q bc-sender`, send and retry the deliveries
on this queue, which our worker does not consume. They still travel through the app's Redis (a
Redis outage loses those queued, as it does in the sandbox).
"""

from config.celery import app

SENDER_QUEUE = "bc-sender"
app.conf.task_routes = {
    **app.conf.task_routes,
    "sandbox.bigcommerce.tasks.deliver": {"queue": SENDER_QUEUE},
}
