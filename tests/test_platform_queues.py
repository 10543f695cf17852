"""Every task of ours lands on a queue the worker consumes, polls never share a queue with
webhook intake, and every process layout (Procfile, Procfile.dev, docker-compose.yml) consumes every
queue, webhook intake on workers of its own."""

from pathlib import Path

import pytest
import yaml
from django.utils.module_loading import autodiscover_modules

from config.celery import QUEUES, app
from config.schedule import periodic_tasks
from tests.support.worker import procfile_worker_queues

ROOT = Path(__file__).resolve().parents[1]
OUR_PACKAGES = ("audit.", "connectors.", "sync.", "tenants.", "webhooks.")


def _our_tasks() -> list[str]:
    autodiscover_modules("tasks")  # what the worker's autodiscovery imports (without a re-setup)
    return sorted(name for name in app.tasks if name.startswith(OUR_PACKAGES))


def _queue(task_name: str) -> str:
    return app.amqp.router.route({}, task_name)["queue"].name


def test_every_task_routes_to_a_declared_queue():
    names = _our_tasks()
    assert "sync.tasks.poll_erp_stream" in names
    assert {name: _queue(name) for name in names if _queue(name) not in QUEUES} == {}


def test_every_periodic_task_names_a_task_the_worker_knows():
    """A task moved to another module is moved in the schedule too, or beat sends a name no
    worker runs."""
    _our_tasks()
    assert [entry.task for entry in periodic_tasks() if entry.task not in app.tasks] == []


def test_polls_run_on_the_poll_queue_and_intake_on_its_own():
    polls = [name for name in _our_tasks() if name.rsplit(".", 1)[1].startswith("poll_")]
    assert polls and {name: _queue(name) for name in polls} == dict.fromkeys(polls, "poll")
    assert _queue("webhooks.tasks.process_event") == "webhooks"
    others = [name for name in _our_tasks() if not name.startswith("webhooks.")]
    assert "webhooks" not in {_queue(name) for name in others}


def _compose_worker_queues() -> list[tuple[str, ...]]:
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    commands = [service.get("command") or [] for service in services.values()]
    return [
        tuple(command[command.index("-Q") + 1].split(","))
        for command in commands
        if command[:1] == ["celery"] and "worker" in command and "-Q" in command
    ]


@pytest.mark.parametrize("layout", ["Procfile", "Procfile.dev", "docker-compose.yml"])
def test_the_workers_consume_every_queue_and_webhooks_has_workers_of_its_own(layout):
    workers = (
        _compose_worker_queues() if layout.endswith(".yml") else procfile_worker_queues(layout)
    )
    assert sorted({queue for queues in workers for queue in queues}) == sorted(QUEUES), workers
    # A sync job can hold its process for seconds (an ERP's budget, a slow ERP): an event queued
    # behind it would wait as long (tests/myob/test_event_intake.py measures it).
    assert [queues for queues in workers if "webhooks" in queues] == [("webhooks",)], workers


def test_tasks_queued_before_the_pipeline_moved_still_run():
    """A deploy with work in flight: messages already queued name the old module's tasks, and a
    worker that did not know them would drop a backfill, customer pull or bulk replay under way."""
    names = _our_tasks()
    for old, new in (
        ("connectors.tasks.run_backfill", "sync.tasks.run_backfill"),
        ("connectors.tasks.run_customers_pull", "sync.tasks.run_customers_pull"),
        ("connectors.tasks.run_bulk_replay", "sync.tasks.run_bulk_replay"),
        ("connectors.tasks.sync_job", "sync.tasks.sync_job"),
    ):
        assert old in names and new in names
        assert app.tasks[old].__wrapped__.__code__.co_names[:1] == (new.rsplit(".", 1)[1],)
