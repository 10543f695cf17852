"""The sandbox Acumatica's licence throttle and fault switches, over real HTTP: requests past half
the per-minute limit are delayed by (time left) / (requests left), more than 20 waiting → 429,
a concurrent cap queues; 429 storms, expired tokens, 500s, create-then-error."""

import itertools
import time
from concurrent.futures import ThreadPoolExecutor

import requests

from sandbox.acumatica import services
from sandbox.acumatica.models import AcuCall
from tests.support.acumatica_sandbox import acumatica_create, bearer_client, wrap


def test_requests_past_half_the_minute_limit_are_delayed(live_server, transactional_db):
    acu = acumatica_create(live_server, requests_per_minute=10, window_seconds=3)
    client = bearer_client(acu)
    url = f"{acu.entity}/Customer"
    timings = []
    for _ in range(8):
        started = time.monotonic()
        assert client.get(url, timeout=20).status_code == 200
        timings.append(time.monotonic() - started)
    delays = list(AcuCall.objects.filter(instance=acu.instance).order_by("pk").values_list(
        "delay_ms", flat=True))  # fmt: skip
    assert delays[:5] == [0] * 5  # under half of 10: at once
    assert all(delay > 0 for delay in delays[5:])  # then (time left) / (requests left)
    assert delays[5] <= 3000 / 5 + 50 and max(timings[5:]) >= 0.1
    assert services.call_counts(acu.tenant)["429"] == 0
    client.close()


def test_more_than_twenty_waiting_is_a_429_and_a_concurrent_cap_queues(
    live_server, transactional_db
):
    acu = acumatica_create(live_server, concurrent=1, max_queue=3)
    client = bearer_client(acu)
    services.faults_set(acu.tenant, fault_latency_ms=400)  # each call holds the one core a while
    url = f"{acu.entity}/Customer"
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda _: requests.get(url, headers=client.headers, timeout=30),
                                range(8)))  # fmt: skip
    codes = sorted(answer.status_code for answer in answers)
    assert 200 in codes and 429 in codes
    refused = next(a for a in answers if a.status_code == 429)
    assert "Retry-After" not in refused.headers and "message" in refused.json()
    calls = AcuCall.objects.filter(instance=acu.instance, status_code=200).order_by("started_at")
    starts = list(calls.values_list("started_at", flat=True))
    # One core: each admitted call started after the one before had its 400 ms.
    assert all((b - a).total_seconds() >= 0.35 for a, b in itertools.pairwise(starts))


def test_fault_switches(acu, acu_client):
    client = acu_client
    url = f"{acu.entity}/Customer"
    services.faults_set(acu.tenant, fault_rate_limited=2)
    assert [client.get(url, timeout=10).status_code for _ in range(3)] == [429, 429, 200]
    services.faults_set(acu.tenant, fault_error_rate=1.0)
    failed = client.get(url, timeout=10)
    assert failed.status_code == 500 and "exceptionType" in failed.json()
    services.faults_set(acu.tenant, fault_error_rate=0.0, fault_expired_token=1)
    assert client.get(url, timeout=10).status_code == 401
    assert client.get(url, timeout=10).status_code == 401  # the token stays expired
    fresh = bearer_client(acu)
    services.faults_set(acu.tenant, fault_create_then_error=1, fault_create_resource="Customer")
    made = fresh.put(url, json=wrap(CustomerID="C1"), timeout=10)
    assert made.status_code == 500
    assert [c["CustomerID"]["value"] for c in services.records(acu.tenant, "Customer")] == ["C1"]
    again = fresh.put(url, json=wrap(CustomerID="C1", CustomerName="Ada"), timeout=10)
    assert again.status_code == 200  # an update is no create: the switch is spent anyway
    services.faults_set(acu.tenant, fault_create_then_hang=1, fault_hang_ms=600)
    started = time.monotonic()
    hung = fresh.put(url, json=wrap(CustomerID="C2"), timeout=10)
    assert hung.status_code == 200 and time.monotonic() - started >= 0.6
    assert len(services.records(acu.tenant, "Customer")) == 2
    fresh.close()
