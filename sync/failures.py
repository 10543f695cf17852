"""Failed orders grouped by what a person must fix: per connection, cause code and the record at
fault ("SKU HAMMOCK-1 has no item in MYOB Business — 3 orders"), counted in the database."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Max

from connectors.causes import Cause, cause_of, erp_name, fix_link
from sync.models import JobKind, JobState, SyncJob
from tenants.models import WRITE_ROLES, Connection
from tenants.selectors import tenant_ids_for


@dataclass(frozen=True)
class FailureGroup:
    connection: Connection
    code: str  # as stored on the jobs ("" on jobs that failed before causes were recorded)
    subject: str
    count: int
    latest: datetime | None
    example_job_id: int  # the group's newest failed order, to read the ERP's full reason
    cause: Cause
    can_write: bool  # the user holds a write role in the connection's tenant

    @property
    def heading(self) -> str:
        return self.cause.heading(subject=self.subject, erp=erp_name(self.connection))

    @property
    def advice(self) -> str:
        return self.cause.advice(subject=self.subject, erp=erp_name(self.connection))

    @property
    def fix(self) -> tuple[str, str] | None:
        return fix_link(self.cause, self.connection)


def failed_orders(user):
    """Order jobs that failed for good, in the tenants the user may read."""
    jobs = SyncJob.objects.filter(kind=JobKind.ORDER, state=JobState.FAILED)
    return jobs if user.is_superuser else jobs.filter(tenant_id__in=tenant_ids_for(user))


def failure_groups(jobs, *, can_write: Callable[[int], bool]) -> list[FailureGroup]:
    """The failed orders among `jobs` (already scoped to what the person may read) grouped by
    (connection, cause, subject), largest group first: one aggregate query, plus one for the
    groups' connections. `can_write(tenant_id)`: may the person replay there."""
    rows = list(
        jobs.filter(kind=JobKind.ORDER, state=JobState.FAILED)
        .values("connection_id", "error_cause", "error_subject")
        .annotate(count=Count("id"), latest=Max("finished_at"), example=Max("id"))
        .order_by("-count", "-latest", "error_cause", "error_subject")
    )
    connections = Connection.objects.in_bulk({row["connection_id"] for row in rows})
    groups = []
    for row in rows:
        connection = connections[row["connection_id"]]
        groups.append(
            FailureGroup(
                connection=connection,
                code=row["error_cause"],
                subject=row["error_subject"],
                count=row["count"],
                latest=row["latest"],
                example_job_id=row["example"],
                cause=cause_of(row["error_cause"]),
                can_write=can_write(connection.tenant_id),
            )
        )
    return groups


def failure_groups_for(user, *, connection_id=None) -> list[FailureGroup]:
    """The groups of the admin's page: the user's tenants, optionally one connection."""
    jobs = failed_orders(user)
    if connection_id:
        jobs = jobs.filter(connection_id=connection_id)
    writable = set(tenant_ids_for(user, WRITE_ROLES))
    return failure_groups(
        jobs, can_write=lambda tenant_id: user.is_superuser or tenant_id in writable
    )


def group_jobs(user, *, connection_id, code: str, subject: str):
    """The failed orders of one group that the user may change (a write role in the tenant)."""
    jobs = SyncJob.objects.filter(
        kind=JobKind.ORDER, state=JobState.FAILED, connection_id=connection_id,
        error_cause=code, error_subject=subject,
    )  # fmt: skip
    if user.is_superuser:
        return jobs
    return jobs.filter(tenant_id__in=tenant_ids_for(user, WRITE_ROLES))
