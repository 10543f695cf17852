"""The guided set-up page of a connection (/admin/tenants/connection/<pk>/setup/): the step list,
and the page's three buttons (check sign-in and mappings, dry-run, activate with a backfill).
Anyone who may see the connection sees the steps; the buttons are for its tenant's write role."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from connectors.errors import ConnectorError
from connectors.registry import ERP_KINDS
from connectors.setup_page import render_setup_page
from sync.selectors import bulk_runs_started, orders_backfill
from tenants import services
from tenants.setup_checks import remembered, setup_check
from tenants.setup_dry_run import dry_run
from tenants.setup_steps import setup_steps

DEFAULT_BACKFILL_DAYS = 30
MAX_BACKFILL_DAYS = 365


def _back(connection) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("admin:tenants_connection_setup", args=[connection.pk]))


def _check(request, connection):
    result = setup_check(connection)
    store = remembered(connection, "store")
    if not store["ok"]:
        messages.error(request, " ".join(p for p in (store["message"], store["hint"]) if p))
    text = " ".join(part for part in (result["message"], result["hint"]) if part)
    messages.add_message(request, messages.SUCCESS if result["ok"] else messages.ERROR, text)
    return _back(connection)


def _activate(request, connection):
    today = timezone.localdate()
    try:
        since = date.fromisoformat(request.POST.get("backfill_since") or today.isoformat())
    except ValueError:
        messages.error(request, "Give the date to send orders from as a date, like 2026-11-01.")
        return _back(connection)
    days = (today - since).days
    if not 0 <= days <= MAX_BACKFILL_DAYS:
        messages.error(
            request,
            f"Choose a date between {today.replace(year=today.year - 1):%d %b %Y} and today: "
            "orders are sent from that day on.",
        )
        return _back(connection)
    started = timezone.now()
    try:
        connection = services.connection_activate(
            connection=connection, backfill_days=days, user=request.user
        )
    except services.ActivationRefused as refused:
        messages.error(request, refused.message)
        return _back(connection)
    messages.success(request, f"{connection.name} is active: new orders will now be sent.")
    if error := (connection.webhook_health or {}).get("error"):
        messages.error(
            request,
            f"Webhooks could not be registered: {error} Orders still arrive through the "
            "catch-up poll; fix the store settings and activate again.",
        )
    if backfill := orders_backfill(bulk_runs_started(connection=connection, since=started)):
        url = reverse("admin:sync_bulkrun_change", args=[backfill.pk])
        messages.info(
            request,
            format_html(
                'Orders placed since {} are being sent: <a href="{}">follow the progress</a>.',
                f"{since:%d %b %Y}",
                url,
            ),
        )
    return _back(connection)


def setup_view(model_admin, request, pk):
    connection = model_admin._connection_for(request, pk, write=False)
    can_write = model_admin.has_change_permission(request, connection)
    dry_run_orders, dry_run_error = None, ""
    if request.method == "POST":
        if not can_write:
            raise PermissionDenied("Only a member who may change the connection may do this.")
        action = request.POST.get("action")
        if action == "check":
            return _check(request, connection)
        if action == "activate":
            return _activate(request, connection)
        if action == "dry_run":
            try:
                dry_run_orders = dry_run(connection)
            except ConnectorError as exc:
                dry_run_error = f"The store's orders could not be read: {exc.message}"
    from tenants.admin import erp_links

    spec = ERP_KINDS[connection.erp_kind]
    today = timezone.localdate()
    context = {
        "title": f"Set up {connection.name}",
        "connection": connection,
        "erp_label": spec.label,
        "available": spec.available,
        "unavailable_message": spec.unavailable_message,
        "steps": setup_steps(connection, erp_links(connection) if can_write else []),
        "can_write": can_write,
        "dry_run_orders": dry_run_orders,
        "dry_run_error": dry_run_error,
        "backfill_since": today.fromordinal(today.toordinal() - DEFAULT_BACKFILL_DAYS),
        "backfill_min": today.fromordinal(today.toordinal() - MAX_BACKFILL_DAYS),
        "today": today,
    }
    return render_setup_page(request, "connectors/setup.html", context)
