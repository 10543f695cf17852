"""A person drives the sandbox store from the admin: 'Place a test order'. Superusers only —
the sandbox is platform machinery, not a tenant's data."""

from django.contrib import admin, messages
from unfold.admin import ModelAdmin

from sandbox.bigcommerce.models import BcDelivery, BcHook, BcOrder, BcStore
from sandbox.bigcommerce.services import place_test_order


class SuperuserOnly:
    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request, *args):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(BcStore)
class BcStoreAdmin(SuperuserOnly, ModelAdmin):
    list_display = [
        "store_hash",
        "name",
        "quota",
        "fault_error_rate",
        "fault_latency_ms",
        "fault_429_storm",
    ]
    actions = ["place_order", "place_order_new_shopper"]
    exclude = ["access_token", "client_secret"]

    @admin.action(description="Place a test order (returning shopper)")
    def place_order(self, request, queryset):
        for store in queryset:
            order = place_test_order(store)
            messages.success(
                request, f"{store}: order {order.pk} placed; its webhook is on the way."
            )

    @admin.action(description="Place a test order (new shopper)")
    def place_order_new_shopper(self, request, queryset):
        for store in queryset:
            order = place_test_order(store, customer="new")
            messages.success(request, f"{store}: order {order.pk} placed by a new shopper.")


@admin.register(BcOrder)
class BcOrderAdmin(SuperuserOnly, ModelAdmin):
    list_display = ["id", "store", "status_id", "customer", "date_modified"]


@admin.register(BcHook)
class BcHookAdmin(SuperuserOnly, ModelAdmin):
    list_display = ["id", "store", "scope", "destination", "is_active"]


@admin.register(BcDelivery)
class BcDeliveryAdmin(SuperuserOnly, ModelAdmin):
    list_display = ["message_id", "hook", "state", "created_at"]
