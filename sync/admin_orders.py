"""The Orders view: order jobs as the finance team reads them (number, date, customer, total,
state in plain words, the ERP document), and each order's page as a timeline beside the store's
and the document's lines. Read-only; the one write is Replay, for a write role in the order's
tenant (the same view as the Jobs page's)."""

import uuid

from django.contrib import admin
from django.core.validators import EMPTY_VALUES
from django.db.models import Exists, OuterRef, Q
from django.urls import path, reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST
from unfold.contrib.filters.admin import RangeDateFilter
from unfold.utils import parse_date_str

from connectors.registry import ERP_KINDS
from sync.admin import SyncJobAdmin
from sync.document_links import document_link
from sync.models import JobState, OrderJob, SyncAttempt
from sync.order_view import attempt_rows, comparison, state_of, timeline
from tenants.admin import ReadOnlyRecordAdminMixin, ScopedModelAdmin
from tenants.models import Connection
from tenants.selectors import tenant_ids_for

STATE_CHOICES = [
    (JobState.FAILED, "Failed — needs attention"),
    (JobState.SUCCEEDED, "In the ledger"),
    (JobState.PENDING, "Waiting"),
    (JobState.RUNNING, "Working on it"),
    (JobState.SKIPPED, "Skipped"),
]


class OrderStateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"  # ?state=failed: the dashboard's "need attention" link

    def lookups(self, request, model_admin):
        return STATE_CHOICES

    def queryset(self, request, queryset):
        return queryset.filter(state=self.value()) if self.value() else queryset


class ConnectionFilter(admin.SimpleListFilter):
    title = "connection"
    parameter_name = "connection"  # ?connection=<id>: a connection's dashboard links here

    def lookups(self, request, model_admin):
        connections = Connection.objects.order_by("name")
        if not request.user.is_superuser:
            connections = connections.filter(tenant__in=tenant_ids_for(request.user))
        return [(str(c.pk), c.name) for c in connections]

    def queryset(self, request, queryset):
        # Connection ids are UUIDs; a malformed one filters nothing rather than failing the page.
        try:
            connection_id = uuid.UUID(self.value() or "")
        except ValueError:
            return queryset
        return queryset.filter(connection_id=connection_id)


class PlacedFilter(RangeDateFilter):
    """Placed between two days, both included: `placed_at` is a time, so the range compares its
    date (a plain range would stop at midnight starting the last day and leave that day out)."""

    def queryset(self, request, queryset):
        bounds = {"gte": f"{self.parameter_name}_from", "lte": f"{self.parameter_name}_to"}
        for lookup, key in bounds.items():
            value = self.used_parameters.get(key)
            if value not in EMPTY_VALUES and isinstance(value, str):
                queryset = queryset.filter(**{f"placed_at__date__{lookup}": parse_date_str(value)})
        return queryset


@admin.register(OrderJob)
class OrderJobAdmin(ReadOnlyRecordAdminMixin, ScopedModelAdmin):
    list_display = ["order_number", "placed", "customer", "total", "state_words", "document"]
    list_display_links = ["order_number"]
    list_filter = [OrderStateFilter, ConnectionFilter, ("placed_at", PlacedFilter)]
    list_filter_submit = True
    list_select_related = ["connection"]
    search_help_text = "Order number, customer e-mail, SKU or error text"
    search_fields = ["source_id"]  # the rest in get_search_results (one query, no duplicates)
    ordering = ["-updated_at", "-id"]  # most recent activity first: retries and replays move it
    change_form_template = "admin/sync/orderjob/change_form.html"
    actions = None

    # --- the list ----------------------------------------------------------------------------
    @admin.display(description="Order", ordering="source_id")
    def order_number(self, obj):
        return f"#{obj.source_id}"

    @admin.display(description="Placed", ordering="placed_at")
    def placed(self, obj):
        return obj.placed_at

    @admin.display(description="Customer", ordering="customer_name")
    def customer(self, obj):
        if not obj.customer_email:
            return obj.customer_name or "—"
        return format_html(
            '{}<span class="order-email"> {}</span>', obj.customer_name, obj.customer_email
        )

    @admin.display(description="Total", ordering="order_total")
    def total(self, obj):
        return "—" if obj.order_total is None else f"{obj.order_total:,.2f} {obj.currency}"

    @admin.display(description="State", ordering="state")
    def state_words(self, obj):
        state = state_of(obj)
        return format_html('<span class="job-state status-{}">{}</span>', state.colour, state.words)

    @admin.display(description="ERP document")
    def document(self, obj):
        number = obj.erp_document_number or obj.erp_document_id
        if not number:
            return "—"
        url = document_link(obj)
        if url is None:
            return number
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', url, number)

    def get_search_results(self, request, queryset, search_term):
        """By order number ("#1042" or "1042"), customer e-mail, SKU, or the text of the job's
        error or of any attempt's error (the reasons a replay left in the history)."""
        term = search_term.strip().lstrip("#").strip()
        if not term:
            return queryset, False
        attempt_error = SyncAttempt.objects.filter(job=OuterRef("pk"), error__icontains=term)
        found = queryset.filter(
            Q(source_id=term)
            | Q(customer_email__icontains=term)
            | Q(skus__icontains=term)
            | Q(last_error__icontains=term)
            | Exists(attempt_error)
        )
        return found, False

    # --- the order's page ----------------------------------------------------------------------
    def get_fieldsets(self, request, obj=None):
        return []  # the page is the timeline (the template), not a form

    def has_replay_permission(self, request, obj=None):
        return self._has_write(request, obj)

    replay_view = SyncJobAdmin.replay_view

    def get_urls(self):
        replay = path(
            "<int:pk>/replay/",
            self.admin_site.admin_view(require_POST(self.replay_view)),
            name="sync_orderjob_replay",
        )
        return [replay, *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        job = self.get_object(request, object_id)
        context = dict(extra_context or {})
        if job is not None and self.has_view_permission(request, job):
            context.update(self._order_context(request, job))
        return super().change_view(request, object_id, form_url, context)

    def _order_context(self, request, job) -> dict:
        erp = (
            ERP_KINDS[job.connection.erp_kind].label
            if job.connection.erp_kind in ERP_KINDS
            else "the ERP"
        )
        calls = job.api_calls.count()
        return {
            "title": f"Order #{job.source_id}",
            "order": job,
            "order_state": state_of(job),
            "erp_label": erp,
            "steps": timeline(job, erp),
            "compare": comparison(job),
            "document_url": document_link(job),
            "attempts": attempt_rows(job),
            "calls_count": calls,
            "calls_url": reverse("admin:audit_apicall_changelist")
            + f"?sync_job__id__exact={job.pk}",
            "can_replay": job.state in ("failed", "skipped", "succeeded")
            and self.has_replay_permission(request, job),
        }
