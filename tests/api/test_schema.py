"""The OpenAPI schema validates without a warning, its pages are served, and schemathesis, fuzzing
every operation on a live server, finds no server error and no answer that breaks the schema."""

import pytest
import schemathesis
from django.core.management import call_command
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.conftest import secret_values
from tests.api.routes import api_routes
from tests.factories import ConnectionFactory

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# Generated cases per operation and strategy (positive, negative, on a real row): ~20 operations
# stay well inside the time budget (under a minute on a busy CI machine).
EXAMPLES = 8
# Path prefix → the fixture row whose id is substituted, so detail routes are exercised on a
# real object as well as on generated (missing) ids.
REAL_IDS = {
    "/api/v1/connections/": "connection",
    "/api/v1/events/": "event",
    "/api/v1/jobs/": "job",
    "/api/v1/calls/": "call",
    "/api/v1/runs/": "run",
}
# Writes with a body could point a connection at any host: they get a connection of their own,
# on which no action that calls out (test, activate) is ever fuzzed.
BODY_WRITES = ("PUT", "PATCH")


@pytest.mark.django_db
def test_spectacular_validates_the_schema_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yml"))
    assert (tmp_path / "s.yml").read_text().startswith("openapi: 3")


@pytest.mark.django_db
def test_the_schema_and_its_pages_are_served(client):
    assert client.get("/api/schema/", HTTP_ACCEPT="application/json").json()["openapi"][:2] == "3."
    for page in ("/api/schema/swagger/", "/api/schema/redoc/"):
        response = client.get(page)
        assert response.status_code == 200 and b"/api/schema/" in response.content


def fuzz(strategy, test):
    @settings(
        max_examples=EXAMPLES, deadline=None, database=None,
        phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck),
    )  # fmt: skip
    @given(case=strategy)
    def run(case):
        test(case)

    return run


def _real_path(operation, rows) -> dict | None:
    if "{id}" not in operation.path:
        return None
    if operation.method.upper() in BODY_WRITES:
        return {"id": str(rows["scratch"].pk)}
    for prefix, row in REAL_IDS.items():
        if operation.path.startswith(prefix):
            return {"id": str(rows[row].pk)}
    raise AssertionError(f"no real row for {operation.path}: add it to REAL_IDS")


@pytest.mark.django_db
def test_the_schema_documents_every_api_route(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    documented = {(m.upper(), path) for path, ops in schema["paths"].items() for m in ops}
    routed = {(m.upper(), r.template) for r in api_routes() for m in r.actions}
    assert documented == routed


@pytest.fixture
def scratch(rows):
    return ConnectionFactory(tenant=rows["connection"].tenant, bc_api_url="https://127.0.0.1:9")


@pytest.mark.django_db(transaction=True)
def test_schemathesis_finds_no_server_error_and_no_schema_violation(
    live_server, rows, scratch, owner_token
):
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/?format=json")
    headers = {"Authorization": f"Bearer {owner_token}"}
    rows = {**rows, "scratch": scratch}
    secrets = secret_values(rows["connection"], scratch, tokens=[owner_token])
    failures: list[str] = []
    statuses: dict[str, set[int]] = {}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {(o.method.upper(), o.path) for o in operations} == {
        (m.upper(), r.template) for r in api_routes() for m in r.actions
    }, "every API route is fuzzed"

    def run(case, checks):
        response = case.call(base_url=live_server.url, headers=headers)
        statuses.setdefault(case.operation.label, set()).add(response.status_code)
        case.validate_response(response, checks=checks, headers=headers)
        assert not [s for s in secrets if s in response.text], "a secret is in a response"

    for operation in operations:
        real = _real_path(operation, rows)
        # The token is fixed, not generated: every case is the owner's, valid or not.
        strategies = [
            (operation.as_strategy(GenerationMode.POSITIVE, headers=headers), CHECKS),
            (
                operation.as_strategy(GenerationMode.NEGATIVE, headers=headers),
                [*CHECKS, negative_data_rejection],
            ),
        ]
        # On a real row as well (PUT and PATCH on the scratch connection), and the examples the
        # schema documents, which reach the success paths random bodies rarely pass.
        if real:
            strategies.append(
                (
                    operation.as_strategy(
                        GenerationMode.POSITIVE, path_parameters=real, headers=headers
                    ),
                    CHECKS,
                )
            )
        examples = schema.get_strategies_from_examples(
            operation, headers=headers, **({"path_parameters": real} if real else {})
        )
        strategies += [(example, CHECKS) for example in examples]
        for strategy, checks in strategies:
            try:
                fuzz(strategy, lambda case, checks=checks: run(case, checks))()
            except Exception as exc:  # collect all operations' findings, then fail once
                failures.append(f"{operation.label}: {exc}")
    assert not failures, "\n\n".join(failures)
    # The token worked throughout, and every operation answered a success at least once: the
    # fuzzing reached the views, not only their error paths.
    assert not {label for label, codes in statuses.items() if codes & {401, 403}}
    assert not {label for label, codes in statuses.items() if not any(c < 300 for c in codes)}
    assert len(statuses) == len(operations)
