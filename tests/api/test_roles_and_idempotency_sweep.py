"""Two promises checked on every API route the URL resolver knows (tests/api/routes.py), so a new
route or action is held to them without being listed here: a viewer reads everything and changes
nothing (403 on every write), and every POST honours Idempotency-Key (a repeat gets the first
answer, byte for byte, and does nothing new)."""

import pytest

from sync.models import SyncAttempt
from tenants.models import Connection, IdempotencyKey
from tests.api.routes import FACTORIES, api_routes

ROUTES = api_routes()
POST_ROUTES = [route for route in ROUTES if "post" in route.actions]
# Bodies that would succeed, so a 403 is about the role and never about the input.
BODIES = {
    ("connection-list", "post"): {
        "name": "Wholesale", "store_hash": "whole1", "bc_access_token": "bc-token-secret-sweep",
        "erp_kind": "myob", "erp_config": {},
    },
    ("connection-detail", "put"): {"name": "Renamed", "store_hash": "renamed1"},
    ("connection-detail", "patch"): {"name": "Renamed"},
}  # fmt: skip
COUNTED = [*FACTORIES, SyncAttempt, IdempotencyKey]
# The only POSTs a viewer may send: they change nothing (as in the admin). Listed here, not read
# from the views, so a view that declares a write read-only fails this sweep.
VIEWER_POSTS = {"connection-test"}


def is_write(route, method: str) -> bool:
    return method not in ("get", "head", "options") and route.name not in VIEWER_POSTS


def make_rows(connection) -> dict:
    return {model: factory(connection) for model, factory in FACTORIES.items()}


def snapshot(connection, row) -> tuple:
    """Row counts of every model the API touches, and the target row and its connection as
    stored: equal snapshots mean a request changed nothing."""
    counts = {model.__name__: model.objects.count() for model in COUNTED}
    stored = type(row).objects.filter(pk=row.pk).values().get()
    return counts, stored, Connection.objects.filter(pk=connection.pk).values().get()


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES, ids=[route.name for route in ROUTES])
def test_viewers_read_every_route_and_change_nothing(route, connection, viewer_api):
    row = make_rows(connection)[route.model]
    url = route.url(row.pk)
    for method in route.actions:
        before = snapshot(connection, row)
        body = BODIES.get((route.name, method), {})
        response = getattr(viewer_api, method)(url, body, format="json")
        if is_write(route, method):
            assert response.status_code == 403, f"{method.upper()} {url}: {response.content}"
            assert response.json()["error"]["code"] == "permission_denied"
            assert snapshot(connection, row) == before, f"{method.upper()} {url} changed rows"
        else:
            assert response.status_code < 300, f"{method.upper()} {url}: {response.content}"


@pytest.mark.django_db
@pytest.mark.parametrize("route", POST_ROUTES, ids=[route.name for route in POST_ROUTES])
def test_every_post_honours_the_idempotency_key(route, connection, owner_api):
    row = make_rows(connection)[route.model]
    url = route.url(row.pk)
    body = BODIES.get((route.name, "post"), {})
    first = owner_api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="sweep-1")
    assert 200 <= first.status_code < 300, first.content
    assert not first.has_header("Idempotent-Replayed")
    before = snapshot(connection, row)
    again = owner_api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="sweep-1")
    assert (again.status_code, again.content) == (first.status_code, first.content)
    assert again["Idempotent-Replayed"] == "true"
    assert snapshot(connection, row) == before, "the repeat did something new"
    # A new key is a new request: it is not answered from the store.
    fresh = owner_api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="sweep-2")
    assert not fresh.has_header("Idempotent-Replayed")
