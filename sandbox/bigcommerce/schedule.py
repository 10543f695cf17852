"""The sandbox store's own periodic work, written into beat with the app's where the sandbox is
served (config/schedule.py `periodic_tasks`)."""

from config.periodic import Periodic

SANDBOX_PERIODIC_TASKS: tuple[Periodic, ...] = (
    # Webhook deliveries whose message never reached the broker or was lost with it.
    Periodic(
        "Sandbox store: send overdue webhook deliveries",
        "sandbox.bigcommerce.tasks.send_due_deliveries",
        every_seconds=10,
    ),
)
