"""Every answer the sandbox Acumatica's contract-based API gives in its own tests validates against
Acumatica's official OpenAPI file (../shared/specs/acumatica, or ACUMATICA_SPECS_DIR): the API,
documents and licence tests run again through a client that records each exchange. Skipped on a
developer's machine without the file; in CI (CI=true) its absence fails the run instead.

The file declares no 404, 405 or 429 answers, no PATCH and no action status address: those
answers are checked against its HttpError schema (or, for a status poll, as empty), not skipped."""

import functools
import gzip
import json
import os
import re
from pathlib import Path

import pytest
import requests
from openapi_core import OpenAPI
from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse
from openapi_schema_validator import OAS30Validator

from sandbox.acumatica import services
from sandbox.acumatica.contract import FILE
from tests.acumatica import test_sandbox_api, test_sandbox_documents
from tests.support.acumatica_sandbox import acumatica_create, bearer_client, wrap

SPECS = Path(
    os.environ.get("ACUMATICA_SPECS_DIR")
    or Path(__file__).resolve().parents[3] / "shared" / "specs" / "acumatica"
)
OFFICIAL = SPECS / "Default_24.200.001.openapi.json"
if not OFFICIAL.exists() and os.environ.get("CI") == "true":
    pytest.fail(
        f"Acumatica's OpenAPI file is not at {OFFICIAL}. In CI it must be there: put the shared "
        "specs beside the checkout (../shared/specs/acumatica) or set ACUMATICA_SPECS_DIR.",
        pytrace=False,
    )
pytestmark = pytest.mark.skipif(
    not OFFICIAL.exists(), reason="Acumatica's OpenAPI file is not here"
)

SERVER = "http://sandbox.invalid/entity/Default/24.200.001"
ADDRESS = re.compile(r"^.*/entity/Default/\d+\.\d+\.\d+(?P<path>/[^?]*)(?P<query>\?.*)?$")


@functools.cache
def official() -> dict:
    return json.loads(OFFICIAL.read_text())


@functools.cache
def openapi() -> OpenAPI:
    return OpenAPI.from_dict(official() | {"servers": [{"url": SERVER}]})


def http_error(body) -> list[str]:
    document = official()
    schema = {
        **document["components"]["schemas"]["HttpError"],
        "components": document["components"],
    }
    return [error.message for error in OAS30Validator(schema).iter_errors(body)]


class Recorder(requests.Session):
    """A client that keeps every answer it gets from the contract-based API."""

    def __init__(self, headers=None):
        super().__init__()
        self.headers.update(headers or {})
        self.seen = []
        self.hooks["response"].append(self._keep)

    def _keep(self, response, *args, **kwargs):
        # A detached copy is kept: the answer itself holds its socket, and with it a live-server
        # thread and that thread's database connection, open past the test.
        copy = requests.Response()
        copy.status_code, copy._content = response.status_code, response.content
        copy.headers, copy.url, copy.request = (
            response.headers.copy(),
            response.url,
            response.request,
        )
        self.seen.append(copy)


def _as_the_file_addresses(response):
    """The request at the file's server; keys in the path (SO/SO000001) as one {ids} value."""
    match = ADDRESS.match(response.request.url)
    parts = match["path"].strip("/").split("/")
    if len(parts) > 2 and "status" not in parts:
        parts = [parts[0], "%2F".join(parts[1:])]
    request = response.request.copy()
    request.url = f"{SERVER}/{'/'.join(parts)}{match['query'] or ''}"
    return request, parts


def _declared(request, parts, response) -> bool:
    """Whether the file declares this status for the operation."""
    path = "/" + parts[0] + ("/{id}" if len(parts) == 2 and request.method in ("GET", "DELETE")
                             else "/{actionName}" if len(parts) == 2 else "")  # fmt: skip
    operation = official()["paths"].get(path, {}).get(request.method.lower(), {})
    return str(response.status_code) in operation.get("responses", {})


def invalid(responses) -> tuple[list[str], int]:
    found, checked = [], 0
    for response in responses:
        if not ADDRESS.match(response.request.url) or response.request.url.endswith("swagger.json"):
            continue
        request, parts = _as_the_file_addresses(response)
        what = f"{response.request.method} {response.request.url} → {response.status_code}"
        checked += 1
        if "status" in parts:  # the action's status address: 202/204 with no body
            if response.status_code not in (202, 204) or response.content:
                found.append(f"{what}: not an empty 202/204")
            continue
        if response.request.method == "PATCH" or not _declared(request, parts, response):
            if response.status_code >= 400 and (errors := http_error(response.json())):
                found.append(f"{what}: {errors}")
            elif response.status_code < 400 and not isinstance(response.json(), dict):
                found.append(f"{what}: not an entity")
            continue
        try:
            openapi().validate_response(
                RequestsOpenAPIRequest(request), RequestsOpenAPIResponse(response)
            )
        except Exception as exc:  # any validation error: reported with its request
            cause = exc.__cause__ or exc
            details = [str(e.message) for e in getattr(cause, "schema_errors", ())][:3]
            found.append(f"{what}: {cause!r} {details}"[:800])
    return found, checked


API_TESTS = [getattr(test_sandbox_api, n) for n in dir(test_sandbox_api) if n.startswith("test_")]
DOCUMENT_TESTS = [
    getattr(test_sandbox_documents, n)
    for n in dir(test_sandbox_documents)
    if n.startswith("test_") and "swagger" not in n  # that one reads the file, no entity
]


@pytest.mark.parametrize("test", API_TESTS + DOCUMENT_TESTS, ids=lambda t: t.__name__)
def test_sandbox_answers_in_its_tests_match_the_official_file(test, acu):
    client = Recorder(bearer_client(acu).headers)
    if "acu_client" in test.__code__.co_varnames[: test.__code__.co_argcount]:
        test(acu=acu, acu_client=client)
    else:
        test(acu=acu)
    client.close()
    found, checked = invalid(client.seen)
    assert found == []
    assert checked >= 1


def test_error_answers_match_the_official_file(live_server, transactional_db):
    acu = acumatica_create(live_server, api_users=10)
    client = Recorder(bearer_client(acu).headers)
    url = f"{acu.entity}/Customer"
    services.faults_set(acu.tenant, fault_rate_limited=1)
    client.get(url, timeout=10)  # 429
    services.faults_set(acu.tenant, fault_error_rate=1.0)
    client.get(url, timeout=10)  # 500
    services.faults_set(acu.tenant, fault_error_rate=0.0)
    client.put(url, json={"CustomerID": "flat"}, timeout=10)  # 400
    client.put(url, json=wrap(CustomerID="C1"), headers={"If-Match": "*"}, timeout=10)  # 412
    client.put(f"{acu.entity}/SalesOrder", json=wrap(CustomerID="NOPE"), timeout=10)  # 422
    client.get(f"{url}/NOPE", timeout=10)  # 404
    client.delete(f"{url}/NOPE", timeout=10)  # 404
    client.post(f"{acu.entity}/SalesOrder/ReleaseFromHold", json={"entity": {}}, timeout=10)
    stranger = Recorder()
    stranger.get(url, timeout=10)  # 401, no sign-in
    client.seen += stranger.seen
    client.close()
    stranger.close()
    statuses = sorted({r.status_code for r in client.seen})
    assert statuses == [400, 401, 404, 412, 422, 429, 500]
    found, _ = invalid(client.seen)
    assert found == []


def test_the_sandbox_serves_the_official_file():
    assert json.loads(gzip.decompress(FILE.read_bytes())) == official()
