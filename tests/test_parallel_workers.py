"""Each pytest-xdist worker gets services of its own (tests/settings.py): a Redis database and a
VAR_DIR no other worker uses, once, inherited unchanged by the processes it starts."""

import os

import pytest
from django.conf import settings

from tests.settings import SEPARATED_FOR, separate_xdist_worker, worker_redis_url

pytestmark = pytest.mark.embedded  # the embedded pass runs on xdist workers too


def test_workers_count_down_from_the_runs_redis_database_and_keep_the_rest_of_the_address():
    assert [worker_redis_url("redis://127.0.0.1:6379/9", i) for i in range(4)] == [
        f"redis://127.0.0.1:6379/{n}" for n in (9, 8, 7, 6)
    ]
    assert worker_redis_url("rediss://:pw@cache:6380/1?ssl_cert_reqs=none", 2) == (
        "rediss://:pw@cache:6380/15?ssl_cert_reqs=none"
    )
    assert worker_redis_url("redis://127.0.0.1:6379", 1) == "redis://127.0.0.1:6379/15"


def test_a_worker_gets_its_own_redis_database_broker_and_var_dir_but_the_shared_static_files():
    environ = {
        "PYTEST_XDIST_WORKER": "gw2",
        "REDIS_URL": "redis://127.0.0.1:6379/9",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/9",
        "VAR_DIR": "var/test",
    }
    separate_xdist_worker(environ)
    assert environ == {
        "PYTEST_XDIST_WORKER": "gw2",
        "REDIS_URL": "redis://127.0.0.1:6379/7",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/7",
        "VAR_DIR": "var/test-gw2",
        "STATIC_ROOT": "var/test/staticfiles",
        SEPARATED_FOR: "gw2",
    }
    # A process the worker starts (a Celery worker) loads the settings again: nothing moves.
    inherited = dict(environ)
    separate_xdist_worker(inherited)
    assert inherited == environ


def test_the_embedded_backend_and_a_single_process_are_left_as_they_are():
    embedded = {"PYTEST_XDIST_WORKER": "gw1", "REDIS_URL": "", "VAR_DIR": "var/test-embedded"}
    separate_xdist_worker(embedded)
    assert (embedded["REDIS_URL"], embedded["VAR_DIR"]) == ("", "var/test-embedded-gw1")
    alone = {"REDIS_URL": "redis://127.0.0.1:6379/9", "VAR_DIR": "var/test"}
    separate_xdist_worker(alone)
    assert alone == {"REDIS_URL": "redis://127.0.0.1:6379/9", "VAR_DIR": "var/test"}


def test_a_broker_the_workers_cannot_split_is_refused():
    environ = {"PYTEST_XDIST_WORKER": "gw1", "CELERY_BROKER_URL": "amqp://guest@127.0.0.1//"}
    with pytest.raises(RuntimeError, match="CELERY_BROKER_URL is not Redis"):
        separate_xdist_worker(environ)


def test_this_process_runs_on_its_workers_services():
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        assert SEPARATED_FOR not in os.environ
        return
    assert os.environ[SEPARATED_FOR] == worker
    assert str(settings.VAR_DIR).endswith(f"-{worker}")
    assert settings.CELERY_BROKER_URL in ("filesystem://", os.environ["REDIS_URL"])
