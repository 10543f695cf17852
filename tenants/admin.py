from functools import partial

from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.module_loading import import_string
from django.views.decorators.http import require_POST
from unfold.admin import ModelAdmin

from connectors.checks import connection_check
from connectors.registry import ERP_KINDS, config_form_for
from sync.selectors import bulk_runs_started, orders_backfill
from tenants import services
from tenants.admin_scoping import TenantScopedAdminMixin
from tenants.forms import ERP_PREFIX, connection_form_for
from tenants.models import Connection, ConnectionStatus, Membership, Role, Tenant
from tenants.setup_view import setup_view

admin.site.site_header = "ml-connector"
admin.site.site_title = "ml-connector"
admin.site.index_title = "Your store and ERP connections"

# Users and groups are platform-level: only superusers manage them.
admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class UserAdmin(BaseUserAdmin, ModelAdmin):
    def has_module_permission(self, request):
        return request.user.is_superuser


@admin.register(Group)
class GroupAdmin(BaseGroupAdmin, ModelAdmin):
    def has_module_permission(self, request):
        return request.user.is_superuser


class ScopedModelAdmin(TenantScopedAdminMixin, ModelAdmin):
    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Another tenant's object and a missing one look the same: 404, no hint it exists.
        raise Http404


class RecordAdminMixin:
    """Records the system writes (calls, jobs, events, runs): nobody adds them by hand, and only
    superusers delete them (retention prunes the rest)."""

    def has_add_permission(self, request, *args):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class ReadOnlyRecordAdminMixin(RecordAdminMixin):
    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Tenant)
