"""Reconciliations in the admin: the list, the month-end report of each, starting one, and the
one-click fixes on its findings. Every write checks the write role in the run's tenant."""

from functools import partial

from django import forms
from django.contrib import admin, messages
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_POST
from unfold.widgets import INPUT_CLASSES, UnfoldAdminSelectWidget

from reconciliation.export import findings_csv
from reconciliation.models import FindingKind, ReconciliationRun
from reconciliation.selectors import finding_rows, kind_counts
from reconciliation.services import (
    BACKFILLED,
    REPLAYED,
    finding_backfill,
    finding_replay,
    last_month,
    missing_backfill,
    run_start,
)
from tenants.admin import ReadOnlyRecordAdminMixin, ScopedModelAdmin
from tenants.admin_scoping import scope_related_queryset
from tenants.models import Connection

MAX_DAYS = 366


DATE_INPUT = forms.DateInput(attrs={"type": "date", "class": " ".join(INPUT_CLASSES)})


class StartForm(forms.Form):
    connection = forms.ModelChoiceField(
        queryset=Connection.objects.none(), label="Connection", widget=UnfoldAdminSelectWidget
    )
    start = forms.DateField(label="From", widget=DATE_INPUT)
    end = forms.DateField(label="To (inclusive)", widget=DATE_INPUT)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["connection"].queryset = scope_related_queryset(
            Connection.objects.order_by("name"), user
        )

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                raise forms.ValidationError("The period ends before it starts.")
            if (end - start).days >= MAX_DAYS:
                raise forms.ValidationError("Reconcile at most a year at a time.")
            if end > timezone.now().date():
                raise forms.ValidationError("The period cannot end in the future.")
        return data


@admin.register(ReconciliationRun)
class ReconciliationRunAdmin(ReadOnlyRecordAdminMixin, ScopedModelAdmin):
    list_display = [
        "period", "connection", "state_text", "progress", "matched", "finding_count",
        "store_total", "erp_total", "trigger", "created_at",
    ]  # fmt: skip
    list_filter = ["state", "trigger", ("connection", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["connection"]
    change_list_template = "admin/reconciliation/reconciliationrun/change_list.html"

    @admin.display(description="Period", ordering="period_start")
    def period(self, obj):
        return f"{obj.period_start:%d %b %Y} to {obj.period_end:%d %b %Y}"

    @admin.display(description="State", ordering="state")
    def state_text(self, obj):
        return obj.get_state_display()

    @admin.display(description="Progress")
    def progress(self, obj):
        return format_html(
            '<span class="recon-progress">{} of {} orders</span>', obj.done, obj.total
        )

    # --- pages ---------------------------------------------------------------------------------
    def get_urls(self):
        def view(fn, post=False):
            return self.admin_site.admin_view(require_POST(fn) if post else fn)

        return [
            path("start/", view(self.start_view), name="reconciliation_reconciliationrun_start"),
            path(
                "<int:pk>/backfill-missing/",
                view(self.backfill_missing_view, post=True),
                name="reconciliation_reconciliationrun_backfill_missing",
            ),
            # One finding's fix; the finding is named in the form (a finding of this run only).
            path(
                "<int:pk>/backfill/",
                view(partial(self.finding_view, what="backfill"), post=True),
                name="reconciliation_reconciliationrun_backfill",
            ),
            path(
                "<int:pk>/replay/",
                view(partial(self.finding_view, what="replay"), post=True),
                name="reconciliation_reconciliationrun_replay",
            ),
            *super().get_urls(),
        ]

    def _run(self, request, pk, *, write=False) -> ReconciliationRun:
        run = get_object_or_404(self.get_queryset(request).select_related("connection"), pk=pk)
        if not (self._has_write(request, run) if write else self.has_view_permission(request, run)):
            raise Http404
        return run

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The month-end report: counts by kind, the two totals, the findings with their fixes."""
        try:
            pk = int(object_id)
        except ValueError:
            raise Http404 from None
        run = self._run(request, pk)
        if request.GET.get("format") == "csv":
            return self._csv(run)
        findings, total_findings = finding_rows(run)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Reconciliation of {run.connection.name}",
            "opts": self.model._meta,
            "original": run,
            "run": run,
            "counts": kind_counts(run),
            "findings": findings,
            "total_findings": total_findings,
            "missing_open": run.findings.filter(
                kind=FindingKind.MISSING, resolved_at__isnull=True
            ).count(),
            "can_write": self._has_write(request, run),
            "difference": run.erp_total - run.store_total,
            "calls_url": reverse("admin:audit_apicall_changelist") + f"?q={run.correlation}",
            "busy": run.state in (ReconciliationRun.State.QUEUED, ReconciliationRun.State.RUNNING),
        }
        return TemplateResponse(request, "admin/reconciliation/report.html", context)

    def start_view(self, request):
        if not self._has_write(request):
            raise Http404
        if request.method == "POST":
            form = StartForm(request.POST, user=request.user)
            if form.is_valid():
                run = run_start(
                    connection=form.cleaned_data["connection"], start=form.cleaned_data["start"],
                    end=form.cleaned_data["end"], user=request.user,
                )  # fmt: skip
                messages.success(
                    request, "The reconciliation started; this page shows its progress."
                )
                return HttpResponseRedirect(
                    reverse("admin:reconciliation_reconciliationrun_change", args=[run.pk])
                )
        else:
            start, end = last_month(timezone.now().date())
            form = StartForm(
                initial={"start": start, "end": end, "connection": request.GET.get("connection")},
                user=request.user,
            )
        context = {
            **self.admin_site.each_context(request),
            "title": "Reconcile a period",
            "opts": self.model._meta,
            "form": form,
        }
        return TemplateResponse(request, "admin/reconciliation/start.html", context)

    def _csv(self, run):
        response = HttpResponse(findings_csv(run), content_type="text/csv; charset=utf-8")
        name = f"reconciliation-{run.connection.store_hash}-{run.period_start:%Y%m%d}-{run.period_end:%Y%m%d}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    def backfill_missing_view(self, request, pk):
        run = self._run(request, pk, write=True)
        bulk = missing_backfill(run, user=request.user)
        if bulk is None:
            messages.info(request, "No order missing in the ERP is left to backfill.")
        else:
            url = reverse("admin:sync_bulkrun_change", args=[bulk.pk])
            messages.success(
                request,
                format_html(
                    '{} missing orders are on their way to the ERP: <a href="{}">follow them</a>.',
                    bulk.total,
                    url,
                ),
            )
        return self._back(run)

    def finding_view(self, request, pk, what):
        run = self._run(request, pk, write=True)
        chosen = request.POST.get("finding", "")
        finding = run.findings.filter(pk=chosen).first() if chosen.isdecimal() else None
        kinds = BACKFILLED if what == "backfill" else REPLAYED
        if finding is None or finding.kind not in kinds:
            messages.info(request, f"Nothing to {what}: choose it on one of the findings below.")
            return self._back(run)
        (finding_backfill if what == "backfill" else finding_replay)(finding)
        word = "backfilled" if what == "backfill" else "replayed"
        messages.success(
            request, f"Order {finding.order_id} is being {word}; its outcome shows on the order."
        )
        return self._back(run)

    def _back(self, run):
        return HttpResponseRedirect(
            reverse("admin:reconciliation_reconciliationrun_change", args=[run.pk])
        )
