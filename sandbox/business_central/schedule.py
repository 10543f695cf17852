"""The sandbox Business Central's own periodic work, written into beat with the app's where the
sandbox is served (config/schedule.py `periodic_tasks`)."""

from config.periodic import Periodic

SANDBOX_PERIODIC_TASKS: tuple[Periodic, ...] = (
    # BC's job queue entry running codeunit 6154: expired subscriptions deleted, due
    # notifications sent (30 s after a change), failed ones retried on BC's schedule.
    Periodic(
        "Sandbox Business Central: send webhook notifications",
        "sandbox.business_central.tasks.send_notifications",
        every_seconds=10,
    ),
)
