"""The home dashboard at 100,000 order jobs: how long the page takes and what PostgreSQL does.

What it does, in order:
1. Creates its own database, migrates it (benchmarks/harness.py: production settings, DEBUG off,
   a redis-server of its own), and fills it with bulk_create: one tenant with 3 connections and
   --jobs order jobs spread evenly over 60 days (90 % posted, 4 % failed, 3 % not sent, 2 %
   waiting, 1 % running), and a noise tenant with --noise jobs the page must not count; ANALYZE.
2. Prints PostgreSQL's plan (EXPLAIN ANALYZE) for each tile's query and the chart's: the index it
   uses and its time.
3. Loads the dashboard (/admin/) as the tenant's owner through Django's test client, 2 loads to
   warm up and then --loads timed ones, and prints the median, p95 and max, and the number of
   queries per load; the same for one connection's dashboard, and for the Connections list (a
   page without the dashboard: what the admin theme costs on this machine by itself).
4. Drops the database (unless --keep-db) and stops its redis-server.

The goal (issue 19): under 300 ms with 100,000 jobs.

Run:  .venv/bin/python benchmarks/dashboard_load.py [--jobs 100000] [--noise 50000] [--loads 20]
"""

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.harness import HOST, Stack, percentile  # noqa: E402

DB_NAME = f"mlc_bench_dashboard_{os.getpid()}"
DAYS = 60
# (state, share in 100): how the planted jobs ended.
MIX = [("succeeded", 90), ("failed", 4), ("skipped", 3), ("pending", 2), ("running", 1)]


def plant(connections, total: int, *, prefix: str) -> None:
    """`total` order jobs over DAYS days, round the connections, in batches of 5,000."""
    from django.utils import timezone

    from sync.models import SyncJob

    states = [state for state, share in MIX for _ in range(share)]
    now = timezone.now()
    step = timedelta(days=DAYS) / total
    batch = []
    for n in range(total):
        connection = connections[n % len(connections)]
        state = states[n % len(states)]
        placed = now - step * n
        ended = state in ("succeeded", "failed", "skipped")
        batch.append(
            SyncJob(
                connection=connection, tenant_id=connection.tenant_id, kind="order",
                source_id=f"{prefix}{n}", state=state, placed_at=placed,
                finished_at=placed + timedelta(seconds=30) if ended else None,
                erp_document_id=f"INV-{n}" if state == "succeeded" else "",
            )
        )  # fmt: skip
        if len(batch) == 5000:
            SyncJob.objects.bulk_create(batch)
            batch = []
    SyncJob.objects.bulk_create(batch)


def fill(jobs: int, noise: int):
    from django.contrib.auth import get_user_model
    from django.db import connection as db
    from django.db.models import F

    from sync.models import SyncJob
    from tenants.models import Connection, ConnectionStatus, Membership, Role, Tenant

    tenant = Tenant.objects.create(name="Acme Outdoor", slug="acme")
    other = Tenant.objects.create(name="Globex", slug="globex")
    ours = [
        Connection.objects.create(
            tenant=tenant, name=f"Acme store {n}", store_hash=f"acme{n}", erp_kind="myob",
            status=ConnectionStatus.ACTIVE,
            webhook_health={"hooks": [{"is_active": True}, {"is_active": True}]},
        )
        for n in range(3)
    ]  # fmt: skip
    theirs = [Connection.objects.create(tenant=other, name="Globex", store_hash="globex")]
    started = time.monotonic()
    plant(ours, jobs, prefix="a")
    plant(theirs, noise, prefix="g")
    # auto_now_add stamped every row with now: the arrival is the order's planted time.
    SyncJob.objects.update(created_at=F("placed_at"))
    with db.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE audit_syncjob")
    print(
        f"filled {jobs:,} jobs (+{noise:,} of another tenant) in {time.monotonic() - started:.0f} s"
    )
    owner = get_user_model().objects.create_user("owner@acme.test", is_staff=True)
    Membership.objects.create(user=owner, tenant=tenant, role=Role.OWNER)
    return tenant, ours[0], owner


def plans(tenant) -> None:
    from django.db import connection as db
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from sync import dashboard

    jobs = dashboard.order_jobs(tenant_id__in=[tenant.pk])
    now = timezone.now()
    with CaptureQueriesContext(db) as queries:
        dashboard.tiles(jobs, now)
        dashboard.orders_per_day(jobs, now)
        dashboard.last_document_posted_at(jobs)
        dashboard.need_attention(jobs)
    names = ["received", "posted", "failed", "waiting", "chart", "last posted", "attention"]
    print("\nquery          plan (PostgreSQL, EXPLAIN ANALYZE)")
    with db.cursor() as cursor:
        for name, query in zip(names, queries, strict=True):
            cursor.execute("EXPLAIN ANALYZE " + query["sql"])
            lines = [row[0] for row in cursor.fetchall()]
            scans = [line.strip() for line in lines if " on " in line and "Scan" in line]
            took = next(line for line in lines if line.startswith("Execution Time"))
            print(f"{name:<14} {took}; {' | '.join(scans) or lines[0]}")


def timed(client, url: str, loads: int) -> None:
    from django.db import connection as db
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):
        assert client.get(url).status_code == 200
    times = []
    for _ in range(loads):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    with CaptureQueriesContext(db) as queries:
        client.get(url)
    print(
        f"{url:<60} median {statistics.median(times):6.1f} ms  p95 {percentile(times, 95):6.1f} ms"
        f"  max {max(times):6.1f} ms  queries {len(queries)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=100_000)
    parser.add_argument("--noise", type=int, default=50_000)
    parser.add_argument("--loads", type=int, default=20)
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()

    with Stack(db_name=DB_NAME) as stack:
        try:
            stack.database_ready()
            from django.core.management import call_command

            call_command("collectstatic", interactive=False, verbosity=0)  # the page's manifest
            from django.test import Client
            from django.urls import reverse

            tenant, connection, owner = fill(args.jobs, args.noise)
            plans(tenant)
            client = Client(HTTP_HOST=HOST)
            client.force_login(owner)
            print(f"\n{args.loads} loads each, after 2 to warm up (Django test client, DEBUG off)")
            timed(client, reverse("admin:index"), args.loads)
            timed(client, reverse("admin:dashboard_connection", args=[connection.pk]), args.loads)
            # For comparison: an admin page with no dashboard on it (the theme's own cost).
            timed(client, reverse("admin:tenants_connection_changelist"), args.loads)
        finally:
            stack.finish(keep_db=args.keep_db, keep_files=False)
            if args.keep_db:
                print(f"database kept: {DB_NAME}")


if __name__ == "__main__":
    main()
