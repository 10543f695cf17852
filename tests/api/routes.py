"""Every API route, found by walking the URL resolver: the sweeps over routes use this list, so a
new route or view set is covered without anyone adding it to a test."""

from dataclasses import dataclass
from urllib.parse import unquote

from django.urls import URLPattern, URLResolver, get_resolver, reverse

from audit.models import ApiCall
from sync.models import BulkRun, SyncJob
from tenants.api_auth import ApiScope
from tenants.api_viewsets import ScopedViewSet
from tenants.models import Connection
from tests.factories import ApiCallFactory, BulkRunFactory, InboundEventFactory, SyncJobFactory
from webhooks.models import InboundEvent

# Views under /api/ that hold no tenant data: the schema and its pages, the router's index, the
# JSON 404 for unknown paths. Any other view must be a ScopedViewSet, or the sweep fails.
NON_DATA_VIEWS = {"schema", "swagger", "redoc", "api-root", None}
# How to make one row of each model an API view set lists, in `connection`'s tenant. A view set
# over another model fails the sweeps' coverage test until it is added here.
FACTORIES = {
    Connection: lambda connection: connection,
    InboundEvent: lambda connection: InboundEventFactory(connection=connection),
    SyncJob: lambda connection: SyncJobFactory(connection=connection, state="failed"),
    ApiCall: lambda connection: ApiCallFactory(connection=connection),
    BulkRun: lambda connection: BulkRunFactory(connection=connection),
}


@dataclass(frozen=True)
class Route:
    name: str  # the URL name in the "api" namespace, e.g. "job-replay"
    view: type[ScopedViewSet]
    actions: dict[str, str]  # HTTP method → view action
    detail: bool  # the URL takes an object id

    def url(self, pk=None) -> str:
        return reverse(f"api:{self.name}", kwargs={"pk": pk} if self.detail else {})

    @property
    def model(self) -> type:
        return self.view().scoped_queryset(ApiScope(read=None, write=None, user=None)).model

    @property
    def template(self) -> str:
        """The path as the OpenAPI schema writes it, e.g. /api/v1/jobs/{id}/replay/."""
        return unquote(self.url("{id}")) if self.detail else self.url()


def _walk(patterns, namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, entry.namespace or namespace)
        elif isinstance(entry, URLPattern):
            yield namespace, entry


def _api_patterns() -> list[URLPattern]:
    return [pattern for ns, pattern in _walk(get_resolver().url_patterns) if ns == "api"]


def _view_set(pattern: URLPattern) -> type | None:
    view = getattr(pattern.callback, "cls", None)
    return view if view is not None and issubclass(view, ScopedViewSet) else None


def api_routes() -> list[Route]:
    return [
        Route(
            name=pattern.name,
            view=_view_set(pattern),
            # DRF adds HEAD to a view's actions once it has served a GET: not an action of its own.
            actions={m: a for m, a in pattern.callback.actions.items() if m != "head"},
            detail="pk" in pattern.pattern.regex.groupindex,
        )
        for pattern in _api_patterns()
        if _view_set(pattern) is not None
    ]


def unswept_views() -> list[str]:
    """API views that are neither a ScopedViewSet nor known to hold no tenant data."""
    return [
        str(pattern.name)
        for pattern in _api_patterns()
        if _view_set(pattern) is None and pattern.name not in NON_DATA_VIEWS
    ]
