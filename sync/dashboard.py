"""The home dashboard's figures: orders received, posted, failed and waiting, and orders per day.

Every figure is aggregated in the database, one query per tile, on the indexes the sync app's
0002 migration added: (tenant, kind, created_at) for what arrived, (tenant, kind, state,
finished_at) for what ended. A scope is a queryset of order jobs already limited to the tenants
(or the one connection) the person may see; nothing here knows about people.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Max, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from sync.models import JobKind, JobState, SyncJob

# The periods each tile shows: since midnight today, and today with the 6 or 29 days before it.
PERIODS = (("today", "Today", 0), ("week", "Last 7 days", 6), ("month", "Last 30 days", 29))
CHART_DAYS = 30
WAITING = (JobState.PENDING, JobState.RUNNING)


@dataclass(frozen=True)
class Tile:
    key: str
    title: str
    counts: dict[str, int]  # period key → number
    help: str

    @property
    def rows(self) -> list[tuple[str, str, int]]:
        """(period key, period title, number) in the order the tile shows them."""
        return [(key, title, self.counts[key]) for key, title, _ in PERIODS]


def order_jobs(**scope):
    """Order jobs in a scope: `tenant_id__in=[…]` or `connection=…`."""
    return SyncJob.objects.filter(kind=JobKind.ORDER, **scope).order_by()


def period_starts(now: datetime) -> dict[str, datetime]:
    """Where each period begins: midnight (in the site's time zone) today, 6 and 29 days ago."""
    midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    return {key: midnight - timedelta(days=back) for key, _, back in PERIODS}


def _per_period(jobs, field: str, starts: dict[str, datetime]) -> dict[str, int]:
    """One query: how many of `jobs` have `field` in each period. It counts `field` itself, not
    the id, so PostgreSQL answers from the index alone (an index-only scan, no table reads)."""
    oldest = min(starts.values())
    found = jobs.filter(**{f"{field}__gte": oldest}).aggregate(
        **{key: Count(field, filter=Q(**{f"{field}__gte": start})) for key, start in starts.items()}
    )
    return {key: found[key] or 0 for key in starts}


def tiles(jobs, now: datetime) -> list[Tile]:
    """The four tiles, each one query."""
    starts = period_starts(now)
    received = _per_period(jobs, "created_at", starts)
    posted = _per_period(jobs.filter(state=JobState.SUCCEEDED), "finished_at", starts)
    failed = _per_period(jobs.filter(state=JobState.FAILED), "finished_at", starts)
    waiting = jobs.filter(state__in=WAITING).count()  # COUNT(*): index-only as well
    return [
        Tile("received", "Orders received", received, "Orders the store sent us."),
        Tile("posted", "Posted to the ERP", posted, "Orders that became an ERP document."),
        Tile("failed", "Failed", failed, "Orders that could not be posted and stopped trying."),
        Tile(
            "waiting",
            "Waiting",
            dict.fromkeys(starts, waiting),
            "Orders on their way now (queued, being posted, or retrying).",
        ),
    ]


def last_document_posted_at(jobs) -> datetime | None:
    """When the newest ERP document was posted (an order job that ended with one)."""
    found = (
        jobs.filter(state=JobState.SUCCEEDED)
        .exclude(erp_document_id="")
        .aggregate(last=Max("finished_at"))
    )
    return found["last"]


def need_attention(jobs) -> int:
    """Orders that failed for good and are still failed: each needs a person."""
    return jobs.filter(state=JobState.FAILED).count()


# The chart's series: a job's state now, grouped the way a finance person reads it.
OUTCOMES = (
    ("posted", "Posted", (JobState.SUCCEEDED,), "var(--color-primary-600)"),
    ("failed", "Failed", (JobState.FAILED,), "#dc2626"),
    ("waiting", "Waiting", WAITING, "#f59e0b"),
    ("skipped", "Not sent (status not synced)", (JobState.SKIPPED,), "#9ca3af"),
)


def orders_per_day(jobs, now: datetime, days: int = CHART_DAYS) -> dict:
    """Orders received per day over `days` days, split by how each ended: one grouped query
    (TruncDate in the site's time zone, on PostgreSQL and SQLite alike)."""
    first: date = timezone.localdate(now) - timedelta(days=days - 1)
    since = period_starts(now)["today"] - timedelta(days=days - 1)
    rows = (
        jobs.filter(created_at__gte=since)
        .annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
        .values("day", "state")
        .annotate(n=Count("created_at"))  # an indexed column: answered from the index alone
    )
    by_state = {state: key for key, _, states, _ in OUTCOMES for state in states}
    table = {key: [0] * days for key, *_ in OUTCOMES}
    for row in rows:
        offset = (row["day"] - first).days
        if 0 <= offset < days and row["state"] in by_state:
            table[by_state[row["state"]]][offset] += row["n"]
    labels = [(first + timedelta(days=i)).strftime("%d %b") for i in range(days)]
    return {
        "labels": labels,
        "datasets": [
            {"label": title, "data": table[key], "backgroundColor": colour, "stack": "orders"}
            for key, title, _, colour in OUTCOMES
        ],
        "total": sum(sum(values) for values in table.values()),
    }
