"""Invitations in the admin: owners invite people by e-mail, see who has not accepted yet, and
withdraw an invitation. An invitation is never edited: withdraw it and invite again."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html

from tenants.admin import ScopedModelAdmin
from tenants.invitations import (
    INVITATION_VALID_FOR,
    invitation_check,
    invitation_create,
    invitation_withdraw,
    pending,
)
from tenants.models import Invitation, Role

STATE_COLOURS = {"pending": "orange", "accepted": "green", "withdrawn": "gray", "expired": "gray"}


class InvitationForm(forms.ModelForm):
    class Meta:
        model = Invitation
        fields = ["email", "tenant", "role"]
        help_texts = {
            "email": "We e-mail them a link. They become a member only when they open it and "
            f"accept (within {INVITATION_VALID_FOR.days} days); if they have no password yet, "
            "they choose one there.",
        }

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("tenant") and cleaned.get("email"):
            try:
                invitation_check(tenant=cleaned["tenant"], email=cleaned["email"])
            except ValidationError as exc:
                self.add_error("email", exc)
        return cleaned


class StateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("pending", "Waiting for an answer"), ("accepted", "Accepted")]

    def queryset(self, request, queryset):
        if self.value() == "pending":
            return pending(queryset)
        if self.value() == "accepted":
            return queryset.filter(accepted_at__isnull=False)
        return queryset


@admin.register(Invitation)
class InvitationAdmin(ScopedModelAdmin):
    write_roles = (Role.OWNER,)  # only owners decide who joins their tenant
    form = InvitationForm
    list_display = ["email", "tenant", "role", "state_badge", "invited_by", "created_at",
                    "expires_at"]  # fmt: skip
    list_filter = [StateFilter, "role", ("tenant", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["email"]
    list_select_related = ["tenant", "invited_by"]
    actions = ["withdraw_selected"]
    fields = ["email", "tenant", "role"]
    readonly_fields = ["state_badge", "invited_by", "created_at", "expires_at", "accepted_at",
                       "accepted_by", "withdrawn_at"]  # fmt: skip

    def get_fields(self, request, obj=None):
        return self.fields if obj is None else [*self.fields, *self.readonly_fields]

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is None else [*self.fields, *self.readonly_fields]

    def has_change_permission(self, request, obj=None):
        return False  # withdraw and invite again

    def has_delete_permission(self, request, obj=None):
        # Withdrawn and accepted invitations stay listed: who was let in, by whom, and when.
        return request.user.is_superuser

    def has_withdraw_permission(self, request, obj=None):
        return self._has_write(request, obj)

    @admin.display(description="State")
    def state_badge(self, obj):
        return format_html(
            '<span class="invitation-state" style="color:{}">{}</span>',
            STATE_COLOURS[obj.state], obj.state.capitalize(),
        )  # fmt: skip

    def save_model(self, request, obj, form, change):
        invitation = invitation_create(
            tenant=obj.tenant, email=obj.email, role=obj.role, invited_by=request.user
        )
        for name in ("pk", "email", "key_hash", "invited_by", "created_at", "expires_at"):
            setattr(obj, name, getattr(invitation, name))

    def response_add(self, request, obj, post_url_continue=None):
        messages.success(
            request,
            f"Invitation e-mailed to {obj.email}. They join {obj.tenant} as "
            f"{obj.get_role_display().lower()} once they accept it; until then it is listed "
            "here as pending, and you can withdraw it.",
        )
        if "_addanother" in request.POST:
            return HttpResponseRedirect(reverse("admin:tenants_invitation_add"))
        if "_continue" in request.POST:
            return HttpResponseRedirect(reverse("admin:tenants_invitation_change", args=[obj.pk]))
        return HttpResponseRedirect(reverse("admin:tenants_invitation_changelist"))

    @admin.action(description="Withdraw the selected invitations", permissions=["withdraw"])
    def withdraw_selected(self, request, queryset):
        count = invitation_withdraw(invitations=queryset)
        messages.success(request, f"{count} invitations withdrawn: their links no longer work.")