class TenantAdmin(ScopedModelAdmin):
    list_display = ["name", "slug", "created_at"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def _tenant_id_of(self, obj):
        return obj.pk

    def has_add_permission(self, request, *args):
        return request.user.is_superuser


@admin.register(Membership)
class MembershipAdmin(ScopedModelAdmin):
    """Who is in a tenant, with which role. People join by accepting an invitation ("Add" opens
    the invitation form), so nobody is put in a tenant without having said yes."""

    write_roles = (Role.OWNER,)  # only owners manage who is in their tenant
    list_display = ["user", "tenant", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__email"]
    fields = ["user", "tenant", "role", "created_at"]
    readonly_fields = ["user", "tenant", "created_at"]

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        return HttpResponseRedirect(reverse("admin:tenants_invitation_add"))


def erp_links(connection) -> list[dict]:
    """The buttons of the connection's ERP (its spec's links) that apply to it so far: a link
    that needs a setting (the company file, the division) shows once the setting is chosen."""
    chosen = connection.erp_settings or {}
    return [
        {
            "label": link.label.format_map(chosen),
            "url": reverse(link.url_name, args=[connection.pk]),
            "css_id": link.css_id,
            "primary": link.primary,
        }
        for link in ERP_KINDS[connection.erp_kind].links
        if link.requires is None or chosen.get(link.requires)
    ]


@admin.register(Connection)
class ConnectionAdmin(ScopedModelAdmin):
    list_display = ["name", "tenant", "erp_kind", "status_badge", "store_hash", "updated_at"]
    list_filter = ["status", "erp_kind", ("tenant", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "store_hash"]
    change_form_template = "admin/tenants/connection/change_form.html"
    readonly_fields = [
        "erp_kind",
        "status_badge",
        "last_error",
        "last_error_at",
        "webhook_url",
        "webhook_health_summary",
        "last_delivery",
        "erp_notifications",
        "next_poll_at",
        "created_at",
        "updated_at",
    ]

    # --- the guided form -------------------------------------------------------------------
    def _kind(self, request, obj=None) -> str | None:
        if obj is not None:
            return obj.erp_kind
        kind = request.POST.get("erp_kind") or request.GET.get("erp_kind")
        return kind if kind in ERP_KINDS else None

    def get_form(self, request, obj=None, change=False, **kwargs):
        kind = self._kind(request, obj)
        kwargs["form"] = connection_form_for(kind)
        form = super().get_form(request, obj, change=change, **kwargs)
        return form

    def get_fieldsets(self, request, obj=None):
        kind = self._kind(request, obj)
        erp_fields = [f"{ERP_PREFIX}{name}" for name in config_form_for(kind).base_fields]
        status = [("status_badge", "last_error_at"), "last_error"] if obj else []
        return [
            (None, {"fields": ["tenant", "name", *status]}),
            (
                "BigCommerce store",
                {
                    "fields": [
                        "store_hash",
                        "bc_client_id",
                        "bc_access_token",
                        "bc_client_secret",
                        "bc_api_url",
                    ],
                    "description": "Create a store-level API account in the BigCommerce control "
                    "panel (Settings → API → Store-level API accounts) with Orders, Customers, "
                    "Products and Information read access, and paste its credentials here.",
                },
            ),
            (
                ERP_KINDS[kind].label,
                {
                    "fields": (["erp_kind"] if obj else [])
                    + erp_fields
                    + (["erp_notifications"] if obj and ERP_KINDS[kind].health else [])
                },
            ),
            (
                "Sync",
                {
                    "fields": [
                        "poll_interval_minutes",
                        "sync_status_ids",
                        *(
                            [
                                "webhook_url",
                                "webhook_health_summary",
                                "last_delivery",
                                "next_poll_at",
                            ]
                            if obj
                            else []
                        ),
                    ]
                },
            ),
        ]

    def add_view(self, request, form_url="", extra_context=None):
        if self._kind(request) is None:
            if not self.has_add_permission(request):
                raise Http404
            choices = [
                {
                    "kind": kind,
                    "label": spec.label,
                    "summary": config_form_for(kind).summary,
                    "available": spec.available,
                }
                for kind, spec in ERP_KINDS.items()
            ]
            context = {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": "Connect a store to an ERP",
                "choices": choices,
            }
            return TemplateResponse(request, "admin/tenants/connection/choose_erp.html", context)
        return super().add_view(request, form_url, extra_context)

    def response_add(self, request, obj, post_url_continue=None):
        """A new connection goes on to its guided set-up (Save), unless another is wanted."""
        if "_addanother" in request.POST or "_continue" in request.POST:
            return super().response_add(request, obj, post_url_continue)
        self.message_user(request, f"{obj.name} is saved. Next: the steps below.", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:tenants_connection_setup", args=[obj.pk]))

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # The kind's spec: an ERP without a connector yet is said so, and offers no Activate.
        context["erp_kind_spec"] = ERP_KINDS.get(self._kind(request, obj))
        if change and obj is not None and self.has_change_permission(request, obj):
            context["erp_links"] = erp_links(obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    # --- display ---------------------------------------------------------------------------
    @admin.display(description="Status", ordering="status")
    def status_badge(self, obj):
        colours = {
            ConnectionStatus.ACTIVE: "green",
            ConnectionStatus.PAUSED: "orange",
            ConnectionStatus.DRAFT: "gray",
            ConnectionStatus.NEEDS_RECONNECT: "red",
            ConnectionStatus.ERROR: "red",
        }
        return format_html(
            '<span class="status-badge status-{}">{}</span>',
            colours.get(obj.status, "gray"),
            obj.get_status_display(),
        )

    @admin.display(description="Webhook health")
    def webhook_health_summary(self, obj):
        health = obj.webhook_health or {}
        if not health:
            return "Not checked yet: activate the connection to register its webhooks."
        if health.get("error"):
            return format_html(
                '<span class="status-red">{}</span> (checked {})',
                health["error"],
                health.get("checked_at", ""),
            )
        hooks = health.get("hooks", [])
        active = sum(1 for h in hooks if h.get("is_active"))
        return format_html(
            '<span class="{}">{} of {} webhooks active</span> (checked {}{})',
            "status-green" if active == len(hooks) else "status-orange", active, len(hooks),
            health.get("checked_at", "")[:19].replace("T", " "),
            f"; {', '.join(health['actions'])}" if health.get("actions") else "",
        )  # fmt: skip

    @admin.display(description="Change notifications from the ERP")
    def erp_notifications(self, obj):
        health = ERP_KINDS[obj.erp_kind].health
        return import_string(health)(obj) if health else "—"

    @admin.display(description="Last webhook received")
    def last_delivery(self, obj):
        event = obj.inbound_events.order_by("-received_at").first()
        if event is None:
            return "None yet"
        return f"{event.received_at:%Y-%m-%d %H:%M:%S} UTC — {event.scope} ({event.get_state_display()})"

    @admin.display(description="Webhook address")
    def webhook_url(self, obj):
        from django.conf import settings

        return f"{settings.PUBLIC_BASE_URL}/webhooks/bigcommerce/{obj.pk}/"

    # --- buttons: test, activate, pause ----------------------------------------------------
    def get_urls(self):
        def view(fn):
            return self.admin_site.admin_view(require_POST(fn))

        return [
            path(
                "<uuid:pk>/test/", view(self.test_connection_view), name="tenants_connection_test"
            ),
            path(
                "<uuid:pk>/activate/", view(self.activate_view), name="tenants_connection_activate"
            ),
            path("<uuid:pk>/pause/", view(self.pause_view), name="tenants_connection_pause"),
            path(
                "<uuid:pk>/setup/",
                self.admin_site.admin_view(partial(setup_view, self)),
                name="tenants_connection_setup",
            ),
            *super().get_urls(),
        ]

    def _connection_for(self, request, pk, write=True) -> Connection:
        connection = get_object_or_404(self.get_queryset(request), pk=pk)
        allowed = self.has_change_permission if write else self.has_view_permission
        if not allowed(request, connection):
            raise Http404
        return connection

    def _back(self, connection):
        return HttpResponseRedirect(
            reverse("admin:tenants_connection_change", args=[connection.pk])
        )

    def test_connection_view(self, request, pk):
        connection = self._connection_for(request, pk, write=False)
        for result in connection_check(connection):
            text = f"{result.system}: {result.message}"
            if result.hint:
                text += f" {result.hint}"
            messages.add_message(request, messages.SUCCESS if result.ok else messages.ERROR, text)
        return self._back(connection)

    def activate_view(self, request, pk):
        try:
            days = max(0, min(365, int(request.POST.get("backfill_days") or 0)))
        except ValueError:
            days = 0
        connection = self._connection_for(request, pk)
        started = timezone.now()
        try:
            connection = services.connection_activate(
                connection=connection, backfill_days=days, user=request.user
            )
        except services.ActivationRefused as refused:
            messages.error(request, refused.message)
            return self._back(connection)
        messages.success(request, f"{connection.name} is active: orders will now sync.")
        error = (connection.webhook_health or {}).get("error")
        if error:
            messages.error(
                request,
                f"Webhooks could not be registered: {error} Orders still arrive through the "
                "catch-up poll; fix the store settings and activate again.",
            )
        backfill = orders_backfill(bulk_runs_started(connection=connection, since=started))
        if backfill:
            url = reverse("admin:sync_bulkrun_change", args=[backfill.pk])
            messages.info(
                request,
                format_html(
                    'Backfill of the last {} days started: <a href="{}">follow its progress</a>.',
                    days,
                    url,
                ),
            )
        return self._back(connection)

    def pause_view(self, request, pk):
        connection = services.connection_pause(connection=self._connection_for(request, pk))
        messages.warning(
            request,
            f"{connection.name} is paused: webhooks are still received and kept, and will be "
            "processed when you activate it again.",
        )
        return self._back(connection)
