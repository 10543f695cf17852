"""The sandbox Business Central's limits and fault switches over real HTTP: the per-user
requests-per-window (429), the concurrent slots with their queue (calls wait, a full queue →
429), 503 with Retry-After, 429 storms, 500s, latency, a create that commits then fails or
hangs, Entra's 503; the calls counted."""

import threading
import time

import requests
from django.db import connection

from sandbox.business_central import services
from sandbox.business_central.models import BcRecord
from tests.support.bc_sandbox import bc_session


def _get(client, url, results, index):
    try:
        results[index] = client.get(url, timeout=20).status_code
    finally:
        connection.close()


def _together(bc, count: int) -> list[int]:
    """`count` calls at the same moment, each on its own session; their statuses."""
    token = bc_session(bc).headers["Authorization"]
    results = [0] * count
    threads = []
    for index in range(count):
        client = requests.Session()
        client.headers["Authorization"] = token
        threads.append(threading.Thread(target=_get, args=(client, f"{bc.company_url}/taxAreas",
                                                           results, index)))  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_the_window_of_requests_is_per_app_and_answers_429(bc, bc_client):
    services.limits_set(bc.environment, requests_per_window=3, window_seconds=2)
    url = f"{bc.company_url}/taxAreas"
    statuses = [bc_client.get(url, timeout=10).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = bc_client.get(url, timeout=10)
    assert refused.json()["error"]["code"] == "Application_TooManyRequests"
    time.sleep(2.1)  # the window slides on
    assert bc_client.get(url, timeout=10).status_code == 200
    counts = services.call_counts(bc.environment)
    assert counts["total"] == 6 and counts["429"] == 2 and counts["200"] == 4


def test_calls_beyond_the_concurrent_slots_wait_in_the_queue(bc):
    services.limits_set(bc.environment, concurrent=2, queue=10)
    services.faults_set(bc.environment, fault_latency_ms=600)
    started = time.monotonic()
    assert _together(bc, 6) == [200] * 6
    assert time.monotonic() - started >= 1.7  # three rounds of two, 0.6 s each


def test_a_full_queue_answers_429(bc):
    services.limits_set(bc.environment, concurrent=1, queue=1)
    services.faults_set(bc.environment, fault_latency_ms=1500)
    statuses = _together(bc, 5)
    assert sorted(statuses) == [200, 200, 429, 429, 429]


def test_faults_answer_503_with_retry_after_429s_and_500s(bc, bc_client):
    url = f"{bc.company_url}/items"
    services.faults_set(bc.environment, fault_unavailable=1, fault_retry_after=7)
    down = bc_client.get(url, timeout=10)
    assert down.status_code == 503 and down.headers["Retry-After"] == "7"
    services.faults_set(bc.environment, fault_rate_limited=2)
    assert [bc_client.get(url, timeout=10).status_code for _ in range(3)] == [429, 429, 200]
    services.faults_set(bc.environment, fault_error_rate=1.0)
    broken = bc_client.get(url, timeout=10)
    assert broken.status_code == 500 and set(broken.json()) == {"error"}
    services.faults_set(bc.environment, fault_error_rate=0.0)
    counts = services.call_counts(bc.environment)
    assert counts["503"] == 1 and counts["429"] == 2 and counts["500"] == 1


def test_a_create_that_commits_then_fails_or_hangs(bc, bc_client):
    url = f"{bc.company_url}/customers"
    services.faults_set(bc.environment, fault_create_then_error=1,
                        fault_create_resource="customers")  # fmt: skip
    assert bc_client.get(url, timeout=10).status_code == 200  # only creates count
    failed = bc_client.post(url, json={"displayName": "Made Anyway"}, timeout=10)
    assert failed.status_code == 500
    services.faults_set(bc.environment, fault_create_then_hang=1, fault_hang_ms=1500)
    try:
        bc_client.post(url, json={"displayName": "Made While Hanging"}, timeout=0.5)
        raise AssertionError("the create answered before the hang ended")
    except requests.exceptions.ReadTimeout:
        pass
    names = set(BcRecord.objects.filter(entity_set="customers")
                .values_list("data__displayName", flat=True))  # fmt: skip
    assert {"Made Anyway", "Made While Hanging"} <= names


def test_entra_can_be_unavailable(bc):
    from tests.support.bc_sandbox import token_call

    services.entra_faults_set(bc.app, fault_entra_unavailable=1)
    down = token_call(bc)
    assert down.status_code == 503 and down.json()["error"] == "temporarily_unavailable"
    assert token_call(bc).status_code == 200
