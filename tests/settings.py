"""The settings a test process loads: the product's own (config/settings.py), after each
pytest-xdist worker is given services of its own. pytest-django gives each worker its own test
database; this gives it its own Redis database (cache, broker, rate limits) and VAR_DIR (the file
broker, the SQLite file, the fake ERP's state, logs), so one worker's purge, flush or queued task
never reaches another's; the static files, collected once, are shared. They are decided here
because the product's settings read them from the environment as they load; the processes a test
starts inherit them."""

import os
from urllib.parse import urlsplit, urlunsplit

# Set once in a worker's environment: the processes it starts (Celery workers) load these
# settings too and must not move again what was already moved.
SEPARATED_FOR = "TEST_SERVICES_SEPARATED_FOR"
REDIS_DATABASES = 16  # Redis's default `databases`


def worker_redis_url(url: str, index: int) -> str:
    """The worker's Redis database: counting down from the run's own (9, 8, 7 for the suite's 9),
    so the mutation runs' databases (10-15, tests/support/mutation_run.py) stay untouched."""
    parts = urlsplit(url)
    database = int(parts.path.strip("/") or 0)
    path = f"/{(database - index) % REDIS_DATABASES}"
    return urlunsplit(parts._replace(path=path))


def separate_xdist_worker(environ=os.environ) -> None:
    worker = environ.get("PYTEST_XDIST_WORKER", "")
    if not worker or environ.get(SEPARATED_FOR) == worker:
        return
    index = int(worker.removeprefix("gw"))
    for name in ("REDIS_URL", "CELERY_BROKER_URL"):
        if not environ.get(name):
            continue
        if not environ[name].startswith(("redis://", "rediss://")):
            raise RuntimeError(
                f"pytest-xdist workers each need a Redis database: {name} is not Redis"
            )
        environ[name] = worker_redis_url(environ[name], index)
    run_var_dir = environ.get("VAR_DIR", "var/test").rstrip("/")
    # The static files the main process collected once for all its workers (tests/conftest.py).
    environ.setdefault("STATIC_ROOT", f"{run_var_dir}/staticfiles")
    environ["VAR_DIR"] = f"{run_var_dir}-{worker}"
    environ[SEPARATED_FOR] = worker


separate_xdist_worker()

from config.settings import *  # noqa: E402, F403
