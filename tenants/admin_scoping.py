"""Tenant scoping for every admin class: rows, permissions and foreign-key choices.

A model admin names the path from its model to Tenant (`tenant_path`); superusers see everything,
members see their tenants' rows, owners and admins change them, viewers only read. A person
may hold different roles in different tenants, so a write is allowed per row, by that row's
tenant: `has_*_permission(obj=None)` only says whether the user may write *somewhere* (to offer
an Add button or an action), and every action runs on `writable_rows` alone.
"""

from django.contrib import admin, messages
from django.contrib.admin import helpers

from tenants.models import WRITE_ROLES, Tenant
from tenants.selectors import tenant_ids_for


class TenantScopedAdminMixin:
    tenant_path: str = "tenant"  # e.g. "connection__tenant" for rows one hop away
    write_roles: tuple[str, ...] = WRITE_ROLES  # the roles that may change this model's rows

    def _tenant_id_of(self, obj) -> int | None:
        target = obj
        for part in self.tenant_path.split("__"):
            target = getattr(target, part, None)
            if target is None:
                return None
        return target.pk

    def _scope(self, queryset, user, roles=None):
        if user.is_superuser:
            return queryset
        if queryset.model is Tenant:
            return queryset.filter(pk__in=tenant_ids_for(user, roles))
        return queryset.filter(**{f"{self.tenant_path}__in": tenant_ids_for(user, roles)})

    def get_queryset(self, request):
        return self._scope(super().get_queryset(request), request.user)

    def has_module_permission(self, request):
        return request.user.is_superuser or bool(tenant_ids_for(request.user))

    def has_view_permission(self, request, obj=None):
        if request.user.is_superuser:
            return True
        allowed = tenant_ids_for(request.user)
        if obj is None:
            return bool(allowed)
        return self._tenant_id_of(obj) in allowed

    def _has_write(self, request, obj=None):
        """With `obj`: may the user change it (a write role in its tenant). Without: may they
        change rows of this model in any tenant at all — never enough to touch a given row."""
        if request.user.is_superuser:
            return True
        allowed = tenant_ids_for(request.user, self.write_roles)
        if obj is None:
            return bool(allowed)
        return self._tenant_id_of(obj) in allowed

    def writable_rows(self, request, queryset):
        """The rows of `queryset` in tenants where the user holds a write role."""
        return self._scope(queryset, request.user, roles=self.write_roles)

    def response_action(self, request, queryset):
        """Every action (ours and Django's) gets only the selected rows the user may change: a
        viewer in this tenant who owns another may not replay, revoke or delete rows here."""
        writable = self.writable_rows(request, queryset)
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        chosen = queryset if request.POST.get("select_across") == "1" else None
        if chosen is None and selected:
            chosen = queryset.filter(pk__in=selected)
        left_alone = 0
        if chosen is not None:
            left_alone = chosen.count() - writable.filter(pk__in=chosen).count()
        if left_alone:
            messages.warning(
                request,
                f"{left_alone} of the selected rows belong to a tenant where your role only "
                "allows reading, so the action left them alone. Ask an owner of that tenant.",
            )
        return super().response_action(request, writable)

    def has_add_permission(self, request, *args):
        return self._has_write(request)

    def has_change_permission(self, request, obj=None):
        return self._has_write(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._has_write(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        """Choices for any tenant-owned relation are limited to tenants the user may write."""
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and not request.user.is_superuser:
            field.queryset = scope_related_queryset(field.queryset, request.user, self.write_roles)
            if db_field.related_model is Tenant and field.queryset.count() == 1:
                field.initial = field.queryset.first().pk
        return field


def scope_related_queryset(queryset, user, roles=WRITE_ROLES):
    """Limit a related model's rows to the tenants where the user holds one of `roles`."""
    model = queryset.model
    writable = tenant_ids_for(user, roles)
    if model is Tenant:
        return queryset.filter(pk__in=writable)
    model_admin = admin.site._registry.get(model)
    path = getattr(model_admin, "tenant_path", None)
    if path:
        return queryset.filter(**{f"{path}__in": writable})
    if any(f.name == "tenant" for f in model._meta.fields):
        return queryset.filter(tenant__in=writable)
    return queryset
