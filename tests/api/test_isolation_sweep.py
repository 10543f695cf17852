"""Every API route, found by walking the URL resolver: an outsider's token gets 404 on every object
URL of another tenant and finds none of its rows in any list; the owner's token reaches the same
URLs (so the 404s mean something); no response of the sweep holds a secret. A new route or view
set is swept automatically; one whose rows this file cannot make fails the coverage test."""

import json

import pytest

from tests.api.conftest import secret_values
from tests.api.routes import FACTORIES, api_routes, unswept_views
from tests.factories import ConnectionFactory

ROUTES = api_routes()
BODIES = {"post": {}, "put": {"name": "x", "store_hash": "x"}, "patch": {}}
# List-level writes get a body that would succeed in the caller's own tenant.
LIST_WRITE_BODIES = {
    "connection-list": {
        "name": "Planted", "store_hash": "planted", "bc_access_token": "bc-token-secret-planted",
        "erp_kind": "myob", "erp_config": {},
    },
}  # fmt: skip


def test_the_sweep_covers_every_api_view():
    assert not unswept_views(), "API views that are not ScopedViewSets are not swept"
    assert {route.name for route in ROUTES} >= {
        "connection-list", "connection-detail", "connection-test", "connection-activate",
        "connection-pause", "connection-webhook-health", "connection-token-status",
        "event-list", "event-detail", "event-redispatch", "job-list", "job-detail", "job-replay",
        "job-bulk-replay", "call-list", "call-detail", "run-list", "run-detail",
    }  # fmt: skip
    missing = {route.model.__name__ for route in ROUTES} - {m.__name__ for m in FACTORIES}
    assert not missing, f"add a factory to tests/api/routes.py FACTORIES for: {missing}"


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
@pytest.mark.parametrize("route", ROUTES, ids=[route.name for route in ROUTES])
def test_outsiders_get_404_or_nothing_and_no_response_holds_a_secret(
    route, victims, connection, tenant, other_tenant, owner_api, outsider_api, owner_token,
    outsider_token,
):  # fmt: skip
    ConnectionFactory(tenant=other_tenant)  # the outsider has rows of their own
    theirs = victims[route.model]
    secrets = secret_values(connection, tokens=[owner_token, outsider_token])
    url = route.url(theirs.pk)
    for method in route.actions:
        call = getattr(outsider_api, method)
        body = BODIES.get(method)
        if route.detail:
            response = call(url, body, format="json") if body is not None else call(url)
            assert response.status_code == 404, f"{method.upper()} {url}"
            assert json.loads(scan(response, secrets))["error"]["code"] == "not_found"
        elif method == "get":
            for query in ({}, {"tenant": tenant.slug}):
                text = scan(outsider_api.get(url, {"page_size": 200, **query}), secrets)
                listed = {str(row["id"]) for row in json.loads(text)["results"]}
                assert str(theirs.pk) not in listed
                assert str(connection.pk) not in text and tenant.slug not in text
            if "connection" in route.view.filterset_class.base_filters:
                # Naming the other tenant's connection finds nothing either.
                text = scan(outsider_api.get(url, {"connection": str(connection.pk)}), secrets)
                assert json.loads(text)["results"] == []
        else:  # a list-level write (create, bulk replay) aimed at the other tenant
            body = {**LIST_WRITE_BODIES.get(route.name, {}), "tenant": tenant.slug}
            response = call(f"{url}?tenant={tenant.slug}", body, format="json")
            assert response.status_code == 400
            assert "tenant" in json.loads(scan(response, secrets))["error"]["details"]
    assert type(theirs).objects.filter(pk=theirs.pk).exists()

    # The owner reaches the very same URLs: the 404s above are about the tenant, not the URL.
    for method in route.actions:
        if method in ("put", "patch") or (method == "post" and not route.detail):
            continue  # writes with bodies are covered by their own tests
        response = getattr(owner_api, method)(url, {}, format="json")
        assert response.status_code < 300, f"owner {method.upper()} {url}: {response.content}"
        text = scan(response, secrets)
        if not route.detail:
            assert str(theirs.pk) in text
