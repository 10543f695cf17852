"""What every sandbox API request passes through, as at api.bigcommerce.com: X-Auth-Token, the
store's quota with all X-Rate-Limit-* headers (429 when spent), and the switchable faults."""

import functools
import json
import random
import time

from django.core.cache import cache
from django.http import HttpResponse, JsonResponse

from sandbox.bigcommerce.models import BcStore


def v2_error(status: int, message: str) -> JsonResponse:
    return JsonResponse([{"status": status, "message": message}], status=status, safe=False)


def v3_error(status: int, title: str, errors: dict | None = None) -> JsonResponse:
    body = {"status": status, "title": title, "type": "/api-docs/getting-started/api-status-codes"}
    if errors is not None:
        body["errors"] = errors
    return JsonResponse(body, status=status)


def _rate_headers(store: BcStore, used: int, now_ms: int) -> dict:
    reset = store.window_ms - (now_ms % store.window_ms)
    return {
        "X-Rate-Limit-Time-Window-Ms": str(store.window_ms),
        "X-Rate-Limit-Time-Reset-Ms": str(reset),
        "X-Rate-Limit-Requests-Quota": str(store.quota),
        "X-Rate-Limit-Requests-Left": str(max(0, store.quota - used)),
    }


def _count(store: BcStore, now_ms: int) -> int:
    key = f"sandbox-bc-rl:{store.pk}:{store.store_hash}:{now_ms // store.window_ms}"
    cache.add(key, 0, timeout=store.window_ms // 1000 + 5)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=store.window_ms // 1000 + 5)
        return 1


def api(version: str):
    """Decorator for a store API view: `view(request, store, **kwargs)`."""
    error = v2_error if version == "v2" else v3_error

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, store_hash, **kwargs):
            store = BcStore.objects.filter(store_hash=store_hash).first()
            if store is None:
                return error(404, "The requested store was not found.")
            token = request.headers.get("X-Auth-Token", "")
            if not token or token != store.access_token:
                return error(
                    401, "You must be authenticated to access this resource (X-Auth-Token)."
                )
            now_ms = int(time.time() * 1000)
            used = _count(store, now_ms)
            headers = _rate_headers(store, used, now_ms)
            if store.fault_latency_ms:
                time.sleep(store.fault_latency_ms / 1000)
            if used > store.quota or store.fault_429_storm:
                response = error(429, "Too many requests: the store's API quota is spent.")
                headers["X-Retry-After"] = str(
                    max(1, int(headers["X-Rate-Limit-Time-Reset-Ms"]) // 1000)
                )
                headers["X-Rate-Limit-Requests-Left"] = "0"
            elif store.fault_error_rate and random.random() < store.fault_error_rate:
                response = error(500, "Internal Server Error (sandbox fault).")
            else:
                response = view(request, store, **kwargs)
            for name, value in headers.items():
                response.setdefault(name, value)  # a view's own rate-limit answer keeps its own
            return response

        return wrapper

    return decorate


def json_body(request):
    try:
        return json.loads(request.body or b"null")
    except ValueError:
        return None


def no_content() -> HttpResponse:
    return HttpResponse(status=204)
