"""A catalog push shares the store's budget with live orders: it may fill most of each window
(a first push of a large catalog runs near the store's ceiling), never all of it, so a live call
goes straight through while the push holds its share. On the deployment's own limiter (Redis, or
the database on the embedded backend)."""

import uuid

import pytest

from connectors import ratelimit
from connectors.bigcommerce.client import DEFAULT_POLICY
from connectors.ratelimit import BACKFILL, CATALOG, LIVE

pytestmark = [pytest.mark.embedded, pytest.mark.django_db]


def calls_until_refused(limiter, key: str, lane: str) -> int:
    taken = 0
    while limiter.try_acquire(key, DEFAULT_POLICY, lane) == 0:
        taken += 1
        assert taken <= 1000, "the budget never refused"
    return taken


def test_a_live_call_goes_straight_through_while_a_catalog_push_holds_its_share():
    limiter, key = ratelimit.limiter(), f"test-catalog-share:{uuid.uuid4().hex}"
    try:
        taken = calls_until_refused(limiter, key, CATALOG)
        assert taken / 150 >= 0.90, f"a push may use only {taken} of the store's 150 per 30 s"
        assert 150 - taken >= 10, f"a push leaves live orders {150 - taken} calls per window"
        assert limiter.try_acquire(key, DEFAULT_POLICY, CATALOG) > 0  # the push waits…
        assert limiter.try_acquire(key, DEFAULT_POLICY, BACKFILL) > 0  # …so does a backfill…
        for _ in range(150 - taken):  # …while every live call left in the window goes through
            assert limiter.try_acquire(key, DEFAULT_POLICY, LIVE) == 0
        assert limiter.try_acquire(key, DEFAULT_POLICY, LIVE) > 0  # the store's own ceiling
    finally:
        limiter.reset(key)


def test_the_store_reported_quota_keeps_the_same_shares():
    """A store on another plan reports its quota in its headers; the shares follow it."""
    limiter, key = ratelimit.limiter(), f"test-catalog-share:{uuid.uuid4().hex}"
    try:
        limiter.set_quota(key, 30, 450)  # the Pro plan
        assert calls_until_refused(limiter, key, CATALOG) == int(450 * DEFAULT_POLICY.catalog_share)
    finally:
        limiter.reset(key)
