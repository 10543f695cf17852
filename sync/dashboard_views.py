"""The admin's home page as a tenant's dashboard, and the same dashboard for one connection.

Thin views: who may see what comes from tenants.selectors, the figures from sync.dashboard and
sync.dashboard_health. A person in several tenants picks one (?tenant=<id>) or sees them all
together; another tenant's id or connection is a 404, like a missing one.
"""

import json
from datetime import timedelta

from django.contrib import admin
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.timesince import timesince

from sync import dashboard, dashboard_health
from tenants.models import Tenant
from tenants.selectors import connections_visible_to, tenant_ids_for

# Chart.js options for a stacked bar chart (the theme's defaults draw bars on top of each other).
CHART_OPTIONS = {
    "animation": False,
    "responsive": True,
    "maintainAspectRatio": False,
    "plugins": {"legend": {"display": True, "position": "bottom", "align": "start"}},
    "scales": {
        "x": {"stacked": True, "grid": {"display": False}, "ticks": {"maxTicksLimit": 10}},
        "y": {"stacked": True, "beginAtZero": True, "ticks": {"precision": 0}},
    },
}


def guarded_reverse(name: str, *, query: str = "", **kwargs) -> str | None:
    """The address of a page that may not exist in this build (another part lands it later)."""
    try:
        return reverse(name, kwargs=kwargs or None) + (f"?{query}" if query else "")
    except NoReverseMatch:
        return None


def review_url(connection=None) -> str | None:
    """Where "N need attention: review" leads: the failures grouped by cause, else the failed
    orders (else the failed jobs)."""
    scope = f"connection={connection.pk}" if connection else ""
    return (
        guarded_reverse("admin:sync_failures", query=scope)
        or guarded_reverse("admin:sync_orderjob_changelist", query="&".join(
            filter(None, ["state=failed", scope])))
        or guarded_reverse("admin:sync_syncjob_changelist", query="state__exact=failed")
    )  # fmt: skip


def _ago(moment, now) -> str:
    """ "5 minutes", "2 hours"; under a minute reads "less than a minute", not "0 minutes"."""
    if now - moment < timedelta(minutes=1):
        return "less than a minute"
    return timesince(moment, now, depth=1)


# Which orders a tile's "See these orders" lists (the Orders view's state filter).
TILE_STATES = {"posted": "state=succeeded", "failed": "state=failed", "waiting": "state=pending"}


def _tile_link(key: str, scope: str) -> str | None:
    query = "&".join(filter(None, [TILE_STATES.get(key, ""), scope]))
    return guarded_reverse("admin:sync_orderjob_changelist", query=query)


def _figures(jobs, now, scope: str = "") -> dict:
    last = dashboard.last_document_posted_at(jobs)
    chart = dashboard.orders_per_day(jobs, now)
    return {
        "tiles": [(tile, _tile_link(tile.key, scope)) for tile in dashboard.tiles(jobs, now)],
        "last_posted_at": last,
        "last_posted_ago": _ago(last, now) if last else None,
        "attention": dashboard.need_attention(jobs),
        "chart_total": chart.pop("total"),
        "chart_data": json.dumps(chart),
        "chart_options": json.dumps(CHART_OPTIONS),
    }


def _health(connections, now) -> list[dict]:
    return [
        {
            "connection": connection,
            "lights": dashboard_health.lights(connection, now),
            "url": reverse("admin:dashboard_connection", kwargs={"connection_id": connection.pk}),
        }
        for connection in dashboard_health.connections_with_health(connections, now)
    ]


def _chosen_tenants(request) -> tuple[list[Tenant], Tenant | None, list[int]]:
    """The tenants for the picker, the one picked (None: all of them) and the ids in scope."""
    user = request.user
    tenants = Tenant.objects.order_by("name")
    if not user.is_superuser:
        tenants = tenants.filter(pk__in=tenant_ids_for(user))
    tenants = list(tenants)
    wanted = request.GET.get("tenant")
    if not wanted:
        return tenants, None, [t.pk for t in tenants]
    chosen = next((t for t in tenants if str(t.pk) == wanted), None)
    if chosen is None:
        raise Http404("No such tenant.")
    return tenants, chosen, [chosen.pk]


def dashboard_callback(request, context: dict) -> dict:
    """UNFOLD["DASHBOARD_CALLBACK"]: the home page's figures for the tenants in scope."""
    now = timezone.now()
    tenants, chosen, ids = _chosen_tenants(request)
    jobs = dashboard.order_jobs(tenant_id__in=ids)
    connections = connections_visible_to(request.user).filter(tenant_id__in=ids)
    context.update(
        {
            "title": chosen.name if chosen else "Your orders at a glance",
            "tenants": tenants,
            "chosen_tenant": chosen,
            "has_tenants": bool(tenants),
            "review_url": review_url(),
            "orders_url": guarded_reverse("admin:sync_orderjob_changelist"),
            "connections": _health(connections, now),
            **_figures(jobs, now),
        }
    )
    return context


def connection_dashboard_view(request, connection_id):
    """The dashboard of one connection (admin:dashboard_connection)."""
    connection = connections_visible_to(request.user).filter(pk=connection_id).first()
    if connection is None:
        raise Http404("No such connection.")
    now = timezone.now()
    jobs = dashboard.order_jobs(connection=connection)
    context = {
        **admin.site.each_context(request),
        "title": connection.name,
        "connection": connection,
        "review_url": review_url(connection),
        "orders_url": guarded_reverse(
            "admin:sync_orderjob_changelist", query=f"connection={connection.pk}"
        ),
        "connections": _health(connections_visible_to(request.user).filter(pk=connection.pk), now),
        "change_url": reverse("admin:tenants_connection_change", args=[connection.pk]),
        **_figures(jobs, now, scope=f"connection={connection.pk}"),
    }
    return TemplateResponse(request, "admin/dashboard/connection.html", context)
