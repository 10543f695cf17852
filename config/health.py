"""GET /healthz: is the database answering, and is the broker reachable? (200 or 503)"""

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from config.celery import app as celery_app

HEALTHZ_PATH = "/healthz"


def _database_ok() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True, "ok"
    except Exception as exc:
        return False, exc.__class__.__name__


def _broker_ok() -> tuple[bool, str]:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True, "ok"
    except Exception as exc:
        return False, exc.__class__.__name__


@never_cache
def healthz(request):
    checks = {"database": _database_ok(), "broker": _broker_ok()}
    healthy = all(ok for ok, _ in checks.values())
    body = {"status": "ok" if healthy else "unhealthy", **{k: v for k, (_, v) in checks.items()}}
    return JsonResponse(body, status=200 if healthy else 503)


class HealthCheckMiddleware:
    """Answers /healthz first, before host validation and the HTTPS redirect: Docker, compose and
    load balancers probe over plain HTTP by address, with a Host header ALLOWED_HOSTS rightly
    refuses. The answer reveals nothing but up or down."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == HEALTHZ_PATH:
            return healthz(request)
        return self.get_response(request)
