"""API tokens in the admin: created by owners and admins, shown once, revoked, never edited."""

from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers

from tenants.admin import ScopedModelAdmin
from tenants.api_tokens import api_token_create, api_token_revoke
from tenants.models import WRITE_ROLES, ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(ScopedModelAdmin):
    list_display = [
        "name", "tenant", "role", "key_prefix", "created_by", "created_at", "last_used_at",
        "revoked_at",
    ]  # fmt: skip
    list_filter = ["role", ("tenant", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "key_prefix"]
    fields = ["tenant", "name", "role"]
    readonly_fields = ["key_prefix", "created_by", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke_selected"]

    def get_fields(self, request, obj=None):
        return self.fields if obj is None else [*self.fields, *self.readonly_fields]

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is None else [*self.fields, *self.readonly_fields]

    def has_change_permission(self, request, obj=None):
        return False  # a token is made and revoked, never edited

    def has_delete_permission(self, request, obj=None):
        # Revoked tokens stay listed: who had access, and until when.
        return request.user.is_superuser

    def has_revoke_permission(self, request, obj=None):
        return self._has_write(request, obj)

    def save_model(self, request, obj, form, change):
        token, value = api_token_create(
            tenant=obj.tenant, name=obj.name, role=obj.role, created_by=request.user
        )
        for name in ("pk", "key_prefix", "key_hash", "created_by", "created_at"):
            setattr(obj, name, getattr(token, name))
        request._api_token_value = value  # for response_add, this request only

    def response_add(self, request, obj, post_url_continue=None):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"API token '{obj.name}' created",
            "token": obj,
            "value": request._api_token_value,
        }
        response = TemplateResponse(request, "admin/tenants/apitoken/created.html", context)
        add_never_cache_headers(response)
        return response

    @admin.action(description="Revoke the selected tokens", permissions=["revoke"])
    def revoke_selected(self, request, queryset):
        writable = self._scope(queryset, request.user, roles=WRITE_ROLES)
        count = 0
        for token in writable.filter(revoked_at__isnull=True):
            api_token_revoke(token=token)
            count += 1
        messages.success(request, f"{count} tokens revoked: requests with them now get 401.")
