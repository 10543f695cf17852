"""Every task of ours lands on a queue the worker consumes, polls never share a queue with
webhook intake, and the Procfile's worker listens to every queue."""

import re
from pathlib import Path

from django.utils.module_loading import autodiscover_modules

from config.celery import QUEUES, app

ROOT = Path(__file__).resolve().parents[1]
OUR_PACKAGES = ("audit.", "connectors.", "tenants.", "webhooks.")


def _our_tasks() -> list[str]:
    autodiscover_modules("tasks")  # what the worker's autodiscovery imports (without a re-setup)
    return sorted(name for name in app.tasks if name.startswith(OUR_PACKAGES))


def _queue(task_name: str) -> str:
    return app.amqp.router.route({}, task_name)["queue"].name


def test_every_task_routes_to_a_declared_queue():
    names = _our_tasks()
    assert "connectors.myob.tasks.poll_myob_customers" in names  # the discovery found the ERPs
    assert {name: _queue(name) for name in names if _queue(name) not in QUEUES} == {}


def test_polls_run_on_the_poll_queue_and_intake_on_its_own():
    polls = [name for name in _our_tasks() if name.rsplit(".", 1)[1].startswith("poll_")]
    assert polls and {name: _queue(name) for name in polls} == dict.fromkeys(polls, "poll")
    assert _queue("webhooks.tasks.process_event") == "webhooks"
    others = [name for name in _our_tasks() if not name.startswith("webhooks.")]
    assert "webhooks" not in {_queue(name) for name in others}


def test_the_procfile_worker_consumes_every_queue():
    procfile = (ROOT / "Procfile").read_text()
    consumed = re.search(r"^worker:.* -Q (\S+)", procfile, re.M).group(1).split(",")
    assert sorted(consumed) == sorted(QUEUES)
