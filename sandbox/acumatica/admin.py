"""The sandbox Acumatica in the admin: instances with their licences, tenants with their fault
switches, apps, users, records, calls and push notifications. Superusers only — the sandbox is
platform machinery, not a tenant's."""

from django.contrib import admin, messages
from unfold.admin import ModelAdmin

from sandbox.acumatica.models import (
    AcuApp,
    AcuCall,
    AcuInstance,
    AcuPushDelivery,
    AcuPushNotification,
    AcuRecord,
    AcuTenant,
    AcuUser,
)
from sandbox.acumatica.services import faults_set
from sandbox.bigcommerce.admin import SuperuserOnly

NO_FAULTS = {
    "fault_error_rate": 0.0,
    "fault_latency_ms": 0,
    "fault_rate_limited": 0,
    "fault_expired_token": 0,
    "fault_create_then_error": 0,
    "fault_create_then_hang": 0,
}


@admin.register(AcuInstance)
class AcuInstanceAdmin(SuperuserOnly, ModelAdmin):
    list_display = ["slug", "versions", "api_users", "requests_per_minute", "concurrent"]


@admin.register(AcuTenant)
class AcuTenantAdmin(SuperuserOnly, ModelAdmin):
    list_display = ["name", "instance", "fault_error_rate", "fault_latency_ms",
                    "fault_rate_limited", "fault_expired_token"]  # fmt: skip
    actions = ["clear_faults"]

    @admin.action(description="Switch every fault off")
    def clear_faults(self, request, queryset):
        for tenant in queryset:
            faults_set(tenant, **NO_FAULTS)
        messages.success(request, f"Faults off for {queryset.count()} tenant(s).")


@admin.register(AcuApp)
class AcuAppAdmin(SuperuserOnly, ModelAdmin):
    list_display = ["client_id", "tenant", "redirect_uri", "refresh_days"]
    exclude = ["client_secret"]


@admin.register(AcuUser)
class AcuUserAdmin(SuperuserOnly, ModelAdmin):
    list_display = ["username", "tenant", "branch"]
    exclude = ["password"]


@admin.register(AcuRecord)
class AcuRecordAdmin(SuperuserOnly, ModelAdmin):
    list_display = ["entity", "keys", "tenant", "modified"]
    list_filter = ["entity"]
    search_fields = ["keys"]


@admin.register(AcuCall)
class AcuCallAdmin(SuperuserOnly, ModelAdmin):
    list_display = ["created_at", "instance", "method", "path", "status_code", "delay_ms"]
    list_filter = ["status_code"]


@admin.register(AcuPushNotification)
class AcuPushNotificationAdmin(SuperuserOnly, ModelAdmin):
    list_display = ["query_name", "tenant", "address", "active", "drop_rate"]
    exclude = ["header_value"]


@admin.register(AcuPushDelivery)
class AcuPushDeliveryAdmin(SuperuserOnly, ModelAdmin):
    list_display = ["created_at", "notification", "message_id", "attempts", "status_code",
                    "delivered", "dropped"]  # fmt: skip
