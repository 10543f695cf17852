"""Shared rate-limit budgets, keyed by what each vendor counts.

A bucket is a set of sliding windows (MYOB: 8 per second and 1,000,000 per day) plus an optional
concurrency cap (Business Central: 5 at once). Every process on every machine draws from the same
bucket: in Redis (an atomic Lua script) when REDIS_URL is set, otherwise in a database row taken
under a lock — the embedded mode's web and worker processes still share one budget.

Fairness: work is either `live` (a webhook's order), `backfill` (catch-up and history) or
`catalog` (a catalog push's reads and writes). Backfill may use only `backfill_share` of each
window, so one tenant's large backfill can never take the room another tenant's live orders need;
a catalog push may use `catalog_share`, more (a first push of a large catalog must get near the
store's ceiling) but never all: the rest of the window is always free for live calls.

The budget adapts to what the vendor says: `block_until()` after a 429 or a remaining count of 0,
and `set_quota()` when the vendor reports a quota different from the default (BigCommerce plans).
"""

import contextlib
import logging
import random
import time
import uuid
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.db import IntegrityError, transaction

from connectors.errors import (  # noqa: F401 - RateLimited: callers catch either
    REDIS_UNREACHABLE,
    BudgetWait,
    InfrastructureUnavailable,
    RateLimited,
)

logger = logging.getLogger(__name__)

LIVE = "live"
BACKFILL = "backfill"
CATALOG = "catalog"
# Windows up to this many calls keep a log of call times (exact sliding window); larger ones
# (daily quotas) count per fixed window so memory stays small.
SLIDING_LOG_MAX = 1000


@dataclass(frozen=True)
class Window:
    seconds: float
    limit: int


@dataclass(frozen=True)
class RatePolicy:
    windows: tuple[Window, ...]
    concurrency: int | None = None
    backfill_share: float = 0.75
    # 0.93 of BigCommerce's 150 per 30 s is 139: a push's batches write at that cap (measured in
    # benchmarks/catalog_push.py), 11 calls are left to live orders in every window.
    catalog_share: float = 0.93

    def share_for(self, lane: str) -> float:
        """The part of each window a lane's calls may fill (live: all of it)."""
        return {BACKFILL: self.backfill_share, CATALOG: self.catalog_share}.get(lane, 1.0)

    def limits_for(self, lane: str, windows=None) -> list[tuple[int, int]]:
        """(window in ms, limit) pairs as they apply to a lane."""
        share = self.share_for(lane)
        return [
            (int(w.seconds * 1000), max(1, int(w.limit * share))) for w in (windows or self.windows)
        ]


def _now_ms() -> int:
    return int(time.time() * 1000)


_ACQUIRE_LUA = """
local base = KEYS[1]
local now = tonumber(ARGV[1])
local member = ARGV[2]
local share = tonumber(ARGV[3])
local sliding_max = tonumber(ARGV[4])
local blocked = tonumber(redis.call('GET', base .. ':blocked') or '0')
if blocked > now then return blocked - now end
local windows = {}
local quota = redis.call('HMGET', base .. ':quota', 'window_ms', 'limit')
if quota[1] and quota[2] then
  windows[1] = {tonumber(quota[1]), tonumber(quota[2])}
else
  for i = 5, #ARGV, 2 do windows[#windows + 1] = {tonumber(ARGV[i]), tonumber(ARGV[i + 1])} end
end
local wait = 0
for _, w in ipairs(windows) do
  local span, limit = w[1], math.max(1, math.floor(w[2] * share))
  local key = base .. ':w' .. span
  if w[2] <= sliding_max then
    redis.call('ZREMRANGEBYSCORE', key, '-inf', now - span)
    local count = redis.call('ZCARD', key)
    if count >= limit then
      local freeing = redis.call('ZRANGE', key, count - limit, count - limit, 'WITHSCORES')
      wait = math.max(wait, tonumber(freeing[2]) + span - now)
    end
  else
    local slot = math.floor(now / span)
    local count = tonumber(redis.call('GET', key .. ':' .. slot) or '0')
    if count >= limit then wait = math.max(wait, (slot + 1) * span - now) end
  end
end
if wait > 0 then return wait end
for _, w in ipairs(windows) do
  local span = w[1]
  local key = base .. ':w' .. span
  if w[2] <= sliding_max then
    redis.call('ZADD', key, now, member)
    redis.call('PEXPIRE', key, span)
  else
    local ckey = key .. ':' .. math.floor(now / span)
    redis.call('INCR', ckey)
    redis.call('PEXPIRE', ckey, span)
  end
end
return 0
"""

