"""Hostile vendor answers for the connector fuzz tests (tests/connectors/test_*_answers_fuzz.py).

A vendor is stood in for by a ScriptedServer whose `route` answers each request from a table of
well-formed answers (path pattern -> Answer). Hypothesis then spoils one to three of them: a body
that is not JSON (HTML, XML, cut off, binary, NUL bytes), JSON of the wrong shape, a record with a
field missing or of the wrong type or absurdly large, an odd status, garbage in the headers the
client reads (Retry-After, rate-limit headers, Location). Statuses that make the client retry
(429, 5xx) are left to tests/connectors/test_http_client*.py: each would sleep a backoff.
"""

import copy
import json
import re
from dataclasses import replace
from datetime import timedelta

from django.core.cache import cache
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from connectors import ratelimit
from connectors.models import ExternalLink
from connectors.myob.api import MyobApi
from connectors.myob.reference import ReferenceData
from sync.jobs import job_run
from sync.models import JobState, SyncJob
from tenants.models import Connection, ConnectionStatus, OAuthToken
from tests.factories import ConnectionFactory
from tests.support.well_formed_answers import EXACT_DIVISION, STORE, Route, Vendor

FUZZ = settings(
    max_examples=60,
    deadline=None,
    database=None,  # no example files in the checkout
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

NOT_JSON = [
    b"", b"<html><body>502 Bad Gateway</body></html>", b'{"id": 1, "name": "cut o', b"null x",
    b"<?xml version='1.0'?><Error><Message>Oops</Message></Error>", b"\x00\x01\x02\xff\xfe",
    b"NaN", b'{"a": Infinity}', b"[" * 5000 + b"]" * 5000, b'{"a":' * 3000 + b"1" + b"}" * 3000,
    b"\xef\xbb\xbf{}", b'"\\ud800"', b"OK", b"[1, 2,]",
]  # fmt: skip
HUGE_AND_ODD = [
    "9" * 5000, 10**30, -(10**30), 1e308, -1, 0, "", " ", "not a date", "Mon, 99 Foo 2024 25:61:61",
    "9999-99-99T99:99:99Z", "/Date(99999999999999999999)/", "/Date(x)/", "1e400", "NaN", "-0",
    "\u0000", "a\u0000b", "x" * 20_000, True, None, [], {}, [1, 2], {"a": {"b": [None]}},
]  # fmt: skip
HEADER_GARBAGE = [
    "garbage", "", "-5", "1e309", "inf", "nan", "Mon, 99 Foo 2024 99:99:99 GMT",
    "Thu, 01 Jan 10000 00:00:00 GMT", "99999999999999999999999", "0x10", "\u00ff\u00fe", "a\x00b",
]  # fmt: skip
ODD_STATUSES = [200, 201, 202, 204, 301, 302, 304, 400, 401, 403, 404, 409, 410, 422]
READ_HEADERS = [
    "Retry-After", "X-Retry-After", "X-Rate-Limit-Time-Reset-Ms", "X-Rate-Limit-Time-Window-Ms",
    "X-Rate-Limit-Requests-Left", "X-Rate-Limit-Requests-Quota", "X-RateLimit-Remaining",
    "X-RateLimit-Reset", "X-RateLimit-Minutely-Remaining", "X-RateLimit-Minutely-Reset",
    "Location", "Content-Type",
]  # fmt: skip

json_leaves = (
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20) | st.sampled_from(HUGE_AND_ODD)
)  # fmt: skip
json_values = st.recursive(
    json_leaves,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)


def _record_paths(body, path=()) -> list[tuple]:
    """Every path to an object inside a JSON body (the records a mutation may spoil)."""
    found = []
    if isinstance(body, dict):
        found.append(path)
        for key, value in body.items():
            found += _record_paths(value, (*path, key))
    elif isinstance(body, list):
        for index, value in enumerate(body[:3]):
            found += _record_paths(value, (*path, index))
    return found


def _at(body, path):
    for step in path:
        body = body[step]
    return body


