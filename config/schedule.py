"""Every periodic task, declared once: the platform's here, each ERP's in its spec
(connectors/<kind>/spec.py). `manage.py sync_beat_schedule` writes them into django-celery-beat's
tables (the run command calls it), so the schedule is code-reviewed and the database scheduler
only executes it. Per-tenant cadence is not here: it lives on Connection
(`next_poll_at`) and one fan-out task reads it.
"""

from config.periodic import Periodic

PERIODIC_TASKS: tuple[Periodic, ...] = (
    # Catch-up polls: one fan-out reads every connection's own cadence (next_poll_at).
    Periodic("Dispatch due polls", "sync.tasks.dispatch_due_polls", every_seconds=60),
    # Retries that are due, runs whose lease lapsed (their worker died), jobs whose queue
    # message was lost. Every 10 s (two indexed queries): a dead run is re-queued within ~30 s.
    Periodic("Dispatch due sync jobs", "sync.tasks.dispatch_due_jobs", every_seconds=10),
    # Events stored while the broker was down, or whose message it lost: every 10 s, so an event
    # waits at most about 20 s after the broker is back (webhooks/services.py STUCK_AFTER).
    Periodic("Sweep stuck webhook events", "webhooks.tasks.sweep_stuck_events", every_seconds=10),
    # Re-activate or recreate BigCommerce hooks (deactivated after 48 h of failures).
    Periodic("Check webhook subscriptions", "connectors.tasks.check_webhooks", crontab="7 * * * *"),
    # Keep OAuth tokens of idle connections alive: refresh those inside their margin.
    Periodic(
        "Refresh expiring tokens", "connectors.tasks.refresh_expiring_tokens", every_seconds=60
    ),
    # ERPs send no webhooks: records changed in an ERP reach the store through one poll per
    # stream, for every connection whose ERP lists that stream's changes.
    Periodic(
        "Poll ERP customer changes",
        "sync.tasks.poll_erp_stream_all",
        every_seconds=300,
        kwargs={"stream": "customers"},
    ),
    # Catalog pushes (ERP prices, cost and stock → the store) each connection's interval makes
    # due; the push reads the ERP's item changes itself.
    Periodic("Start due catalog pushes", "catalog.tasks.start_due_pushes", every_seconds=60),
    # Alerts: incidents opened and cleared, held summaries and the daily summaries (8:00 local).
    Periodic("Evaluate alerts", "alerts.tasks.evaluate_alerts", every_seconds=60),
    # Yesterday's store orders against the ERP's documents, per active connection; a run's
    # finding count is what alerts read.
    Periodic("Reconcile yesterday", "reconciliation.tasks.reconcile_nightly", crontab="23 4 * * *"),
    Periodic("Prune the API call log", "audit.tasks.prune_api_calls", crontab="41 2 * * *"),
    Periodic(
        "Clear expired admin sessions", "tenants.tasks.clear_expired_sessions", crontab="17 3 * * *"
    ),
)


def periodic_tasks() -> tuple[Periodic, ...]:
    """Ours, each installed ERP's (its spec's), and where the sandbox systems are served, their
    own (the sandbox store's webhook sender's sweep, the sandbox Business Central's notification
    sender: the vendors' would not depend on our broker)."""
    from django.conf import settings

    from connectors.registry import erp_periodic_tasks

    ours = PERIODIC_TASKS + erp_periodic_tasks()
    if not settings.SANDBOX_ENABLED:
        return ours
    from importlib import import_module

    from sandbox.installed import installed_sandbox_apps

    # Each sandbox system with periodic work of its own declares it in its `schedule` module.
    systems = installed_sandbox_apps(settings.INSTALLED_APPS, having="schedule").values()
    return ours + tuple(
        task for app in systems for task in import_module(f"{app}.schedule").SANDBOX_PERIODIC_TASKS
    )


# Rows this command owns carry this prefix, so removing an entry here removes it there too,
# while schedules added by hand in the admin are left alone.
NAME_PREFIX = "[ml-connector] "
