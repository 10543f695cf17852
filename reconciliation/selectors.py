"""What the month-end report shows, read from a run's findings."""

from django.db.models import Case, Count, Value, When
from django.urls import NoReverseMatch, reverse

from reconciliation.models import FindingKind
from sync.models import JobKind, SyncJob

REPORT_ROWS = 500  # the page lists this many findings; the CSV has them all
# What costs money first: missing, totals, twice, then orders not sent by the status rules.
FINDING_ORDER = Case(
    *(When(kind=kind, then=Value(n)) for n, kind in enumerate(FindingKind.values)),
    default=Value(len(FindingKind.values)),
)


def kind_counts(run) -> list[dict]:
    counts = dict(run.findings.values_list("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    rows = [{"kind": "matched", "label": "Matched", "count": run.matched}]
    rows += [
        {"kind": k, "label": label, "count": counts.get(k, 0)} for k, label in FindingKind.choices
    ]
    return rows


def order_page(job_id) -> str:
    """The order's page (the Orders view where it is installed, else the job's page)."""
    for name in ("admin:sync_orderjob_change", "admin:sync_syncjob_change"):
        try:
            return reverse(name, args=[job_id])
        except NoReverseMatch:
            continue
    return ""


def finding_rows(run) -> tuple[list, int]:
    findings = list(run.findings.order_by(FINDING_ORDER, "order_date", "pk")[:REPORT_ROWS])
    jobs = dict(
        SyncJob.objects.filter(
            connection_id=run.connection_id, kind=JobKind.ORDER,
            source_id__in=[f.order_id for f in findings],
        ).values_list("source_id", "pk")
    )  # fmt: skip
    for finding in findings:
        job_id = jobs.get(finding.order_id)
        finding.order_url = order_page(job_id) if job_id else ""
    return findings, run.findings.count()
