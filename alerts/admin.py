"""Alert channels (add, change, send a test message) and the incidents list, scoped per tenant:
viewers read, owners and admins change, nobody sees another tenant's rows."""

from django.contrib import admin, messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_POST
from unfold.admin import TabularInline

from alerts.forms import AlertChannelForm, shown_address
from alerts.models import AlertChannel, AlertMessage, Incident
from alerts.services import channel_test
from tenants.admin import ReadOnlyRecordAdminMixin, ScopedModelAdmin

RECENT = 10
RULE_FIELDS = [
    "on_job_failed", "on_no_orders", "no_orders_hours", "on_reconnect", "on_webhooks_off",
    "on_catalog_held", "daily_digest",
]  # fmt: skip


@admin.register(AlertChannel)
class AlertChannelAdmin(ScopedModelAdmin):
    form = AlertChannelForm
    list_display = ["name", "kind", "active", "rules_on", "last_message"]
    list_filter = ["kind", "active"]
    search_fields = ["name"]
    change_form_template = "admin/alerts/alertchannel/change_form.html"
    readonly_fields = ["saved_address", "signing_secret_note", "recent_messages"]

    def get_fieldsets(self, request, obj=None):
        # Read-only pages show a field's stored value: the hook address (a credential) is only
        # ever an empty box to type a new one into, for those who may change it.
        writes = self.has_change_permission(request, obj)
        where = ["kind", "email_addresses"] + (["url"] if writes else [])
        if obj is not None:
            where += ["saved_address"] + (
                ["signing_secret_note"] if obj.kind == AlertChannel.Kind.WEBHOOK else []
            )
        return [
            (None, {"fields": ["tenant", "name", "active"]}),
            ("Where to send", {"fields": where}),
            (
                "What to send",
                {
                    "fields": RULE_FIELDS,
                    "description": "Each problem is sent once, with a message when it clears. "
                    "At most one message of a kind every 15 minutes: more are sent together.",
                },
            ),
            *([("Sent lately", {"fields": ["recent_messages"]})] if obj is not None else []),
        ]

    @admin.display(description="Last 10 messages")
    def recent_messages(self, obj):
        latest = obj.messages.order_by("-created_at", "-id")[:RECENT]
        if not latest:
            return "None yet"
        return format_html_join(
            "",
            '<div class="recent-message">{} UTC — {} — <strong>{}</strong>: {}{}</div>',
            (
                (
                    f"{m.created_at:%Y-%m-%d %H:%M}",
                    m.get_kind_display(),
                    m.get_state_display(),
                    m.subject,
                    f" ({m.error})" if m.error else "",
                )
                for m in latest
            ),
        )

    @admin.display(description="Sends")
    def rules_on(self, obj):
        names = [
            AlertChannel._meta.get_field(f).verbose_name
            for f in RULE_FIELDS
            if f != "no_orders_hours" and getattr(obj, f)
        ]
        return ", ".join(names) or "Nothing ticked"

    @admin.display(description="Last message")
    def last_message(self, obj):
        message = obj.messages.order_by("-created_at").first()
        if message is None:
            return "None yet"
        return f"{message.created_at:%Y-%m-%d %H:%M} UTC — {message.get_state_display()}"

    @admin.display(description="Saved address")
    def saved_address(self, obj):
        return shown_address(obj.url) if obj and obj.url else "—"

    @admin.display(description="Signing secret")
    def signing_secret_note(self, obj):
        return (
            "Shown once, when the channel was added. Your system checks each message's "
            "signature with it (the Standard Webhooks way: webhook-id, webhook-timestamp and "
            "webhook-signature headers)."
        )

    # --- the signing secret, shown once --------------------------------------------------
    def response_add(self, request, obj, post_url_continue=None):
        if obj.kind != AlertChannel.Kind.WEBHOOK:
            return super().response_add(request, obj, post_url_continue)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"{obj.name}: its signing secret",
            "channel": obj,
            "secret": obj.signing_secret,
            "next_url": reverse("admin:alerts_alertchannel_change", args=[obj.pk]),
        }
        response = TemplateResponse(request, "admin/alerts/alertchannel/secret_once.html", context)
        response["Cache-Control"] = "no-store"
        return response

    # --- the test button -----------------------------------------------------------------
    def get_urls(self):
        return [
            path(
                "<int:pk>/test/",
                self.admin_site.admin_view(require_POST(self.test_view)),
                name="alerts_alertchannel_test",
            ),
            *super().get_urls(),
        ]

    def test_view(self, request, pk):
        channel = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_change_permission(request, channel):
            raise Http404
        message = channel_test(channel)
        if message.state == AlertMessage.State.SENT:
            messages.success(request, f"Test message sent to {channel.name}.")
        else:
            messages.error(
                request, f"The test message could not be sent to {channel.name}: {message.error}"
            )
        return HttpResponseRedirect(reverse("admin:alerts_alertchannel_change", args=[pk]))


class AlertMessageInline(TabularInline):
    model = AlertMessage
    fields = ["created_at", "channel", "kind", "state", "error"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name = "message"
    verbose_name_plural = "messages"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        # The incident's page decides who sees it (its tenant's members); its messages follow.
        return True


@admin.register(Incident)
class IncidentAdmin(ReadOnlyRecordAdminMixin, ScopedModelAdmin):
    list_display = ["title", "state_badge", "rule", "connection", "opened_at", "resolved_at",
                    "seen", "messages_sent"]  # fmt: skip
    list_filter = ["state", "rule"]
    search_fields = ["title"]
    inlines = [AlertMessageInline]
    fields = ["title", "state", "rule", "connection", "detail", "seen", "opened_at", "resolved_at"]

    @admin.display(description="State", ordering="state")
    def state_badge(self, obj):
        colour = "red" if obj.state == Incident.State.OPEN else "green"
        return format_html(
            '<span class="status-badge status-{}">{}</span>', colour, obj.get_state_display()
        )

    @admin.display(description="Messages sent")
    def messages_sent(self, obj):
        return obj.messages.filter(state=AlertMessage.State.SENT).count()
