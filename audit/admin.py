"""The API call log: every outside call, filterable, searchable, exportable, tenant-scoped."""

import csv
import json
from datetime import timedelta

from django.contrib import admin
from django.http import StreamingHttpResponse
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html
from unfold.contrib.filters.admin import RangeDateTimeFilter

from audit.models import ApiCall
from tenants.admin import ReadOnlyRecordAdminMixin, ScopedModelAdmin

SLOW_MS = 2000


class StatusClassFilter(admin.SimpleListFilter):
    title = "result"
    parameter_name = "result"

    def lookups(self, request, model_admin):
        return [
            ("2xx", "Succeeded (2xx/3xx)"),
            ("4xx", "Refused (4xx)"),
            ("5xx", "Server error (5xx)"),
            ("network", "No answer (timeout, connection)"),
        ]

    def queryset(self, request, queryset):
        ranges = {"2xx": (200, 399), "4xx": (400, 499), "5xx": (500, 599)}
        if self.value() in ranges:
            low, high = ranges[self.value()]
            return queryset.filter(status_code__gte=low, status_code__lte=high)
        if self.value() == "network":
            return queryset.filter(status_code__isnull=True)
        return queryset


class SlowFilter(admin.SimpleListFilter):
    title = "speed"
    parameter_name = "slow"

    def lookups(self, request, model_admin):
        return [("yes", f"Slow (≥ {SLOW_MS / 1000:.0f} s)")]

    def queryset(self, request, queryset):
        return queryset.filter(duration_ms__gte=SLOW_MS) if self.value() == "yes" else queryset


class OperationFilter(admin.SimpleListFilter):
    """Operations that occur in the rows this user may see (never another tenant's)."""

    title = "operation"
    parameter_name = "operation"

    def lookups(self, request, model_admin):
        operations = (
            model_admin.get_queryset(request)
            .filter(created_at__gte=timezone.now() - timedelta(days=30))
            .order_by()
            .values_list("operation", flat=True)
            .distinct()
        )
        return [(op, op) for op in sorted(operations)[:100]]

    def queryset(self, request, queryset):
        return queryset.filter(operation=self.value()) if self.value() else queryset


def _pretty(text: str) -> str:
    return format_html('<pre class="audit-body whitespace-pre-wrap text-xs">{}</pre>', text or "—")


@admin.register(ApiCall)
class ApiCallAdmin(ReadOnlyRecordAdminMixin, ScopedModelAdmin):
    list_display = [
        "created_at",
        "system",
        "operation",
        "method",
        "status",
        "duration_ms",
        "attempt",
        "connection",
        "short_url",
    ]
    list_filter = [
        StatusClassFilter,
        "system",
        OperationFilter,
        SlowFilter,
        ("created_at", RangeDateTimeFilter),
        ("connection", admin.RelatedOnlyFieldListFilter),
        ("tenant", admin.RelatedOnlyFieldListFilter),
    ]
    list_filter_submit = True

    def lookup_allowed(self, lookup, value, request=None):
        # "API calls made by this job" links here filtered by job (scoped like every row).
        return lookup == "sync_job__id__exact" or super().lookup_allowed(lookup, value, request)

    search_fields = ["url", "correlation_id", "=id"]
    date_hierarchy = None
    list_select_related = ["connection", "tenant"]
    change_list_template = "admin/audit/apicall/change_list.html"
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("system", "operation"),
                    ("method", "status_code", "duration_ms", "attempt"),
                    "url",
                    ("tenant", "connection", "correlation_id"),
                    ("error_class", "error_message"),
                    "created_at",
                ]
            },
        ),
        ("Request", {"fields": ["request_headers_pretty", "request_body_pretty"]}),
        ("Response", {"fields": ["response_headers_pretty", "response_body_pretty"]}),
    ]
    readonly_fields = [
        "system",
        "operation",
        "method",
        "status_code",
        "duration_ms",
        "attempt",
        "url",
        "tenant",
        "connection",
        "correlation_id",
        "error_class",
        "error_message",
        "created_at",
        "request_headers_pretty",
        "request_body_pretty",
        "response_headers_pretty",
        "response_body_pretty",
    ]

    @admin.display(description="Status", ordering="status_code")
    def status(self, obj):
        if obj.status_code is None:
            return format_html('<span class="text-red-600">{}</span>', obj.error_class or "—")
        colour = "text-green-600" if obj.status_code < 400 else "text-red-600"
        return format_html('<span class="{}">{}</span>', colour, obj.status_code)

    @admin.display(description="URL")
    def short_url(self, obj):
        return obj.url if len(obj.url) <= 80 else obj.url[:77] + "…"

    @admin.display(description="Headers")
    def request_headers_pretty(self, obj):
        return _pretty(json.dumps(obj.request_headers, indent=2))

    @admin.display(description="Body")
    def request_body_pretty(self, obj):
        return _pretty(obj.request_body)

    @admin.display(description="Headers")
    def response_headers_pretty(self, obj):
        return _pretty(json.dumps(obj.response_headers, indent=2))

    @admin.display(description="Body")
    def response_body_pretty(self, obj):
        return _pretty(obj.response_body)

    # --- CSV export of the filtered list ----------------------------------------------------
    def get_urls(self):
        export = path(
            "export.csv",
            self.admin_site.admin_view(self.export_csv_view),
            name="audit_apicall_export",
        )
        return [export, *super().get_urls()]

    CSV_COLUMNS = [
        "id", "created_at", "tenant_id", "connection_id", "system", "operation", "method",
        "url", "status_code", "duration_ms", "attempt", "error_class", "correlation_id",
    ]  # fmt: skip

    def export_csv_view(self, request):
        if not self.has_view_permission(request):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        # The same filters, search and tenant scope as the list the user is looking at.
        changelist = self.get_changelist_instance(request)
        rows = changelist.get_queryset(request).values_list(*self.CSV_COLUMNS).iterator(2000)

        class Echo:
            def write(self, value):
                return value

        writer = csv.writer(Echo())
        stream = (writer.writerow(row) for row in _with_header(self.CSV_COLUMNS, rows))
        response = StreamingHttpResponse(stream, content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="api-calls.csv"'
        return response


def _with_header(header, rows):
    yield header
    yield from rows