_LEASE_LUA = """
local key = KEYS[1]
local now = tonumber(ARGV[1])
local lease = ARGV[2]
local max = tonumber(ARGV[3])
local ttl = tonumber(ARGV[4])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
if redis.call('ZCARD', key) >= max then
  local first = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
  return math.max(1, math.min(250, tonumber(first[2]) - now))
end
redis.call('ZADD', key, now + ttl, lease)
redis.call('PEXPIRE', key, ttl)
return 0
"""


@contextlib.contextmanager
def _budget_needed():
    """Without the budget no call may go out: Redis unreachable is a plain transient error, said
    where it happens (the job waits and retries; it is never the order's fault)."""
    import redis

    try:
        yield
    except (redis.ConnectionError, redis.TimeoutError) as exc:
        raise InfrastructureUnavailable(REDIS_UNREACHABLE) from exc


@contextlib.contextmanager
def _best_effort(what: str):
    """Releasing a concurrency slot or noting a vendor's wait: advisory, and it runs after the
    request was sent, so an unreachable Redis must not hide the vendor's answer (the slot and the
    block expire on their own)."""
    import redis

    try:
        yield
    except (redis.ConnectionError, redis.TimeoutError):
        logger.warning("rate budget store unreachable: could not %s", what)


# Re-dates a window's log to the vendor's own window: the calls the vendor counts in its current
# window (its count or ours, the larger) all become due to expire at its reset.
_ALIGN_LUA = """
local key = KEYS[1]
local start = tonumber(ARGV[1])
local used = tonumber(ARGV[2])
local span = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', key, '-inf', '(' .. start)
local count = math.max(redis.call('ZCARD', key), used)
redis.call('DEL', key)
for i = 1, count do redis.call('ZADD', key, start, 'vendor-' .. i) end
if count > 0 then redis.call('PEXPIRE', key, span) end
return count
"""
# A reset announced this close (1 s, or an eighth of a shorter window) may be the previous
# window's, read after the refresh: left alone, the log's own expiry stays (the safe side).
ALIGN_MIN_RESET = 1.0


def _aligns(window_seconds: float, limit: int, reset_in: float) -> bool:
    floor = min(ALIGN_MIN_RESET, window_seconds / 8)
    return limit <= SLIDING_LOG_MAX and floor <= reset_in <= window_seconds


def _vendor_window(window_seconds: float, reset_in: float) -> tuple[int, int]:
    """(span, start) in ms of the vendor's current window, on our clock."""
    span = int(window_seconds * 1000)
    return span, _now_ms() + int(reset_in * 1000) - span


