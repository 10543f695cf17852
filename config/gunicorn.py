"""gunicorn settings for the web process: `gunicorn -c python:config.gunicorn config.wsgi`.

Used by the Procfile, the Dockerfile and benchmarks/webhook_intake.py; flags given on the command
line win. The measurements behind these choices are in benchmarks/README.md.
"""

import gc
import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
worker_class = "gthread"
# Python holds one core per process at a time: a few processes use the cores, and two threads each
# fill the waits on PostgreSQL. More threads per process only queue requests behind the lock.
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
threads = int(os.environ.get("WEB_THREADS", "2"))
# Behind a load balancer: keep idle connections longer than its idle timeout (60 s on the common
# ones), so it reuses warm connections and never sends a request on one we have just closed.
keepalive = int(os.environ.get("WEB_KEEPALIVE", "75"))
accesslog = "-"
# Masks credentials in every access and error log line (an OAuth callback carries its code).
logger_class = "config.gunicorn_logging.RedactingGunicornLogger"
if os.path.isdir("/dev/shm"):  # noqa: S108 - the heartbeat file; /tmp may be a slow disk in containers
    worker_tmp_dir = "/dev/shm"  # noqa: S108

# Objects that live as long as the worker (Django, the apps, the URLconf, then the caches and pools
# its first requests fill) are frozen out of the garbage collector's full scans, which otherwise
# stopped a busy worker for 15-170 ms every few hundred requests.
WARM_AFTER_REQUESTS = 200
_warmed_up = False


def post_worker_init(worker):
    gc.freeze()


def post_request(worker, req, environ, resp):
    global _warmed_up
    if not _warmed_up and worker.nr >= WARM_AFTER_REQUESTS:
        _warmed_up = True
        gc.freeze()
