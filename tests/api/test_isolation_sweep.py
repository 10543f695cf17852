"""Every API route, found by walking the URL resolver: an outsider's token gets 404 on every object
URL of another tenant and finds none of its rows in any list; the owner's token reaches the same
URLs (so the 404s mean something); no response of the sweep holds a secret. A new route or view
set is swept automatically; one whose rows this file cannot make fails the coverage test."""

import json

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from audit.models import ApiCall, BulkRun, SyncJob
from tenants.api_auth import ApiScope
from tenants.api_viewsets import ScopedViewSet
from tenants.models import Connection
from tests.api.conftest import secret_values
from tests.factories import (
    ApiCallFactory,
    BulkRunFactory,
    ConnectionFactory,
    InboundEventFactory,
    SyncJobFactory,
)
from webhooks.models import InboundEvent

# How to make one row of each model an API view set lists, owned by `connection`'s tenant.
FACTORIES = {
    Connection: lambda connection: connection,
    InboundEvent: lambda connection: InboundEventFactory(connection=connection),
    SyncJob: lambda connection: SyncJobFactory(connection=connection, state="failed"),
    ApiCall: lambda connection: ApiCallFactory(connection=connection),
    BulkRun: lambda connection: BulkRunFactory(connection=connection),
}
# Views under /api/ that are not tenant data: the schema and its pages, the router's index,
# the JSON 404 for unknown paths.
NON_DATA_VIEWS = {"schema", "swagger", "redoc", "api-root", None}
BODIES = {"post": {}, "put": {"name": "x", "store_hash": "x"}, "patch": {}}
# List-level writes get a body that would succeed in the caller's own tenant.
LIST_WRITE_BODIES = {
    "connection-list": {
        "name": "Planted", "store_hash": "planted", "bc_access_token": "bc-token-secret-planted",
        "erp_kind": "myob", "erp_config": {},
    },
}  # fmt: skip


def _walk(patterns, namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, entry.namespace or namespace)
        elif isinstance(entry, URLPattern):
            yield namespace, entry


def api_routes() -> list[tuple[str, type, dict, bool]]:
    """(url name, view set, {http method: action}, needs an object id) of every API route."""
    routes = []
    for namespace, pattern in _walk(get_resolver().url_patterns):
        if namespace != "api":
            continue
        view = getattr(pattern.callback, "cls", None)
        if view is None or not issubclass(view, ScopedViewSet):
            assert pattern.name in NON_DATA_VIEWS, f"API view {pattern.name} is not swept"
            continue
        detail = "pk" in pattern.pattern.regex.groupindex
        routes.append((pattern.name, view, dict(pattern.callback.actions), detail))
    return routes


ROUTES = api_routes()
UNSCOPED = ApiScope(read=None, write=None, user=None)


def model_of(view) -> type:
    return view().scoped_queryset(UNSCOPED).model


def test_the_sweep_covers_every_view_set():
    assert {name for name, *_ in ROUTES} >= {
        "connection-list", "connection-detail", "connection-test", "connection-activate",
        "event-detail", "event-redispatch", "job-replay", "job-bulk-replay", "call-detail",
        "run-detail",
    }  # fmt: skip
    missing = {model_of(view).__name__ for _, view, *_ in ROUTES} - {m.__name__ for m in FACTORIES}
    assert not missing, f"add a factory to FACTORIES for: {missing}"


def scan(response, secrets) -> str:
    text = response.content.decode()
    for secret in secrets:
        assert secret not in text, f"a secret is in the response of {response.request['PATH_INFO']}"
    return text


@pytest.fixture
def victims(connection):
    """One row per model, all in the owner's tenant."""
    return {model: factory(connection) for model, factory in FACTORIES.items()}


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "view", "actions", "detail"), ROUTES, ids=[r[0] for r in ROUTES])
def test_outsiders_get_404_or_nothing_and_no_response_holds_a_secret(
    name, view, actions, detail, victims, connection, tenant, other_tenant,
    owner_api, outsider_api, owner_token, outsider_token,
):  # fmt: skip
    ConnectionFactory(tenant=other_tenant)  # the outsider has rows of their own
    theirs = victims[model_of(view)]
    secrets = secret_values(connection, tokens=[owner_token, outsider_token])
    kwargs = {"pk": theirs.pk} if detail else {}
    url = reverse(f"api:{name}", kwargs=kwargs)
    for method in actions:
        call = getattr(outsider_api, method)
        body = BODIES.get(method)
        if detail:
            response = call(url, body, format="json") if body is not None else call(url)
            assert response.status_code == 404, f"{method.upper()} {url}"
            assert json.loads(scan(response, secrets))["error"]["code"] == "not_found"
        elif method == "get":
            text = scan(outsider_api.get(url, {"page_size": 200}), secrets)
            listed = {row["id"] for row in json.loads(text)["results"]}
            assert str(theirs.pk) not in {str(i) for i in listed}
            assert str(connection.pk) not in text and tenant.slug not in text
            if "connection" in view.filterset_class.base_filters:
                # Naming the other tenant's connection finds nothing either.
                text = scan(outsider_api.get(url, {"connection": str(connection.pk)}), secrets)
                assert json.loads(text)["results"] == []
        else:  # a list-level write (create, bulk replay) aimed at the other tenant
            body = {**LIST_WRITE_BODIES.get(name, {}), "tenant": tenant.slug}
            response = call(f"{url}?tenant={tenant.slug}", body, format="json")
            assert response.status_code == 400
            assert "tenant" in json.loads(scan(response, secrets))["error"]["details"]
    assert type(theirs).objects.filter(pk=theirs.pk).exists()

    # The owner reaches the very same URLs: the 404s above are about the tenant, not the URL.
    for method in actions:
        if method in ("put", "patch") or (method == "post" and not detail):
            continue  # writes with bodies are covered by their own tests
        response = getattr(owner_api, method)(url, {}, format="json")
        assert response.status_code < 300, f"owner {method.upper()} {url}: {response.content}"
        text = scan(response, secrets)
        if not detail:
            assert str(theirs.pk) in text