class RedisRateLimiter:
    def __init__(self, url: str):
        import redis

        self.redis = redis.Redis.from_url(url)
        self._acquire = self.redis.register_script(_ACQUIRE_LUA)
        self._lease = self.redis.register_script(_LEASE_LUA)
        self._align = self.redis.register_script(_ALIGN_LUA)

    def try_acquire(self, key: str, policy: RatePolicy, lane: str = LIVE) -> float:
        args = [_now_ms(), uuid.uuid4().hex, policy.share_for(lane), SLIDING_LOG_MAX]
        for w in policy.windows:
            args += [int(w.seconds * 1000), w.limit]
        with _budget_needed():
            return int(self._acquire(keys=[f"rl:{key}"], args=args)) / 1000

    def try_lease(self, key: str, lease: str, max_concurrent: int, ttl: float) -> float:
        args = [_now_ms(), lease, max_concurrent, int(ttl * 1000)]
        with _budget_needed():
            return int(self._lease(keys=[f"rl:{key}:leases"], args=args)) / 1000

    def release(self, key: str, lease: str) -> None:
        with _best_effort("release a concurrency slot"):
            self.redis.zrem(f"rl:{key}:leases", lease)

    def block_until(self, key: str, until: float) -> None:
        until_ms = int(until * 1000)
        ttl = max(1, until_ms - _now_ms())
        with _best_effort("record the vendor's wait"):
            current = int(self.redis.get(f"rl:{key}:blocked") or 0)
            if until_ms > current:
                self.redis.set(f"rl:{key}:blocked", until_ms, px=ttl)

    def set_quota(self, key: str, window_seconds: float, limit: int) -> None:
        with _best_effort("record the vendor's quota"):
            self.redis.hset(
                f"rl:{key}:quota",
                mapping={"window_ms": int(window_seconds * 1000), "limit": limit},
            )
            self.redis.expire(f"rl:{key}:quota", 24 * 60 * 60)

    def align(self, key: str, window_seconds: float, limit: int, used: int, reset_in: float):
        """The vendor refreshes its whole quota at once, `reset_in` from now (BigCommerce):
        follow its window, so the refreshed quota is used at once (see `align` below)."""
        if not _aligns(window_seconds, limit, reset_in):
            return
        span, start = _vendor_window(window_seconds, reset_in)
        with _best_effort("follow the vendor's window"):
            self._align(keys=[f"rl:{key}:w{span}"], args=[start, used, span])

    def quota(self, key: str) -> Window | None:
        window_ms = limit = None
        with _best_effort("read the vendor's quota"):  # only for a message: the policy will do
            window_ms, limit = self.redis.hmget(f"rl:{key}:quota", "window_ms", "limit")
        return Window(int(window_ms) / 1000, int(limit)) if window_ms and limit else None

    def reset(self, key: str) -> None:
        for found in self.redis.scan_iter(f"rl:{key}:*"):
            self.redis.delete(found)


def _state_name(span: int, window: Window) -> str:
    # A log of call times and a fixed-window counter never share a name: a vendor's quota header
    # can turn one window of the same length from the first kind into the second.
    return f"w{span}" if window.limit <= SLIDING_LOG_MAX else f"n{span}"