@st.composite
def spoiled(draw, routes: list[Route], only: str = "") -> Vendor:
    """The routes with one to three answers spoiled: of those whose pattern contains `only` (a
    regex), the ones the code under test reads."""
    routes = [replace(r, answer=replace(r.answer, body=copy.deepcopy(r.answer.body), headers=dict(r.answer.headers))) for r in routes]  # fmt: skip
    targets = [r for r in routes if re.search(only, r.pattern)]
    for _ in range(draw(st.integers(1, 3))):
        route = draw(st.sampled_from(targets))
        answer = route.answer
        how = draw(st.sampled_from(["field", "field", "field", "drop", "body", "json", "status", "header"]))  # fmt: skip
        records = _record_paths(answer.body) if not isinstance(answer.body, bytes) else []
        if how in ("field", "drop") and records:
            record = _at(answer.body, draw(st.sampled_from(records)))
            if record:
                key = draw(st.sampled_from(sorted(record)))
                if how == "drop":
                    del record[key]
                else:
                    record[key] = draw(json_values)
        elif how == "body":
            answer.body = draw(st.sampled_from(NOT_JSON))
        elif how == "json":
            answer.body = json.dumps(draw(json_values)).encode()
        elif how == "status":
            answer.status = draw(st.sampled_from(ODD_STATUSES))
        else:
            name = draw(st.sampled_from(READ_HEADERS))
            answer.headers[name] = draw(st.sampled_from(HEADER_GARBAGE))
    return Vendor(routes)


# --- running a job against a spoiled vendor -------------------------------------------------
MYOB_KEY = "fuzz-myob-key"
# Every rate budget the scripted vendors are counted in (emptied before each run).
BUDGETS = [f"bigcommerce:{STORE}", f"myob:{MYOB_KEY}", f"exact:{EXACT_DIVISION}"]


def erp_connection(tenant, vendor_server, kind: str, erp_settings: dict) -> Connection:
    connection = ConnectionFactory(
        tenant=tenant, store_hash=STORE, bc_api_url=vendor_server.url, erp_kind=kind,
        erp_settings=erp_settings, erp_secrets={}, status=ConnectionStatus.ACTIVE,
    )  # fmt: skip
    OAuthToken.objects.create(connection=connection, system=kind, access_token="fuzz-at-1")
    return connection


def erp_afresh(connection) -> None:
    """Each example starts from the same state: active, a valid token that may be refreshed,
    no customer links, no cached reference data."""
    now = timezone.now()
    Connection.objects.filter(pk=connection.pk).update(
        status=ConnectionStatus.ACTIVE, last_error=""
    )
    OAuthToken.objects.filter(connection=connection).update(
        access_token="fuzz-at-1", refresh_token="fuzz-rt-1", expires_at=now + timedelta(hours=1),
        obtained_at=now - timedelta(hours=1), last_refresh_error="",
    )  # fmt: skip
    ExternalLink.objects.filter(connection=connection).delete()
    if connection.erp_kind == "myob":
        ReferenceData(MyobApi(connection)).forget()
    for resource in ("logistics/Items", "financial/GLAccounts"):
        cache.delete(f"exact:ids:{connection.pk}:{EXACT_DIVISION}:{resource}")


OUTCOMES = {JobState.SUCCEEDED, JobState.SKIPPED, JobState.FAILED, JobState.PENDING}


def run_afresh(connection, kind: str, source_id: str, *, budgets=()) -> SyncJob:
    """Run the job as new (the sync_job task's body), with the vendors' rate budgets emptied:
    the fuzz sends far faster than any vendor allows."""
    for key in budgets:
        ratelimit.limiter().reset(key)
    job, _ = SyncJob.objects.update_or_create(
        connection=connection, kind=kind, source_id=source_id,
        defaults={"tenant_id": connection.tenant_id, "state": JobState.PENDING, "attempts": 0,
                  "last_error": "", "erp_document_id": "", "next_attempt_at": None},
    )  # fmt: skip
    assert job_run(job.pk, trigger="fuzz") is not None
    job.refresh_from_db()
    return job


def assert_plain_outcome(job: SyncJob, *labels: str) -> None:
    """Succeeded, skipped, failed or waiting to retry; a failure names one of the systems."""
    assert job.state in OUTCOMES, job.state
    assert not job.last_error.startswith("Internal error"), job.last_error
    if job.state in (JobState.FAILED, JobState.PENDING):
        assert any(label in job.last_error for label in labels), job.last_error
