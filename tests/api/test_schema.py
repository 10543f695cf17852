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

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
EXAMPLES = 12  # per operation and mode: ~20 operations stay well inside the time budget
# Path prefix → the fixture row whose id is substituted, so detail routes are exercised on a
# real object as well as on generated (missing) ids.
REAL_IDS = {
    "/api/v1/connections/": "connection",
    "/api/v1/events/": "event",
    "/api/v1/jobs/": "job",
    "/api/v1/calls/": "call",
    "/api/v1/runs/": "run",
}


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
    for prefix, row in REAL_IDS.items():
        if operation.path.startswith(prefix):
            return {"id": str(rows[row].pk)}
    raise AssertionError(f"no real row for {operation.path}: add it to REAL_IDS")


@pytest.mark.django_db(transaction=True)
def test_schemathesis_finds_no_server_error_and_no_schema_violation(live_server, rows, owner_token):
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/?format=json")
    headers = {"Authorization": f"Bearer {owner_token}"}
    secrets = secret_values(rows["connection"], tokens=[owner_token])
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20

    def run(case, checks):
        response = case.call(base_url=live_server.url, headers=headers)
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
        # A write with a body on the real connection could point it at any host: real ids are
        # used for reads and body-less actions only.
        if real and operation.method.upper() in ("GET", "POST"):
            strategies.append(
                (
                    operation.as_strategy(
                        GenerationMode.POSITIVE, path_parameters=real, headers=headers
                    ),
                    CHECKS,
                )
            )
        for strategy, checks in strategies:
            try:
                fuzz(strategy, lambda case, checks=checks: run(case, checks))()
            except Exception as exc:  # collect all operations' findings, then fail once
                failures.append(f"{operation.method.upper()} {operation.path}: {exc}")
    assert not failures, "\n\n".join(failures)
