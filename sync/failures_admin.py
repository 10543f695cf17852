"""The admin's "Failed orders by cause" page (/admin/sync/failures/): each group with its fix and
"Fix and replay", which replays the group's orders in the background (a BulkRun)."""

import uuid

from django.contrib import admin, messages
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from sync.failures import failure_groups_for, group_jobs
from sync.replay import bulk_replay_start
from tenants.selectors import connections_visible_to


def _connection_id(value: str | None):
    """The `connection` parameter as a UUID; a malformed one finds nothing (404)."""
    if not value:
        return None
    try:
        return uuid.UUID(value)
    except ValueError as exc:
        raise Http404("No such connection.") from exc


def _orders_link(group) -> str | None:
    """The Orders list filtered to the group's orders, while that list exists."""
    try:
        url = reverse("admin:sync_orderjob_changelist")
    except NoReverseMatch:
        return None
    query = {"state": "failed", "connection": group.connection.pk}
    if group.subject:
        query["q"] = group.subject
    return f"{url}?{urlencode(query)}"


def failures_view(request):
    connection_id = _connection_id(request.GET.get("connection"))
    connection = None
    if connection_id:
        connection = connections_visible_to(request.user).filter(pk=connection_id).first()
        if connection is None:
            raise Http404("No such connection.")
    groups = failure_groups_for(request.user, connection_id=connection_id)
    context = {
        **admin.site.each_context(request),
        "title": "Failed orders by cause",
        "connection": connection,
        "groups": [(group, _orders_link(group)) for group in groups],
        "total": sum(group.count for group in groups),
        "can_replay": any(group.can_write for group in groups),
    }
    return TemplateResponse(request, "admin/sync/failures.html", context)


def failures_replay_view(request):
    """Replay one group's failed orders. Only orders in a tenant where the user holds a write role
    are touched; a group with none (another tenant's, a viewer's, already replayed) is a 404."""
    connection_id = _connection_id(request.POST.get("connection"))
    if connection_id is None:
        raise Http404("No such connection.")
    jobs = group_jobs(
        request.user, connection_id=connection_id, code=request.POST.get("cause", ""),
        subject=request.POST.get("subject", ""),
    )  # fmt: skip
    tenant_id = jobs.values_list("tenant_id", flat=True).first()
    if tenant_id is None:
        raise Http404("No failed orders to replay here.")
    run = bulk_replay_start(jobs=jobs, tenant_id=tenant_id, user=request.user)
    messages.success(
        request,
        f"Replaying {run.total} failed order{'s' if run.total != 1 else ''} in the background; "
        "each is fetched fresh from the store.",
    )
    return HttpResponseRedirect(reverse("admin:sync_bulkrun_change", args=[run.pk]))


def failures_urls() -> list:
    """The page and its button, in the admin's namespace."""
    return [
        path("sync/failures/", admin.site.admin_view(failures_view), name="sync_failures"),
        path(
            "sync/failures/replay/",
            admin.site.admin_view(require_POST(failures_replay_view)),
            name="sync_failures_replay",
        ),
    ]
