"""The admin's URLs as this project mounts them."""

from django.contrib import admin
from django.urls import path

from sync.failures_admin import failures_urls


def admin_urls():
    """Django's admin URLs without its "view on site" redirect, /admin/r/<content type>/<id>/.

    That view looks up a row of any model by id outside every tenant's scope: another tenant's
    row answered differently from a missing one, and a malformed id was a 500 whose debug page
    showed other tenants' data. No model here has a page outside the admin, so nothing links to
    it; such paths now get the admin's ordinary 404, like any other unknown admin address.
    """
    patterns = [p for p in admin.site.get_urls() if getattr(p, "name", None) != "view_on_site"]
    patterns.insert(0, dashboard_url())
    patterns[:0] = failures_urls()  # before the admin's catch-all 404
    return patterns, "admin", admin.site.name


def dashboard_url():
    """One connection's dashboard (the home page is the tenant's: UNFOLD["DASHBOARD_CALLBACK"])."""
    from sync.dashboard_views import connection_dashboard_view

    return path(
        "dashboard/connection/<uuid:connection_id>/",
        admin.site.admin_view(connection_dashboard_view),
        name="dashboard_connection",
    )
