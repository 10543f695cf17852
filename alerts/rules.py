"""What is wrong right now, per rule: each rule lists its conditions (one per subject) and says
which open incidents of its own have cleared. Read-only; alerts/incidents.py acts on it."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import OuterRef, Subquery

from alerts.business_hours import business_hours_between, local_zone
from alerts.models import AlertChannel, Incident, Rule
from catalog.models import CatalogPush, PushState
from connectors.causes import cause_of, erp_name
from sync.models import JobKind, JobState, SyncJob
from tenants.models import Connection, ConnectionStatus

# A job that failed longer ago than this, with no incident yet (alerts were off, or it predates
# them), is not announced now: only fresh failures are news.
FRESH_FAILURES = timedelta(hours=24)
DEFAULT_NO_ORDER_HOURS = 4


@dataclass(frozen=True)
class Condition:
    tenant_id: int
    connection_id: object
    rule: str
    subject: str
    title: str
    detail: str = ""

    @property
    def key(self) -> str:
        return f"{self.rule}:{self.subject}"


def _erp(connection) -> str:
    return erp_name(connection)


# --- a job failed for good --------------------------------------------------------------------
def job_failed_title(job) -> str:
    what = "Order" if job.kind == JobKind.ORDER else job.get_kind_display()
    return f"{what} {job.source_id} could not be sent to {_erp(job.connection)}"


def job_failed_now(now, job_ids=None) -> list[Condition]:
    jobs = SyncJob.objects.filter(state=JobState.FAILED).select_related("connection")
    if job_ids is not None:
        jobs = jobs.filter(pk__in=job_ids)
    else:
        jobs = jobs.filter(finished_at__gte=now - FRESH_FAILURES)
    return [
        Condition(
            job.tenant_id,
            job.connection_id,
            Rule.JOB_FAILED,
            str(job.pk),
            job_failed_title(job),
            job_failed_detail(job)[:2000],
        )
        for job in jobs
    ]


def job_failed_detail(job) -> str:
    """Why, in the cause's words, and what to do about it (connectors/causes.py), then the
    ERP's own message."""
    if not job.error_cause:
        return f"{job.connection.name}: {job.last_error}"
    erp = erp_name(job.connection)
    cause = cause_of(job.error_cause)
    return (
        f"{job.connection.name}: {cause.heading(subject=job.error_subject, erp=erp)}.\n"
        f"What to do: {cause.advice(subject=job.error_subject, erp=erp)}\n\n"
        f"In detail: {job.last_error}"
    )


# A replay under way has not cleared anything yet: it may fail the same way again.
NOT_CLEARED = (JobState.FAILED, JobState.PENDING, JobState.RUNNING)


def job_failed_cleared(incidents) -> list[Incident]:
    """Cleared once the job has ended otherwise (a replay succeeded, or it was skipped) or is
    gone."""
    ids = [int(i.subject) for i in incidents]
    still = set(
        SyncJob.objects.filter(pk__in=ids, state__in=NOT_CLEARED).values_list("pk", flat=True)
    )
    return [i for i in incidents if int(i.subject) not in still]


# --- no orders for N business hours -----------------------------------------------------------
def no_order_hours_by_tenant() -> dict[int, int]:
    """The shortest quiet spell any of the tenant's channels asks to hear about."""
    hours = {}
    for tenant_id, wanted in AlertChannel.objects.filter(
        active=True, on_no_orders=True
    ).values_list("tenant_id", "no_orders_hours"):
        hours[tenant_id] = min(hours.get(tenant_id, wanted), wanted or DEFAULT_NO_ORDER_HOURS)
    return hours


def no_orders_now(now) -> list[Condition]:
    hours = no_order_hours_by_tenant()
    if not hours:
        return []
    newest_order = SyncJob.objects.filter(connection=OuterRef("pk"), kind=JobKind.ORDER).order_by(
        "-created_at"
    )
    connections = (
        Connection.objects.filter(status=ConnectionStatus.ACTIVE, tenant_id__in=hours)
        .select_related("tenant")
        # The newest order per connection: one index probe each (connection, kind, created_at).
        .annotate(last_order=Subquery(newest_order.values("created_at")[:1]))
    )
    found = []
    for connection in connections:
        since = connection.last_order or connection.created_at
        quiet = business_hours_between(since, now, local_zone(connection.tenant))
        limit = hours[connection.tenant_id]
        if quiet >= limit:
            last = (
                f"The last order arrived {since:%A %d %B at %H:%M} UTC."
                if connection.last_order
                else "No order has arrived since the connection was set up."
            )
            found.append(
                Condition(
                    connection.tenant_id,
                    connection.pk,
                    Rule.NO_ORDERS,
                    str(connection.pk),
                    f"No orders from {connection.name} for {limit} business hours",
                    f"{last} If the store is trading, check that its webhooks are on and that "
                    "the connection is active.",
                )
            )
    return found


# --- a connection needs reconnecting ---------------------------------------------------------
def reconnect_now(now) -> list[Condition]:
    return [
        Condition(
            c.tenant_id,
            c.pk,
            Rule.RECONNECT,
            str(c.pk),
            f"{c.name} needs reconnecting",
            f"Orders wait until someone signs in again on the connection's page. {c.last_error}",
        )
        for c in Connection.objects.filter(status=ConnectionStatus.NEEDS_RECONNECT)
    ]


# --- webhooks deactivated -----------------------------------------------------------------------
def webhooks_off_now(now) -> list[Condition]:
    found = []
    for c in Connection.objects.filter(status=ConnectionStatus.ACTIVE).exclude(webhook_health={}):
        health = c.webhook_health or {}
        hooks = health.get("hooks") or []
        off = [h.get("scope", "?") for h in hooks if not h.get("is_active")]
        if not off and not health.get("error"):
            continue
        why = health.get("error") or f"{len(off)} of {len(hooks)} are switched off"
        found.append(
            Condition(
                c.tenant_id,
                c.pk,
                Rule.WEBHOOKS_OFF,
                str(c.pk),
                f"{c.name}: the store is not sending orders as they happen",
                f"The store's webhooks are not all working ({why}). Orders still arrive through "
                "the catch-up check, but later. The hourly check tries to switch them back on.",
            )
        )
    return found


# --- a catalog push stopped by its guard -----------------------------------------------------
def catalog_held_now(now) -> list[Condition]:
    return [
        Condition(
            p.tenant_id,
            p.connection_id,
            Rule.CATALOG_HELD,
            str(p.pk),
            f"A price update for {p.connection.name} is waiting for a person to check it",
            f"{len(p.guard_moves)} prices would change by a large amount, so nothing was written "
            "to the store. Open the catalog push to confirm or cancel it.",
        )
        for p in CatalogPush.objects.filter(state=PushState.HELD).select_related("connection")
    ]


RULES = {
    Rule.JOB_FAILED: job_failed_now,
    Rule.NO_ORDERS: no_orders_now,
    Rule.RECONNECT: reconnect_now,
    Rule.WEBHOOKS_OFF: webhooks_off_now,
    Rule.CATALOG_HELD: catalog_held_now,
}
