"""Job lifecycle: outages of our own infrastructure are transient; dead runs are reclaimed, never run twice.

See tests/support/mutations.py for the fields."""

from tests.support.mutation_spec import Mutation

DEAD_RUNS = "tests/myob/test_dead_runs.py"
REDIS_OUTAGE = "tests/myob/test_redis_outage.py"
BUDGET_STORE = "tests/connectors/test_budget_store_outage.py"

MUTATIONS: list[Mutation] = [
    Mutation(
        name="claim-takes-any-state",
        claim="no job runs twice: a job that is done (or failed, or skipped) is not claimed again",
        path="sync/jobs.py",
        find="Q(state=JobState.PENDING) | leases.lapsed(now)",
        replace="Q()",
        tests=("tests/pipeline/test_jobs.py",),
    ),
    Mutation(
        name="claim-takes-a-live-run",
        claim="no job runs twice: a run whose lease is live is not claimed by a second worker",
        path="sync/lease.py",
        find="return Q(state=JobState.RUNNING, lease_expires_at__lt=now)",
        replace="return Q(state=JobState.RUNNING)",
        tests=("tests/pipeline/test_jobs.py",),
    ),
    Mutation(
        name="lease-never-renewed",
        claim="a run longer than its lease keeps it (heartbeat) and is never handed to another worker",
        path="sync/lease.py",
        find="                    if not self.lease.renew():",
        replace="                    if False:",
        tests=(f"{DEAD_RUNS}::test_a_run_longer_than_its_lease_keeps_it_and_is_never_taken_over",),
    ),
    Mutation(
        name="client-skips-the-fence",
        claim="a worker frozen past its lease sends nothing to the ERP after it wakes",
        path="connectors/http.py",
        find="            lease.confirm()",
        replace="            pass",
        tests=(f"{DEAD_RUNS}::test_a_frozen_worker_past_its_lease_sends_nothing_after_it_wakes",),
    ),
    Mutation(
        name="job-writes-ignore-the-lease",
        claim="a run that lost its lease writes nothing to the job (its outcome is refused)",
        path="sync/lease.py",
        find="return SyncJob.objects.filter(pk=job.pk, lease_owner=job.lease_owner)",
        replace="return SyncJob.objects.filter(pk=job.pk)",
        tests=(
            "tests/pipeline/test_jobs.py::test_a_run_that_lost_its_lease_writes_nothing_and_sends_nothing",
        ),
    ),
    Mutation(
        name="sweeper-ignores-lapsed-leases",
        claim="a run killed mid-job is finished by another worker within a minute",
        path="sync/dispatch.py",
        find="    jobs = needing_a_slot(now)\n",
        replace="    jobs = needing_a_slot(now).exclude(state=JobState.RUNNING)\n",
        tests=(
            f"{DEAD_RUNS}::test_a_run_killed_mid_job_is_finished_by_another_worker_within_a_minute",
        ),
    ),
    Mutation(
        name="fair-choice-skips-dead-runs",
        claim="a run killed during a backlog is taken over within a minute, ahead of the backlog",
        path="sync/scheduling.py",
        find="due(now) | dead_run(now), connection__status=ConnectionStatus.ACTIVE",
        replace="due(now), connection__status=ConnectionStatus.ACTIVE",
        tests=(
            f"{DEAD_RUNS}::test_a_run_killed_during_a_backlog_is_taken_over_before_the_backlog_drains",
        ),
    ),
    Mutation(
        name="lease-of-twenty-minutes",
        claim="a dead run is found in well under a minute (not the old 20 minutes)",
        path="config/settings.py",
        find='SYNC_LEASE_SECONDS = env.float("SYNC_LEASE_SECONDS", default=20.0)',
        replace='SYNC_LEASE_SECONDS = env.float("SYNC_LEASE_SECONDS", default=1200.0)',
        tests=(
            f"{DEAD_RUNS}::test_a_run_killed_mid_job_is_finished_by_another_worker_within_a_minute",
        ),
    ),
    Mutation(
        name="infrastructure-errors-permanent",
        claim="a Redis outage leaves jobs pending with a plain message, never FAILED",
        path="sync/jobs.py",
        find="result = _wait_for_infrastructure(job, infrastructure_message(exc))",
        replace="result = _finish(job, JobState.FAILED, error=infrastructure_message(exc))",
        tests=(REDIS_OUTAGE,),
    ),
    Mutation(
        name="infrastructure-wait-is-an-attempt",
        claim="waiting for our own infrastructure never counts toward MAX_ATTEMPTS",
        path="sync/jobs.py",
        find='        attempts=F("attempts") - 1,\n        last_error=f"{message} (Next try',
        replace='        last_error=f"{message} (Next try',
        tests=(REDIS_OUTAGE,),
    ),
    Mutation(
        name="budget-store-error-raw",
        claim="the rate limiter turns an unreachable Redis into a plain transient error at the source",
        path="connectors/ratelimit.py",
        find="raise InfrastructureUnavailable(REDIS_UNREACHABLE) from exc",
        replace="raise",
        tests=(BUDGET_STORE,),
    ),
    Mutation(
        name="budget-advice-raises",
        claim="an unreachable Redis never hides a vendor's answer (release, wait, quota are advisory)",
        path="connectors/ratelimit.py",
        find="    except (redis.ConnectionError, redis.TimeoutError):\n        logger.warning",
        replace="    except ZeroDivisionError:\n        logger.warning",
        tests=(BUDGET_STORE,),
    ),
]
