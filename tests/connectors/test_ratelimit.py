"""Budgets shared by processes: never exceeded, and live work is never starved by backfill."""

import json
import os
import subprocess
import sys
import threading
import time

import pytest
from django.db import connection as db_connection
from django.test import override_settings

from connectors import ratelimit
from connectors.ratelimit import BACKFILL, LIVE, RatePolicy, Window, limiter
from tests.support.windows import max_in_any_window


def hammer(key: str, processes: int, seconds: float, window: float, limit: int, env: dict):
    args = [
        sys.executable,
        "-m",
        "tests.support.hammer",
        key,
        str(seconds),
        str(window),
        str(limit),
        LIVE,
    ]
    procs = [
        subprocess.Popen(args, stdout=subprocess.PIPE, env={**os.environ, **env}, text=True)
        for _ in range(processes)
    ]
    grants = []
    for proc in procs:
        out, _ = proc.communicate(timeout=60)
        assert proc.returncode == 0
        grants.append(json.loads(out))
    return grants


@pytest.mark.django_db
def test_redis_bucket_holds_across_processes():
    key = "test:hammer:redis"
    limiter().reset(key)
    grants = hammer(key, processes=4, seconds=2.5, window=1.0, limit=10, env={})
    every = [t for per_process in grants for t in per_process]
    assert max_in_any_window(every, 0.98) <= 10
    assert len(every) >= 20  # the budget was used, not just refused
    assert sum(1 for g in grants if g) >= 2  # more than one process got a share
    limiter().reset(key)


@pytest.mark.embedded  # SQLite in the embedded run; PostgreSQL with no Redis in the other
@pytest.mark.django_db(transaction=True)
def test_database_bucket_holds_across_processes():
    """The embedded mode's limiter: a locked row, shared by every process on the machine."""
    from tests.support.worker import worker_database_url

    url = worker_database_url()
    assert url.startswith("sqlite:///" if db_connection.vendor == "sqlite" else "postgres://")
    grants = hammer(
        "test:hammer:db",
        processes=3,
        seconds=2.5,
        window=1.0,
        limit=8,
        env={"REDIS_URL": "", "DATABASE_URL": url},
    )
    every = [t for per_process in grants for t in per_process]
    assert max_in_any_window(every, 0.98) <= 8
    assert len(every) >= 16


@pytest.mark.django_db
@pytest.mark.parametrize("backend", ["redis", "database"])
def test_backfill_cannot_take_the_room_live_orders_need(backend, settings):
    if backend == "database":
        settings.REDIS_URL = ""
    key = f"test:fair:{backend}"
    limiter().reset(key)
    policy = RatePolicy(windows=(Window(1.0, 8),), backfill_share=0.75)
    # Tenant A's backfill takes everything it may: 6 of 8.
    backfill_grants = sum(1 for _ in range(20) if limiter().try_acquire(key, policy, BACKFILL) <= 0)
    assert backfill_grants == 6
    # Tenant B's live order still gets through at once, twice.
    assert limiter().try_acquire(key, policy, LIVE) == 0
    assert limiter().try_acquire(key, policy, LIVE) == 0
    assert limiter().try_acquire(key, policy, LIVE) > 0  # and then the window is full
    limiter().reset(key)


@pytest.mark.django_db
def test_two_tenants_hammering_one_bucket_both_progress():
    key = "test:two-tenants"
    limiter().reset(key)
    policy = RatePolicy(windows=(Window(0.5, 10),))
    counts = {"a": 0, "b": 0}
    stop = time.time() + 2.0

    def tenant(name, lane):
        while time.time() < stop:
            try:
                ratelimit.wait_for_slot(key, policy, lane=lane, max_wait=1.0)
                counts[name] += 1
            except ratelimit.RateLimited:
                pass

    threads = [
        threading.Thread(target=tenant, args=("a", BACKFILL)),
        threading.Thread(target=tenant, args=("b", LIVE)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert counts["a"] >= 5 and counts["b"] >= 5
    assert counts["a"] + counts["b"] <= 10 * (2.0 / 0.5) + 10
    limiter().reset(key)


@pytest.mark.django_db
@pytest.mark.parametrize("backend", ["redis", "database"])
def test_vendor_quota_and_block_replace_the_defaults(backend, settings):
    if backend == "database":
        settings.REDIS_URL = ""
    key = f"test:adapt:{backend}"
    limiter().reset(key)
    policy = RatePolicy(windows=(Window(30, 150),))
    limiter().set_quota(key, 30, 2)  # the store's plan is smaller than the default
    assert limiter().try_acquire(key, policy) == 0
    assert limiter().try_acquire(key, policy) == 0
    assert limiter().try_acquire(key, policy) > 0
    limiter().reset(key)
    limiter().block_until(key, time.time() + 10)
    assert 8 < limiter().try_acquire(key, policy) <= 10
    limiter().reset(key)


@pytest.mark.django_db
@pytest.mark.parametrize("backend", ["redis", pytest.param("database", marks=pytest.mark.embedded)])
def test_a_large_vendor_quota_after_calls_under_the_default_keeps_counting(backend, settings):
    """The default window keeps a log of call times; a quota over SLIDING_LOG_MAX for a window of
    the same length is a counter. The change between them happens mid-stream (BigCommerce says
    its plan in the headers of the first answers) and must not break the budget."""
    if backend == "database":
        settings.REDIS_URL = ""
    key = f"test:quota-kind:{backend}"
    limiter().reset(key)
    policy = RatePolicy(windows=(Window(30, 150),))
    assert limiter().try_acquire(key, policy) == 0  # logged under the default window
    limiter().set_quota(key, 30, 100_000)  # counted from now on
    assert all(limiter().try_acquire(key, policy) == 0 for _ in range(5))
    limiter().set_quota(key, 30, 3)  # and back to a small plan: the log holds one call
    assert limiter().try_acquire(key, policy) == 0
    assert limiter().try_acquire(key, policy) == 0
    assert limiter().try_acquire(key, policy) > 0
    limiter().reset(key)


@pytest.mark.django_db
@pytest.mark.parametrize("backend", ["redis", "database"])
def test_concurrency_cap_leases(backend, settings):
    if backend == "database":
        settings.REDIS_URL = ""
    key = f"test:lease:{backend}"
    limiter().reset(key)
    for n in range(5):
        assert limiter().try_lease(key, f"lease-{n}", 5, ttl=30) == 0
    assert limiter().try_lease(key, "lease-6", 5, ttl=30) > 0
    limiter().release(key, "lease-0")
    assert limiter().try_lease(key, "lease-6", 5, ttl=30) == 0
    limiter().reset(key)


def test_embedded_mode_uses_the_database_and_production_uses_redis():
    with override_settings(REDIS_URL=""):
        assert isinstance(limiter(), ratelimit.DatabaseRateLimiter)
    with override_settings(REDIS_URL="redis://127.0.0.1:6379/9"):
        assert isinstance(limiter(), ratelimit.RedisRateLimiter)
