"""The store's budget follows the store's own window. BigCommerce refreshes a store's whole quota
at once, at the moment its X-Rate-Limit-Time-Reset-Ms header announces; a budget that instead
frees each call 30 s after it was made leaves the refreshed quota idle until then. Over real HTTP
against the sandbox store (fixed windows, every X-Rate-Limit-* header), on both rate limiters."""

import time

import pytest

from audit.models import ApiCall
from connectors import ratelimit
from connectors.bigcommerce.store import BigCommerceStore
from sandbox.bigcommerce.services import store_create
from tests.factories import ConnectionFactory

QUOTA, WINDOW_MS = 10, 6_000  # a small plan with a short window, so the test takes seconds


@pytest.fixture(params=["redis", pytest.param("database", marks=pytest.mark.embedded)])
def store_api(request, live_server, transactional_db, tenant, settings):
    if request.param == "database":
        settings.REDIS_URL = ""
    store = store_create(f"window{request.param[:2]}", quota=QUOTA, window_ms=WINDOW_MS)
    connection = ConnectionFactory(
        tenant=tenant, store_hash=store.store_hash,
        bc_api_url=f"{live_server.url}/sandbox/bigcommerce", bc_access_token=store.access_token,
    )  # fmt: skip
    key = f"bigcommerce:{store.store_hash}"
    ratelimit.limiter().reset(key)
    yield BigCommerceStore(connection), connection
    ratelimit.limiter().reset(key)


def into_window() -> float:
    """Seconds since the sandbox store's current window began (its windows start on the epoch)."""
    return (time.time() * 1000 % WINDOW_MS) / 1000


def test_a_quota_spent_late_in_the_window_is_used_again_as_soon_as_the_store_refreshes_it(
    store_api,
):
    api, connection = store_api
    window = WINDOW_MS / 1000
    while not 0.05 < into_window() < 0.5:  # the start of a window: the setup, not the proof
        time.sleep(0.02)
    refreshed_at = time.time() - into_window() + window
    api.store_info()  # the store's plan and window, learned from the headers
    time.sleep(window / 2 - into_window())  # late in the window
    for _ in range(QUOTA - 1):  # the rest of this window's quota
        api.store_info()
    assert time.time() < refreshed_at, "the machine is too slow for this test's window"
    answered = []
    for _ in range(QUOTA):  # the next window's quota
        api.store_info()
        answered.append(time.time() - refreshed_at)
    calls = ApiCall.objects.filter(connection=connection, system="bigcommerce")
    assert not calls.filter(status_code=429).exists()
    assert calls.count() == 2 * QUOTA
    # All of the next window's quota was used as soon as the store refreshed it, not as the
    # budget's own record of the late calls ran out, a whole window after each of them.
    assert answered[-1] < window / 3, f"the refreshed quota sat idle: {answered}"


@pytest.mark.django_db
@pytest.mark.parametrize("backend", ["redis", pytest.param("database", marks=pytest.mark.embedded)])
def test_the_budget_takes_the_larger_of_the_stores_count_and_its_own(backend, settings):
    """The store's count includes other apps on the store; ours includes calls still on their way
    to it. Either may be the larger: the budget keeps the larger, due to expire at the store's
    reset."""
    if backend == "database":
        settings.REDIS_URL = ""
    key, limiter = f"test:align:{backend}", ratelimit.limiter()
    policy = ratelimit.RatePolicy(windows=(ratelimit.Window(30, 10),))
    for used, room in ((2, 6), (7, 3)):  # the store counted fewer than ours / more (another app)
        limiter.reset(key)
        limiter.set_quota(key, 30, 10)
        assert all(limiter.try_acquire(key, policy) == 0 for _ in range(4))
        limiter.align(key, 30, 10, used, reset_in=20)
        granted = sum(limiter.try_acquire(key, policy) == 0 for _ in range(8))
        assert granted == room
        assert 19 < limiter.try_acquire(key, policy) <= 20  # free again at the store's reset
    limiter.reset(key)
