from django.contrib import admin, messages

from tenants.admin import RecordAdminMixin, ScopedModelAdmin
from webhooks.models import InboundEvent
from webhooks.services import event_redispatch


@admin.register(InboundEvent)
class InboundEventAdmin(RecordAdminMixin, ScopedModelAdmin):
    list_display = ["received_at", "scope", "resource_type", "resource_id", "state", "connection"]
    list_filter = ["state", "scope", ("connection", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["resource_id", "dedupe_key"]
    list_select_related = ["connection"]
    actions = ["redispatch"]
    fields = [
        ("scope", "state"), "connection", ("resource_type", "resource_id"), "payload", "headers",
        "last_error", ("received_at", "dispatched_at", "processed_at"), "dedupe_key",
    ]  # fmt: skip
    readonly_fields = [
        "scope", "state", "connection", "resource_type", "resource_id", "payload", "headers",
        "last_error", "received_at", "dispatched_at", "processed_at", "dedupe_key",
    ]  # fmt: skip

    def has_redispatch_permission(self, request, obj=None):
        return self._has_write(request, obj)

    @admin.action(description="Handle the selected events again", permissions=["redispatch"])
    def redispatch(self, request, queryset):
        count = 0
        for event in queryset.select_related("connection"):
            event_redispatch(event=event)
            count += 1
        messages.success(request, f"{count} events handed to the pipeline again.")
