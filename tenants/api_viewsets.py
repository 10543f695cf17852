"""The base of every API view set: scoped rows, write checks, the tenant a list-level write hits.

Kept apart from tenants.api_auth, which DRF's settings import while its views are being defined.
"""

import re

from django.db.models import QuerySet
from rest_framework import exceptions, viewsets

from tenants.api_auth import ApiScope, TenantAccess, scope_for
from tenants.models import Tenant

SLUG = re.compile(r"[-a-zA-Z0-9_]{1,60}")


class ScopedViewSet(viewsets.GenericViewSet):
    """Base of every API view set: rows come from `scoped_queryset(scope)`, writes need a write
    role in the row's tenant. Actions in `read_only_actions` are POSTs that change nothing."""

    permission_classes = [TenantAccess]
    read_only_actions: tuple[str, ...] = ()
    cursor_ordering: tuple[str, ...] = ("-id",)

    def scoped_queryset(self, scope: ApiScope) -> QuerySet:
        raise NotImplementedError

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no caller
            return self.scoped_queryset(ApiScope(read=frozenset(), write=frozenset(), user=None))
        return self.scoped_queryset(self.scope)

    @property
    def scope(self) -> ApiScope:
        return scope_for(self.request)

    def tenant_id_of(self, obj) -> int:
        return obj.tenant_id

    def target_tenant(self, slug: str | None) -> Tenant:
        """The tenant a list-level write (create, bulk replay) acts on: the named one, or the
        caller's only writable tenant (always so for a token)."""
        writable = self.scope.writable_tenants()
        if slug:
            tenant = writable.filter(slug=slug).first() if SLUG.fullmatch(slug) else None
            if tenant is None:
                raise exceptions.ValidationError(
                    {"tenant": ["No tenant you can change has this slug."]}
                )
            return tenant
        tenants = list(writable[:2])
        if len(tenants) != 1:
            raise exceptions.ValidationError(
                {"tenant": ["You belong to several tenants: name one."]}
            )
        return tenants[0]
