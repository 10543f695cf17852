"""The sandbox Business Central in the admin: Entra tenants and apps (with BC access and Entra's
fault switches), environments with their limits and fault switches, companies, records,
changes, subscriptions with their delivery attempts, and calls. Superusers only — the sandbox
is platform machinery, not a tenant's."""

from django.contrib import admin, messages
from unfold.admin import ModelAdmin

from sandbox.bigcommerce.admin import SuperuserOnly
from sandbox.business_central.models import (
    BcApp,
    BcCall,
    BcChange,
    BcCompany,
    BcEnvironment,
    BcNotificationAttempt,
    BcRecord,
    BcSubscription,
    BcTenant,
)
from sandbox.business_central.services import faults_set

NO_FAULTS = {
    "fault_error_rate": 0.0,
    "fault_latency_ms": 0,
    "fault_rate_limited": 0,
    "fault_unavailable": 0,
    "fault_create_then_error": 0,
    "fault_create_then_hang": 0,
}


@admin.register(BcTenant)
class BcTenantAdmin(SuperuserOnly, ModelAdmin):
    list_display = ["name", "entra_id"]


@admin.register(BcApp)
class BcAppAdmin(SuperuserOnly, ModelAdmin):
    list_display = ["client_id", "tenant", "bc_access", "fault_entra_unavailable",
                    "fault_entra_latency_ms"]  # fmt: skip
    exclude = ["client_secret", "redirect_uri"]


@admin.register(BcEnvironment)
class BcEnvironmentAdmin(SuperuserOnly, ModelAdmin):
    list_display = ["name", "tenant", "requests_per_window", "window_seconds", "concurrent",
                    "queue", "fault_error_rate", "fault_latency_ms", "fault_rate_limited",
                    "fault_unavailable"]  # fmt: skip
    actions = ["clear_faults"]

    @admin.action(description="Switch every fault off")
    def clear_faults(self, request, queryset):
        for environment in queryset:
            faults_set(environment, **NO_FAULTS)
        messages.success(request, f"Faults off for {queryset.count()} environment(s).")


@admin.register(BcCompany)
class BcCompanyAdmin(SuperuserOnly, ModelAdmin):
    list_display = ["name", "display_name", "environment", "id"]


@admin.register(BcRecord)
class BcRecordAdmin(SuperuserOnly, ModelAdmin):
    list_display = ["entity_set", "number", "record_id", "company", "version", "last_modified"]
    list_filter = ["entity_set"]
    search_fields = ["number", "record_id"]


@admin.register(BcChange)
class BcChangeAdmin(SuperuserOnly, ModelAdmin):
    list_display = ["at", "entity_set", "record_id", "change_type", "company"]
    list_filter = ["entity_set", "change_type"]


@admin.register(BcSubscription)
class BcSubscriptionAdmin(SuperuserOnly, ModelAdmin):
    list_display = ["subscription_id", "resource", "notification_url", "expiration",
                    "failed_attempts", "next_attempt_at"]  # fmt: skip
    exclude = ["client_state"]


@admin.register(BcNotificationAttempt)
class BcNotificationAttemptAdmin(SuperuserOnly, ModelAdmin):
    list_display = ["at", "subscription_ref", "url", "status", "error"]


@admin.register(BcCall)
class BcCallAdmin(SuperuserOnly, ModelAdmin):
    list_display = ["created_at", "environment", "method", "path", "state", "status_code"]
    list_filter = ["status_code", "state"]
