"""Scheduling: budget waits are not attempts, one pending dispatch per job, a fair choice across tenants.

See tests/support/mutations.py for the fields."""

from tests.support.mutation_spec import Mutation

BUDGET_WAIT = "tests/pipeline/test_scheduling.py::test_a_budget_wait_is_not_an_attempt_and_never_exhausts_the_job"
ONE_MESSAGE = "tests/pipeline/test_scheduling.py::test_one_run_message_per_job_and_the_sweeper_replaces_only_lost_ones"
LOST_WHILE_RUNNING = "tests/pipeline/test_lost_run_messages.py"
ONE_RUN_PER_DUE_TIME = "tests/pipeline/test_scheduling.py::test_a_job_waiting_on_the_budget_runs_once_per_due_time_with_the_sweeper_running"
LIVE_FIRST = "tests/pipeline/test_scheduling.py::test_within_a_tenant_a_live_order_runs_before_an_older_backfill_one"
DEAD_RUN = (
    "tests/pipeline/test_scheduling.py::test_a_run_message_reaches_a_dead_run_behind_a_backlog"
)
FAIRNESS = "tests/myob/test_fairness.py"
INTAKE = "tests/myob/test_event_intake.py::test_a_webhook_is_taken_in_within_seconds_while_every_sync_thread_waits_on_myob"
LAYOUTS = "tests/test_platform_queues.py::test_the_workers_consume_every_queue_and_webhooks_has_workers_of_its_own"
ONE_WORKER_FOR_ALL = (
    "events: .venv/bin/celery -A config worker -Q webhooks --concurrency 1 -n events@%h -l INFO\n"
    "worker: .venv/bin/celery -A config worker -Q sync,poll,default"
)