class DatabaseRateLimiter:
    """The same algorithm on a locked database row: correct across processes, slower than Redis."""

    def _locked_state(self, key: str):
        from connectors.models import RateLimitState

        try:
            with transaction.atomic():
                RateLimitState.objects.get_or_create(key=key)
        except IntegrityError:
            pass  # another process created it first
        return RateLimitState.objects.select_for_update().get(key=key)

    def try_acquire(self, key: str, policy: RatePolicy, lane: str = LIVE) -> float:
        now = _now_ms()
        with transaction.atomic():
            row = self._locked_state(key)
            state = row.state
            if state.get("blocked", 0) > now:
                return (state["blocked"] - now) / 1000
            quota = state.get("quota")
            windows = (Window(quota[0] / 1000, quota[1]),) if quota else policy.windows
            wait = 0
            for (span, limit), window in zip(
                policy.limits_for(lane, windows), windows, strict=True
            ):
                name = _state_name(span, window)
                if window.limit <= SLIDING_LOG_MAX:
                    log = [t for t in state.get(name, []) if t > now - span]
                    state[name] = log
                    if len(log) >= limit:
                        wait = max(wait, log[len(log) - limit] + span - now)
                else:
                    slot, count = state.get(name, [0, 0])
                    if slot == now // span and count >= limit:
                        wait = max(wait, (slot + 1) * span - now)
            if wait == 0:
                for span, window in ((int(w.seconds * 1000), w) for w in windows):
                    name = _state_name(span, window)
                    if window.limit <= SLIDING_LOG_MAX:
                        state[name] = sorted([*state[name], now])
                    else:
                        slot, count = state.get(name, [0, 0])
                        state[name] = [now // span, count + 1 if slot == now // span else 1]
            row.save(update_fields=["state", "updated_at"])
            return wait / 1000

    def try_lease(self, key: str, lease: str, max_concurrent: int, ttl: float) -> float:
        now = _now_ms()
        with transaction.atomic():
            row = self._locked_state(f"{key}:leases")
            leases = {k: v for k, v in row.state.get("leases", {}).items() if v > now}
            if len(leases) >= max_concurrent:
                return max(0.001, min(0.25, (min(leases.values()) - now) / 1000))
            leases[lease] = now + int(ttl * 1000)
            row.state = {"leases": leases}
            row.save(update_fields=["state", "updated_at"])
            return 0

    def release(self, key: str, lease: str) -> None:
        with transaction.atomic():
            row = self._locked_state(f"{key}:leases")
            row.state.get("leases", {}).pop(lease, None)
            row.save(update_fields=["state", "updated_at"])

    def block_until(self, key: str, until: float) -> None:
        with transaction.atomic():
            row = self._locked_state(key)
            row.state["blocked"] = max(row.state.get("blocked", 0), int(until * 1000))
            row.save(update_fields=["state", "updated_at"])

    def set_quota(self, key: str, window_seconds: float, limit: int) -> None:
        with transaction.atomic():
            row = self._locked_state(key)
            row.state["quota"] = [int(window_seconds * 1000), limit]
            row.save(update_fields=["state", "updated_at"])

    def align(self, key: str, window_seconds: float, limit: int, used: int, reset_in: float):
        """The vendor refreshes its whole quota at once, `reset_in` from now: the calls it
        counts in its current window (its count or ours, the larger) expire at its reset, and the
        calls before that window are no longer its business. Without this the log frees each
        call a whole window after it was made, and a quota refreshed earlier sits idle."""
        if not _aligns(window_seconds, limit, reset_in):
            return
        span, start = _vendor_window(window_seconds, reset_in)
        name = _state_name(span, Window(window_seconds, limit))
        with transaction.atomic():
            row = self._locked_state(key)
            ours = [t for t in row.state.get(name, []) if t >= start]
            row.state[name] = [start] * max(len(ours), used)
            row.save(update_fields=["state", "updated_at"])

    def quota(self, key: str) -> Window | None:
        from connectors.models import RateLimitState

        row = RateLimitState.objects.filter(key=key).values_list("state", flat=True).first()
        quota = (row or {}).get("quota")
        return Window(quota[0] / 1000, quota[1]) if quota else None

    def reset(self, key: str) -> None:
        from connectors.models import RateLimitState

        RateLimitState.objects.filter(key__in=[key, f"{key}:leases"]).delete()


@cache
def _limiter_for(redis_url: str):
    return RedisRateLimiter(redis_url) if redis_url else DatabaseRateLimiter()


def limiter():
    """The limiter for this deployment: Redis when configured, else the database."""
    return _limiter_for(settings.REDIS_URL)


def wait_for_slot(
    key: str,
    policy: RatePolicy,
    *,
    lane: str = LIVE,
    max_wait: float = 5.0,
    budget_name: str = "",
    vendor: str = "",
):
    """Block until a call may be made, or raise BudgetWait when the wait is long.

    Long waits go back to the queue (the job waits exactly that long, not counted as an attempt)
    instead of holding a worker asleep.
    """
    waited = 0.0
    while True:
        wait = limiter().try_acquire(key, policy, lane)
        if wait <= 0:
            return
        if waited + wait > max_wait:
            raise BudgetWait(
                budget_wait_message(key, policy, budget_name=budget_name, vendor=vendor),
                retry_after=wait,
            )
        pause = wait + random.uniform(0, 0.05)  # noqa: S311 - jitter, not security
        time.sleep(pause)
        waited += pause


def budget_wait_message(key: str, policy: RatePolicy, *, budget_name: str, vendor: str) -> str:
    """'Waiting for the store's API budget (BigCommerce allows 150 calls per 30 s)': the quota the
    vendor reported when it did (a store's plan), else the policy's shortest window."""
    window = limiter().quota(key) or min(policy.windows, key=lambda w: w.seconds)
    return (
        f"Waiting for {budget_name or 'the API budget'} "
        f"({vendor or key} allows {window.limit:,} calls per {window.seconds:g} s)"
    )
