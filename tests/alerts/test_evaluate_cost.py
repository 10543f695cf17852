"""The minute's check costs the same few queries whatever the number of jobs and open
incidents (no query per job, connection or incident once they are open), and stays well under
its minute with 10,000 jobs of which 1,000 failed in the last day."""

import time

import pytest
from django.utils import timezone

from alerts.incidents import incidents_evaluate
from alerts.models import AlertChannel, Incident
from sync.models import SyncJob
from tests.factories import ConnectionFactory

STEADY_QUERIES = 20


@pytest.mark.django_db
def test_the_minutes_check_is_a_fixed_number_of_queries(tenant, django_assert_max_num_queries):
    AlertChannel.objects.create(
        tenant=tenant, name="Ops", kind="email", email_addresses="ops@acme.test", active=False
    )
    connections = [ConnectionFactory(tenant=tenant, status="active") for _ in range(5)]
    now = timezone.now()
    jobs = [
        SyncJob(connection=c, tenant=tenant, kind="order", source_id=str(n),
                state="failed" if n % 10 == 0 else "succeeded", finished_at=now)
        for n, c in ((n, connections[n % 5]) for n in range(10_000))
    ]  # fmt: skip
    SyncJob.objects.bulk_create(jobs, batch_size=2_000)
    started = time.monotonic()
    assert incidents_evaluate()["opened"] == 1_000
    first = time.monotonic() - started
    assert Incident.objects.filter(state="open").count() == 1_000
    started = time.monotonic()
    with django_assert_max_num_queries(STEADY_QUERIES):
        assert incidents_evaluate()["opened"] == 0
    steady = time.monotonic() - started
    print(f"\nfirst pass (1,000 incidents opened): {first:.2f} s; steady pass: {steady:.3f} s")
    assert steady < 5