MUTATIONS: list[Mutation] = [
    Mutation(
        name="sched-claim-ignores-next-attempt-at",
        claim="no run starts before the job's next_attempt_at",
        path="sync/jobs.py",
        find="        .filter(scheduling.not_before_its_time(now))\n",
        replace="",
        tests=(BUDGET_WAIT,),
    ),
    Mutation(
        name="sched-budget-wait-counted-as-attempt",
        claim="a wait for our own rate budget is not an attempt",
        path="sync/scheduling.py",
        find='        attempts=F("attempts") - 1,\n',
        replace="",
        tests=(BUDGET_WAIT, ONE_RUN_PER_DUE_TIME),
    ),
    Mutation(
        name="sched-budget-wait-backs-off-like-a-failure",
        claim="a budget wait waits exactly as long as the budget says and never exhausts the job",
        path="sync/jobs.py",
        find="            result = _wait_for_budget(job, exc)",
        replace="            result = _retry_later(job, exc)",
        tests=(BUDGET_WAIT,),
    ),
    Mutation(
        name="sched-sweeper-ignores-waiting-messages",
        claim="the sweeper never queues a job whose run message is waiting, however overdue",
        path="sync/dispatch.py",
        find="missing = min(jobs.count() - waiting_run_messages(), limit)",
        replace="missing = min(jobs.count(), limit)",
        tests=(ONE_MESSAGE,),
    ),
    Mutation(
        name="sched-sweeper-ignores-waiting-messages-on-the-file-broker",
        claim="the sweeper counts the messages waiting on the embedded file-system broker too",
        path="sync/dispatch.py",
        find="            return conn.default_channel.queue_declare(SYNC_QUEUE, passive=True).message_count",
        replace="            return 0",
        tests=(ONE_MESSAGE,),
        env={"TEST_BACKEND": "embedded"},
    ),
    Mutation(
        name="sched-lost-message-replaced-only-without-a-note",
        claim="run messages lost with the broker are replaced within seconds while runs go on",
        path="sync/dispatch.py",
        find="    jobs = needing_a_slot(now)\n    missing",
        replace="    jobs = needing_a_slot(now).filter(queued_for__isnull=True)\n    missing",
        tests=(LOST_WHILE_RUNNING,),
    ),
    Mutation(
        name="sched-lost-message-never-replaced",
        claim="a run message lost with the broker is replaced by the sweeper, once",
        path="sync/scheduling.py",
        find="return runnable(now).order_by(",
        replace="return runnable(now).filter(queued_for__isnull=True).order_by(",
        tests=(ONE_MESSAGE,),
    ),
    Mutation(
        name="sched-dispatch-sends-a-second-message",
        claim="a redelivered webhook does not queue a second run message for a job",
        path="sync/dispatch.py",
        find="    if note_message(job_id, due_at):",
        replace="    if note_message(job_id, due_at) or True:",
        tests=(ONE_MESSAGE,),
    ),
    Mutation(
        name="sched-claim-leaves-the-message-noted",
        claim="a run clears its message note, so its retry gets its own countdown message",
        path="sync/jobs.py",
        find="        queued_for=None,\n    )\n    return (",
        replace="    )\n    return (",
        tests=(ONE_MESSAGE, ONE_RUN_PER_DUE_TIME),
    ),
    Mutation(
        name="sched-choice-ignores-the-tenant-turn",
        claim="a small tenant's order waits for a few of a big tenant's burst, not all of it",
        path="sync/scheduling.py",
        find='order_by(F("tenant_turn").asc(nulls_first=True), "lane_rank", "due_since", "id")',
        replace='order_by("lane_rank", "due_since", "id")',
        tests=(FAIRNESS,),
    ),
    Mutation(
        name="sched-message-runs-only-its-own-job",
        claim="a run message is a run slot: it runs the fairest due job",
        path="sync/tasks.py",
        find="result = job_run(job_id, trigger=trigger, fair=True)",
        replace="result = job_run(job_id, trigger=trigger)",
        tests=(FAIRNESS,),
    ),
    Mutation(
        name="sched-fair-choice-skips-dead-runs",
        claim="a run message reaches a dead run even behind a backlog of due jobs",
        path="sync/scheduling.py",
        find="due(now) | dead_run(now), connection__status",
        replace="due(now), connection__status",
        tests=(DEAD_RUN,),
    ),
    Mutation(
        name="sched-sweep-overfills-the-queue",
        claim="sweeping never fills the sync queue beyond the due jobs",
        path="sync/dispatch.py",
        find="    if missing <= 0:\n        return 0\n",
        replace="",
        tests=(ONE_MESSAGE,),
    ),
    Mutation(
        name="sched-backfill-as-urgent-as-live",
        claim="within a tenant, live orders run before backfill",
        path="sync/scheduling.py",
        find='asc(nulls_first=True), "lane_rank", "due_since"',
        replace='asc(nulls_first=True), "due_since"',
        tests=(LIVE_FIRST,),
    ),
    Mutation(
        name="events-queue-behind-sync-jobs-dev",
        claim="a webhook becomes a queued job within seconds while every sync thread is busy",
        path="Procfile.dev",
        find=ONE_WORKER_FOR_ALL,
        replace="worker: .venv/bin/celery -A config worker -Q webhooks,sync,poll,default",
        tests=(INTAKE, LAYOUTS),
    ),
    Mutation(
        name="events-queue-behind-sync-jobs-dev-embedded",
        claim="the same on SQLite and the file broker (./bin/run's embedded mode)",
        path="Procfile.dev",
        find=ONE_WORKER_FOR_ALL,
        replace="worker: .venv/bin/celery -A config worker -Q webhooks,sync,poll,default",
        tests=(INTAKE,),
        env={"TEST_BACKEND": "embedded"},
    ),
    Mutation(
        name="events-share-the-production-sync-worker",
        claim="in production the webhooks queue has workers of its own",
        path="Procfile",
        find="-Q sync,poll,default",
        replace="-Q webhooks,sync,poll,default",
        tests=(LAYOUTS,),
    ),
    Mutation(
        name="events-share-the-compose-sync-worker",
        claim="docker-compose gives the webhooks queue workers of its own",
        path="docker-compose.yml",
        find='"-Q", "sync,poll,default"',
        replace='"-Q", "webhooks,sync,poll,default"',
        tests=(LAYOUTS,),
    ),
    Mutation(
        name="events-worker-missing-from-compose",
        claim="docker-compose's workers together consume every queue",
        path="docker-compose.yml",
        find='"-Q", "webhooks", "--concurrency"',
        replace='"-Q", "default", "--concurrency"',
        tests=(LAYOUTS,),
    ),
]
