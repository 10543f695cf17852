"""The sandbox SYSPRO in the admin: companies with their seats, idle timeout and fault switches,
operators, sessions, customers, stock, sales orders, invoices and calls. Superusers only — the
sandbox is platform machinery, not a tenant's. Passwords are not shown."""

from django.contrib import admin, messages
from unfold.admin import ModelAdmin

from sandbox.bigcommerce.admin import SuperuserOnly
from sandbox.syspro.models import (
    SysproCall,
    SysproCompany,
    SysproCustomer,
    SysproInvoice,
    SysproOperator,
    SysproSalesOrder,
    SysproSession,
    SysproStock,
)
from sandbox.syspro.services import faults_set

NO_FAULTS = {"fault_error_rate": 0.0, "fault_latency_ms": 0, "fault_create_then_error": 0,
             "fault_create_then_hang": 0, "fault_session_kill": 0, "fault_logon_error": ""}  # fmt: skip


@admin.register(SysproCompany)
class SysproCompanyAdmin(SuperuserOnly, ModelAdmin):
    list_display = ["company_id", "name", "seats", "idle_timeout_seconds", "fault_error_rate",
                    "fault_latency_ms", "fault_session_kill", "fault_logon_error"]  # fmt: skip
    exclude = ["company_password"]
    actions = ["clear_faults"]

    @admin.action(description="Switch every fault off")
    def clear_faults(self, request, queryset):
        for company in queryset:
            faults_set(company, **NO_FAULTS)
        messages.success(request, f"Faults off for {queryset.count()} company(ies).")


@admin.register(SysproOperator)
class SysproOperatorAdmin(SuperuserOnly, ModelAdmin):
    list_display = ["code", "company", "email"]
    exclude = ["password"]


@admin.register(SysproSession)
class SysproSessionAdmin(SuperuserOnly, ModelAdmin):
    list_display = ["operator", "company", "created_at", "last_used", "ended_at", "ended_why"]
    exclude = ["session_id"]


@admin.register(SysproCustomer)
class SysproCustomerAdmin(SuperuserOnly, ModelAdmin):
    list_display = ["code", "company", "updated_at"]
    search_fields = ["code"]


@admin.register(SysproStock)
class SysproStockAdmin(SuperuserOnly, ModelAdmin):
    list_display = ["stock_code", "description", "company"]
    search_fields = ["stock_code", "description"]


@admin.register(SysproSalesOrder)
class SysproSalesOrderAdmin(SuperuserOnly, ModelAdmin):
    list_display = ["sales_order", "customer", "customer_po_number", "order_status",
                    "last_invoice", "company", "created_at"]  # fmt: skip
    list_filter = ["order_status"]
    search_fields = ["sales_order", "customer_po_number"]


@admin.register(SysproInvoice)
class SysproInvoiceAdmin(SuperuserOnly, ModelAdmin):
    list_display = ["invoice", "business_object", "sales_order", "customer", "company"]


@admin.register(SysproCall)
class SysproCallAdmin(SuperuserOnly, ModelAdmin):
    list_display = ["at", "company", "method", "business_object", "operator", "outcome",
                    "status_code"]  # fmt: skip
    list_filter = ["outcome", "business_object"]
    exclude = ["session_id"]
