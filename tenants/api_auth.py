"""Who is calling the REST API and which tenants' rows they may read and change.

Two ways in: an API token (one tenant, the token's role) or the admin session of a signed-in person
(their memberships, as in the admin). Either way every view gets an `ApiScope` and filters through
it; there is no implicit "current tenant".
"""

from dataclasses import dataclass

from django.db.models import QuerySet
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import SAFE_METHODS, BasePermission

from tenants.api_tokens import api_token_authenticate
from tenants.models import WRITE_ROLES, ApiToken, Tenant
from tenants.selectors import tenant_ids_for


class TokenUser:
    """request.user for a token request: authenticated, but no person and no admin rights."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False
    pk = id = None

    def __init__(self, token: ApiToken):
        self.token = token
        self.username = f"api-token:{token.key_prefix}"

    def __str__(self):
        return self.username


class ApiTokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer mlc_…`."""

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != b"bearer":
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("Send exactly one token: 'Bearer <token>'.")
        try:
            value = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("Invalid or revoked API token.") from None
        token = api_token_authenticate(value)
        if token is None:
            raise exceptions.AuthenticationFailed("Invalid or revoked API token.")
        return TokenUser(token), token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = ApiTokenAuthentication
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A tenant's API token, created in the admin (Tenants → API tokens).",
        }


@dataclass(frozen=True)
class ApiScope:
    read: frozenset[int] | None  # None: every tenant (platform superuser)
    write: frozenset[int] | None
    user: object | None  # the person to credit (a token's creator), for records like BulkRun

    def filter(self, queryset: QuerySet, path: str = "tenant") -> QuerySet:
        if self.read is None:
            return queryset
        return queryset.filter(**{f"{path}__in": self.read})

    def can_read_any(self) -> bool:
        return self.read is None or bool(self.read)

    def can_write_any(self) -> bool:
        return self.write is None or bool(self.write)

    def can_write(self, tenant_id: int) -> bool:
        return self.write is None or tenant_id in self.write

    def writable_tenants(self) -> QuerySet:
        tenants = Tenant.objects.all()
        return tenants if self.write is None else tenants.filter(pk__in=self.write)


def scope_for(request) -> ApiScope:
    """The caller's scope, worked out once per request."""
    scope = getattr(request, "_api_scope", None)
    if scope is not None:
        return scope
    user = request.user
    if isinstance(request.auth, ApiToken):
        token = request.auth
        tenants = frozenset([token.tenant_id])
        write = tenants if token.role in WRITE_ROLES else frozenset()
        scope = ApiScope(read=tenants, write=write, user=token.created_by)
    elif not user.is_authenticated:
        scope = ApiScope(read=frozenset(), write=frozenset(), user=None)
    elif user.is_superuser:
        scope = ApiScope(read=None, write=None, user=user)
    else:
        scope = ApiScope(
            read=frozenset(tenant_ids_for(user)),
            write=frozenset(tenant_ids_for(user, WRITE_ROLES)),
            user=user,
        )
    request._api_scope = scope
    return scope


class TenantAccess(BasePermission):
    """Members read; owners, admins and read-write tokens write. Rows outside the scope are never
    found (404, from the scoped queryset), so only a viewer of the same tenant sees a 403."""

    message = "Your role allows reading only."

    def has_permission(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return False
        scope = scope_for(request)
        if not scope.can_read_any():
            self.message = "You are not a member of any tenant."
            return False
        return not self._writes(request, view) or scope.can_write_any()

    def has_object_permission(self, request, view, obj):
        if not self._writes(request, view):
            return True
        return scope_for(request).can_write(view.tenant_id_of(obj))

    @staticmethod
    def _writes(request, view) -> bool:
        read_only = getattr(view, "read_only_actions", ())
        return request.method not in SAFE_METHODS and getattr(view, "action", None) not in read_only
