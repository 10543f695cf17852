"""Breakages the tests must notice: each is one change to the product and the tests that claim to
cover it. `./bin/mutations` applies each in its own copy of the checkout and reports whether those
tests failed (caught) or passed (survived). When a claim gets a test, add its breakage here.

`find` must occur exactly once in `path`; `env` is added to the test run's environment (for
example TEST_BACKEND=embedded to run the tests on SQLite and the file broker).
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Mutation:
    name: str
    claim: str
    path: str
    find: str
    replace: str
    tests: tuple[str, ...]
    env: dict = field(default_factory=dict)


MUTATIONS: list[Mutation] = [
    Mutation(
        name="intake-looks-up-dashed-uuid",
        claim="signed webhooks are accepted on the embedded database (SQLite)",
        path="webhooks/services.py",
        find="key = Connection._meta.pk.get_db_prep_value(connection_id, db_connection)",
        replace="key = str(connection_id)",
        tests=("tests/webhooks/test_intake.py",),
        env={"TEST_BACKEND": "embedded"},
    ),
    Mutation(
        name="ssrf-ignores-embedded-ipv4",
        claim="IPv6 forms (mapped, compatible, NAT64, 6to4, Teredo) of private IPv4 are refused",
        path="connectors/ssrf.py",
        find="(address, *embedded_ipv4(address))",
        replace="(address,)",
        tests=("tests/connectors/test_ssrf_ipv6_embedded.py",),
    ),
    Mutation(
        name="claim-takes-any-state",
        claim="no job runs twice: a job that is done (or failed, or skipped) is not claimed again",
        path="connectors/sync.py",
        find="    claimable = SyncJob.objects.filter(pk=job_id).filter(\n"
        "        state=JobState.PENDING\n"
        "    ) | SyncJob.objects.filter(pk=job_id, state=JobState.RUNNING, started_at__lt=now - STALE_RUN)",
        replace="    claimable = SyncJob.objects.filter(pk=job_id)",
        tests=("tests/pipeline/test_jobs.py",),
    ),
    Mutation(
        name="claim-takes-a-live-run",
        claim="no job runs twice: a run under way (not yet stale) is not claimed by a second worker",
        path="connectors/sync.py",
        find="pk=job_id, state=JobState.RUNNING, started_at__lt=now - STALE_RUN",
        replace="pk=job_id, state=JobState.RUNNING, started_at__lt=now + STALE_RUN",
        tests=("tests/pipeline/test_jobs.py",),
    ),
    Mutation(
        name="redispatch-queues-nothing",
        claim="redispatching an event hands it to the workers (a message on the broker)",
        path="webhooks/services.py",
        find="    transaction.on_commit(lambda: process_event.delay(event.pk))",
        replace="    pass",
        tests=("tests/api/test_calls_and_events.py::test_redispatch_hands_the_event_over_again",),
    ),
]
