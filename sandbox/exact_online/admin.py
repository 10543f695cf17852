"""The sandbox Exact Online in the admin: apps, divisions with their limits and fault switches,
and what was asked of it. Superusers only — the sandbox is platform machinery, not a tenant's."""

from django.contrib import admin, messages
from unfold.admin import ModelAdmin

from sandbox.bigcommerce.admin import SuperuserOnly
from sandbox.exact_online.models import ExactApiRequest, ExactApp, ExactDivision, ExactRecord
from sandbox.exact_online.services import faults_set

NO_FAULTS = {
    "fault_error_rate": 0.0,
    "fault_latency_ms": 0,
    "fault_unauthorized": 0,
    "fault_server_errors": 0,
    "fault_rate_limited": 0,
}


@admin.register(ExactApp)
class ExactAppAdmin(SuperuserOnly, ModelAdmin):
    list_display = ["client_id", "redirect_uri", "token_calls_per_day"]
    exclude = ["client_secret"]


@admin.register(ExactDivision)
class ExactDivisionAdmin(SuperuserOnly, ModelAdmin):
    list_display = [
        "code",
        "name",
        "minutely_limit",
        "daily_limit",
        "fault_error_rate",
        "fault_latency_ms",
        "fault_rate_limited",
    ]
    actions = ["clear_faults"]

    @admin.action(description="Switch every fault off")
    def clear_faults(self, request, queryset):
        for division in queryset:
            faults_set(division, **NO_FAULTS)
        messages.success(request, f"Faults off for {queryset.count()} division(s).")


@admin.register(ExactRecord)
class ExactRecordAdmin(SuperuserOnly, ModelAdmin):
    list_display = ["guid", "division", "resource", "modified"]
    list_filter = ["resource"]


@admin.register(ExactApiRequest)
class ExactApiRequestAdmin(SuperuserOnly, ModelAdmin):
    list_display = ["created_at", "division", "method", "endpoint", "status_code"]
    list_filter = ["status_code"]
