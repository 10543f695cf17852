"""A person signed in to the admin holds different roles in two tenants — a viewer in Acme, the
owner of Globex. Through the API, with their session, every write on Acme's rows is refused (403)
and changes nothing, while the same write on Globex's rows goes through: their write role counts
in Globex only. Every route the URL resolver knows is swept (tests/api/routes.py)."""

import pytest
from rest_framework.test import APIClient

from tests.api.routes import api_routes
from tests.api.test_roles_and_idempotency_sweep import BODIES, is_write, make_rows, snapshot
from tests.factories import ConnectionFactory

ROUTES = api_routes()
WRITES = [
    (route, method) for route in ROUTES for method in route.actions if is_write(route, method)
]


@pytest.fixture
def dana_api(dana) -> APIClient:
    client = APIClient()
    client.force_login(dana)
    return client


@pytest.fixture
def globex_connection(other_tenant, connection):
    return ConnectionFactory(tenant=other_tenant, bc_api_url=connection.bc_api_url)


def test_the_sweep_has_writes_to_make():
    names = {route.name for route, _ in WRITES}
    assert {"job-replay", "event-redispatch", "connection-pause", "job-bulk-replay"} <= names


@pytest.mark.django_db
@pytest.mark.parametrize("route,method", WRITES, ids=[f"{r.name}-{m}" for r, m in WRITES])
def test_a_write_role_in_one_tenant_writes_nothing_in_another(
    route, method, dana_api, connection, globex_connection, tenant, other_tenant
):
    acme_row = make_rows(connection)[route.model]
    globex_row = make_rows(globex_connection)[route.model]
    body = BODIES.get((route.name, method), {})
    call = getattr(dana_api, method)

    before = snapshot(connection, acme_row)
    if route.detail:
        response = call(route.url(acme_row.pk), body, format="json")
        assert response.status_code == 403, f"{method.upper()} {route.name}: {response.content}"
        assert response.json()["error"]["code"] == "permission_denied"
    else:  # a list-level write naming Acme
        response = call(f"{route.url()}?tenant={tenant.slug}", {**body, "tenant": tenant.slug},
                        format="json")  # fmt: skip
        assert response.status_code == 400, response.content
        assert "tenant" in response.json()["error"]["details"]
    assert snapshot(connection, acme_row) == before, f"{route.name} changed Acme's rows"

    # The very same write in Globex, where the person is the owner, goes through.
    if route.detail:
        response = call(route.url(globex_row.pk), body, format="json")
    else:
        body = {**body, "tenant": other_tenant.slug}
        response = call(f"{route.url()}?tenant={other_tenant.slug}", body, format="json")
    assert response.status_code < 300, f"{method.upper()} {route.name}: {response.content}"
