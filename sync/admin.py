"""Sync jobs and bulk runs in the admin: what happened to each order, and one-click replay."""

from django.contrib import admin, messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST
from unfold.admin import TabularInline

from sync.models import BulkRun, JobState, SyncAttempt, SyncJob
from sync.replay import (
    bulk_replay_start,
    job_replay,
    outcome_counts,
    replay_source,
    replay_sources,
)
from tenants.admin import ReadOnlyRecordAdminMixin, RecordAdminMixin, ScopedModelAdmin

STATE_COLOURS = {
    JobState.SUCCEEDED: "green",
    JobState.FAILED: "red",
    JobState.RUNNING: "blue",
    JobState.PENDING: "orange",
    JobState.SKIPPED: "gray",
}


class AttemptInline(TabularInline):
    model = SyncAttempt
    extra = 0
    can_delete = False
    fields = ["number", "trigger", "outcome", "error", "started_at", "finished_at"]
    readonly_fields = fields
    verbose_name_plural = "attempts"

    def has_view_permission(self, request, obj=None):
        # The history of the job on the page, which the job page's own scoping already allowed
        # this person to see (the rows are that job's only): viewers see it too.
        return True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SyncJob)
class SyncJobAdmin(RecordAdminMixin, ScopedModelAdmin):
    list_display = [
        "record", "kind", "state_badge", "connection", "tries",
        "document", "short_error", "last_activity",
    ]  # fmt: skip
    list_filter = [
        "state", "kind", ("connection", admin.RelatedOnlyFieldListFilter),
    ]  # fmt: skip
    search_fields = ["source_id", "erp_document_id", "erp_document_number"]
    list_select_related = ["connection"]
    actions = ["replay_selected"]
    inlines = [AttemptInline]
    change_form_template = "admin/sync/syncjob/change_form.html"
    fields = [
        ("kind", "record", "state_badge"),
        "connection",
        ("tries", "queue", "next_attempt_at"),
        "last_error",
        "warnings",
        ("erp_customer_id", "erp_document_id", "erp_document_number"),
        "details",
        ("source_modified_at", "started_at", "finished_at"),
        "api_calls_link",
    ]
    readonly_fields = [
        "kind", "record", "state_badge", "connection", "tries", "queue", "next_attempt_at",
        "last_error", "warnings", "erp_customer_id", "erp_document_id", "erp_document_number",
        "details", "source_modified_at", "started_at", "finished_at", "api_calls_link",
    ]  # fmt: skip

    def has_replay_permission(self, request, obj=None):
        return self._has_write(request, obj)

    @admin.display(description="State", ordering="state")
    def state_badge(self, obj):
        return format_html(
            '<span class="job-state state-{}" style="color:{}">{}</span>',
            obj.state, STATE_COLOURS.get(obj.state, "gray"), obj.get_state_display(),
        )  # fmt: skip

    @admin.display(description="Record", ordering="source_id")
    def record(self, obj):
        return obj.source_id

    @admin.display(description="Sent with")
    def queue(self, obj):
        return "new changes (live)" if obj.lane == "live" else "history and catch-up (backfill)"

    @admin.display(description="Tries", ordering="attempts")
    def tries(self, obj):
        return obj.attempts

    @admin.display(description="ERP record")
    def document(self, obj):
        return obj.erp_document_number or "—"

    @admin.display(description="Last activity", ordering="updated_at")
    def last_activity(self, obj):
        return obj.updated_at

    @admin.display(description="Last error / note")
    def short_error(self, obj):
        return obj.last_error if len(obj.last_error) < 90 else obj.last_error[:87] + "…"

    @admin.display(description="API calls")
    def api_calls_link(self, obj):
        url = reverse("admin:audit_apicall_changelist") + f"?sync_job__id__exact={obj.pk}"
        return format_html(
            '<a class="text-primary-600 underline" href="{}">See the {} calls made by this job</a>',
            url, obj.api_calls.count(),
        )  # fmt: skip

    # --- replay ----------------------------------------------------------------------------
    def get_urls(self):
        replay = path(
            "<int:pk>/replay/",
            self.admin_site.admin_view(require_POST(self.replay_view)),
            name="sync_syncjob_replay",
        )
        return [replay, *super().get_urls()]

    def replay_view(self, request, pk):
        job = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_replay_permission(request, job):
            raise Http404
        if job_replay(job=job):
            messages.success(
                request,
                f"{job} is queued again and will be fetched fresh from {replay_source(job)}.",
            )
        else:
            messages.info(request, f"{job} is already waiting or running; nothing more to do.")
        # Back to the page it came from: the Orders view's or the Jobs view's (this view serves both).
        opts = self.opts
        return HttpResponseRedirect(
            reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[job.pk])
        )

    @admin.action(description="Replay the selected failed jobs", permissions=["replay"])
    def replay_selected(self, request, queryset):
        failed = queryset.filter(state=JobState.FAILED)
        tenants = set(failed.values_list("tenant_id", flat=True))
        if request.POST.get("confirm") != "yes":
            # Say how many first (and of what), then run in the background.
            sources, to_erp = replay_sources(failed)
            context = {
                **self.admin_site.each_context(request),
                "title": "Replay failed jobs",
                "opts": self.model._meta,
                "selected": queryset.count(),
                "failed": failed.count(),
                "sources": " or ".join(sources),
                "to_erp": to_erp,
                "ids": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
                "select_across": request.POST.get("select_across", "0"),
            }
            return TemplateResponse(request, "admin/sync/syncjob/replay_confirm.html", context)
        # `queryset` holds only jobs in tenants where the user may write (response_action).
        runs = [
            bulk_replay_start(
                jobs=failed.filter(tenant_id=tenant_id), tenant_id=tenant_id, user=request.user
            )
            for tenant_id in tenants
        ]
        if not runs:
            messages.info(request, "None of the selected jobs has failed: nothing to replay.")
            return None
        messages.success(
            request, f"Replaying {sum(r.total for r in runs)} failed jobs in the background."
        )
        return HttpResponseRedirect(reverse("admin:sync_bulkrun_change", args=[runs[0].pk]))


@admin.register(BulkRun)
class BulkRunAdmin(ReadOnlyRecordAdminMixin, ScopedModelAdmin):
    list_display = [
        "__str__",
        "kind",
        "state",
        "progress",
        "connection",
        "created_by",
        "created_at",
    ]
    list_filter = ["kind", "state"]
    change_form_template = "admin/sync/bulkrun/change_form.html"
    fields = [
        "kind",
        "state",
        "progress",
        "message",
        "outcomes",
        "connection",
        "created_by",
        "created_at",
        "finished_at",
    ]
    readonly_fields = fields

    @admin.display(description="Progress")
    def progress(self, obj):
        return format_html(
            '<div class="bulk-progress" style="width:16rem;background:#e5e7eb;border-radius:4px">'
            '<div style="width:{}%;background:#16a34a;color:white;padding:2px 6px;border-radius:4px">{}%</div>'
            "</div> {} of {}",
            obj.percent, obj.percent, obj.done, obj.total,
        )  # fmt: skip

    @admin.display(description="Outcome so far")
    def outcomes(self, obj):
        counts = outcome_counts(obj.params.get("job_ids", []))
        return ", ".join(f"{n} {state}" for state, n in counts.items() if n) or "—"


from sync import admin_orders  # noqa: E402, F401 - the Orders view (it reuses SyncJobAdmin's replay)
