"""The catalog push in the admin: its settings per connection, "Push catalog now" with a preview,
and each run's page (what it would change or changed, its problems, its progress, its batches)."""

from django.contrib import admin, messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from catalog.admin_forms import CatalogSettingsForm
from catalog.models import CatalogPush, CatalogSettings, PushState, Trigger
from catalog.page import push_page
from catalog.services import (
    PushNotWaiting,
    push_cancel,
    push_confirm,
    push_start,
    settings_for,
    settings_saved,
)
from tenants.admin import ReadOnlyRecordAdminMixin, ScopedModelAdmin
from tenants.models import Connection
from tenants.selectors import tenant_ids_for


@admin.register(CatalogSettings)
class CatalogSettingsAdmin(ScopedModelAdmin):
    tenant_path = "connection__tenant"
    form = CatalogSettingsForm
    list_display = ["connection", "enabled", "interval_minutes", "updated_at"]
    readonly_fields = ["connection", "store_read_at"]
    fieldsets = [
        (None, {"fields": ["connection", "enabled", "interval_minutes"]}),
        (
            "What is pushed",
            {"fields": ["push_price", "push_sale_price", "push_cost", "push_stock"]},
        ),
        ("Stock", {"fields": ["location_lines", "stock_buffer"]}),
        ("Safety guard", {"fields": ["guard_share", "guard_change"]}),
        ("Store catalog", {"fields": ["store_read_at"]}),
    ]

    def has_add_permission(self, request, *args):
        return False  # one per connection, made from the connection's page

    def save_model(self, request, obj, form, change):
        was_enabled = CatalogSettings.objects.filter(pk=obj.pk, enabled=True).exists()
        super().save_model(request, obj, form, change)
        settings_saved(obj, was_enabled=was_enabled)  # the catalog's webhooks follow the switch

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path(
                "for/<uuid:connection_pk>/",
                self.admin_site.admin_view(self.for_connection_view),
                name="catalog_catalogsettings_for",
            ),
            *super().get_urls(),
        ]

    def for_connection_view(self, request, connection_pk):
        """The connection's settings page, made on the first visit of a person who may write."""
        connection = _writable_connection(request, connection_pk)
        settings = settings_for(connection)
        return HttpResponseRedirect(
            reverse("admin:catalog_catalogsettings_change", args=[settings.pk])
        )


@admin.register(CatalogPush)
class CatalogPushAdmin(ReadOnlyRecordAdminMixin, ScopedModelAdmin):
    list_display = ["__str__", "connection", "trigger", "state", "progress_text", "created_at"]
    list_filter = ["state", "trigger", ("connection", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["connection"]
    change_form_template = "admin/catalog/catalogpush/change_form.html"
    fields = ["connection", "trigger", "started_by", "created_at", "finished_at"]
    readonly_fields = fields

    @admin.display(description="Progress")
    def progress_text(self, obj):
        if not obj.batches_total:
            return "—"
        return f"{obj.batches_done + obj.batches_failed} of {obj.batches_total} batches"

    def get_urls(self):
        def post(fn):
            return self.admin_site.admin_view(require_POST(fn))

        return [
            path(
                "start/<uuid:connection_pk>/",
                post(self.start_view),
                name="catalog_catalogpush_start",
            ),
            path("<int:pk>/confirm/", post(self.confirm_view), name="catalog_catalogpush_confirm"),
            path("<int:pk>/cancel/", post(self.cancel_view), name="catalog_catalogpush_cancel"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        push = get_object_or_404(self.get_queryset(request), pk=object_id)
        context = {
            **(extra_context or {}),
            "push_page": push_page(push),
            "may_decide": self._has_write(request, push),
            "title": str(push),
        }
        return super().change_view(request, object_id, form_url, context)

    def start_view(self, request, connection_pk):
        connection = _writable_connection(request, connection_pk)
        push = push_start(connection, trigger=Trigger.MANUAL, dry_run=True, user=request.user)
        if push.state != PushState.PLANNING or not push.dry_run:
            messages.info(request, "A push of this catalog is already under way: here it is.")
        return self._page(push)

    def confirm_view(self, request, pk):
        return self._decide(request, pk, push_confirm, "Writing the changes to the store.")

    def cancel_view(self, request, pk):
        return self._decide(request, pk, push_cancel, "Cancelled: nothing was written.")

    def _decide(self, request, pk, decision, done_message):
        push = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self._has_write(request, push):
            raise Http404
        try:
            push = decision(push, request.user)
        except PushNotWaiting as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, done_message)
        return self._page(push)

    def _page(self, push):
        return HttpResponseRedirect(reverse("admin:catalog_catalogpush_change", args=[push.pk]))


def _writable_connection(request, connection_pk) -> Connection:
    """The connection, when the user holds a write role in its tenant (404 otherwise: another
    tenant's connection and a missing one look the same)."""
    connection = get_object_or_404(Connection, pk=connection_pk)
    if not (
        request.user.is_superuser
        or connection.tenant_id in tenant_ids_for(request.user, ScopedModelAdmin.write_roles)
    ):
        raise Http404
    return connection
