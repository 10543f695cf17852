"""The home dashboard: its figures at the edges of each period, whose orders it counts, who may
open it, the health lights and the sidebar. Real PostgreSQL (and SQLite where marked)."""

import re
from datetime import timedelta

import pytest
from django.db import models
from django.urls import reverse
from django.utils import timezone

from audit.models import ApiCall
from catalog.models import CatalogPush, CatalogSettings, PushState
from sync import dashboard, dashboard_health
from sync.models import SyncJob
from tenants.models import ConnectionStatus, Membership, OAuthToken, Role
from tests.factories import ApiCallFactory, ConnectionFactory, SyncJobFactory, UserFactory

HOME = reverse("admin:index")


def plant(connection, *, state="succeeded", created=None, finished=None, document="DOC-1", **kw):
    """An order job with the times the test needs (auto_now_add is overwritten by an update)."""
    job = SyncJobFactory(connection=connection, state=state, erp_document_id=document, **kw)
    SyncJob.objects.filter(pk=job.pk).update(created_at=created, finished_at=finished)
    return job


def tile(found, key):
    return next(t for t in found if t.key == key).counts


@pytest.mark.embedded
@pytest.mark.django_db
def test_each_tile_counts_the_jobs_inside_its_period_and_not_one_second_before(connection):
    now = timezone.now()
    starts = dashboard.period_starts(now)
    second = timedelta(seconds=1)
    for key in ("today", "week", "month"):
        plant(connection, created=starts[key], finished=starts[key])  # on the edge: in
        plant(connection, created=starts[key] - second, finished=starts[key] - second)  # out
        plant(connection, state="failed", created=starts[key], finished=starts[key])
        plant(connection, state="failed", created=starts[key] - second, finished=starts[key])
    plant(connection, state="pending", created=now - timedelta(days=90), finished=None)
    plant(connection, state="running", created=now, finished=None)
    plant(connection, state="succeeded", created=now, finished=None, document="")  # never ended

    found = dashboard.tiles(dashboard.order_jobs(connection=connection), now)

    # Per period: today's edge jobs only; 7 days adds the job just before today; 30 days adds
    # the one just before the week. The job a second before 30 days counts nowhere.
    assert tile(found, "posted") == {"today": 1, "week": 3, "month": 5}
    # Failed is by when it ended: all four on an edge, not their creation.
    assert tile(found, "failed") == {"today": 2, "week": 4, "month": 6}
    # Received is by arrival: 2 on each edge (succeeded + failed), plus the 2 that arrived now.
    assert tile(found, "received") == {"today": 4, "week": 8, "month": 12}
    assert tile(found, "waiting") == {"today": 2, "week": 2, "month": 2}  # now, whatever its age


@pytest.mark.embedded
@pytest.mark.django_db
def test_last_document_and_attention_count_only_the_scope(connection, other_connection):
    now = timezone.now()
    plant(connection, created=now, finished=now - timedelta(minutes=5))
    plant(connection, created=now, finished=now - timedelta(minutes=1), document="")  # no doc
    plant(connection, state="failed", created=now, finished=now)
    plant(other_connection, created=now, finished=now)  # another tenant: newer, not ours
    plant(other_connection, state="failed", created=now, finished=now)
    plant(other_connection, state="failed", created=now, finished=now)
    jobs = dashboard.order_jobs(tenant_id__in=[connection.tenant_id])
    assert dashboard.last_document_posted_at(jobs) == now - timedelta(minutes=5)
    assert dashboard.need_attention(jobs) == 1


@pytest.mark.embedded
@pytest.mark.django_db
def test_orders_per_day_are_grouped_in_the_database_by_outcome(connection):
    now = timezone.now()
    today = dashboard.period_starts(now)["today"]
    plant(connection, created=today + timedelta(minutes=1))
    plant(connection, state="failed", created=today + timedelta(minutes=2))
    plant(connection, state="failed", created=today - timedelta(days=1))
    plant(connection, state="skipped", created=today - timedelta(days=29))
    plant(connection, created=today - timedelta(days=30))  # 31 days back: off the chart
    SyncJobFactory(connection=connection, kind="customer")  # not an order
    chart = dashboard.orders_per_day(dashboard.order_jobs(connection=connection), now)
    series = {d["label"]: d["data"] for d in chart["datasets"]}
    assert len(chart["labels"]) == 30 and chart["total"] == 4
    assert series["Posted"][-1] == 1 and series["Failed"][-1] == 1
    assert series["Failed"][-2] == 1
    assert series["Not sent (status not synced)"][0] == 1
    assert sum(series["Posted"]) == 1


@pytest.mark.django_db
def test_the_home_page_shows_only_the_tenants_own_orders(
    client, owner, connection, other_connection
):
    now = timezone.now()
    for _ in range(3):
        plant(connection, state="failed", created=now, finished=now)
    for _ in range(7):
        plant(other_connection, state="failed", created=now, finished=now)
    client.force_login(owner)
    html = client.get(HOME).content.decode()
    assert 'id="tile-failed"' in html and 'data-period="today">3<' in html
    assert 'data-period="today">7<' not in html and 'data-period="today">10<' not in html
    assert "3 need attention: review" in html
    assert f'href="{reverse("admin:sync_failures")}"' in html  # the failures, grouped by cause
    # Each tile lists its orders: the failed tile the failed ones.
    orders = reverse("admin:sync_orderjob_changelist")
    assert f'href="{orders}?state=failed">See these orders' in html
    assert f'href="{orders}">See these orders' in html  # received: every order
    assert "Globex store" not in html and "Acme store" in html
    assert reverse("admin:dashboard_connection", args=[other_connection.pk]) not in html


@pytest.mark.django_db
def test_a_viewer_sees_the_dashboard_and_another_tenants_connection_is_404(
    client, member, connection, other_connection
):
    client.force_login(member)
    assert client.get(HOME).status_code == 200
    ours = reverse("admin:dashboard_connection", args=[connection.pk])
    plant(connection, state="failed", created=timezone.now(), finished=timezone.now())
    page = client.get(ours).content.decode()
    assert f'href="{reverse("admin:sync_failures")}?connection={connection.pk}"' in page
    theirs = reverse("admin:dashboard_connection", args=[other_connection.pk])
    assert client.get(theirs).status_code == 404
    assert client.get(f"{HOME}?tenant={other_connection.tenant_id}").status_code == 404
    assert client.get(f"{HOME}?tenant=nonsense").status_code == 404


@pytest.mark.django_db
def test_a_person_in_two_tenants_picks_one(client, dana, connection, other_connection):
    now = timezone.now()
    plant(connection, state="failed", created=now, finished=now)
    for _ in range(2):
        plant(other_connection, state="failed", created=now, finished=now)
    client.force_login(dana)
    both = client.get(HOME).content.decode()
    assert 'id="tenant-picker"' in both and "3 need attention" in both
    one = client.get(f"{HOME}?tenant={other_connection.tenant_id}").content.decode()
    assert "2 need attention" in one and "Acme store" not in one and "Globex store" in one


@pytest.mark.django_db
def test_superusers_see_every_tenant(client, connection, other_connection):
    client.force_login(UserFactory(username="root@platform.test", is_superuser=True))
    html = client.get(HOME).content.decode()
    assert "Acme store" in html and "Globex store" in html
    assert (
        client.get(reverse("admin:dashboard_connection", args=[other_connection.pk])).status_code
        == 200
    )


@pytest.mark.django_db
def test_the_page_makes_the_same_queries_for_one_connection_or_six(
    client, owner, tenant, connection, django_assert_max_num_queries
):
    from django.db import connection as db
    from django.test.utils import CaptureQueriesContext

    client.force_login(owner)
    client.get(HOME)  # the session and content types are warm
    with CaptureQueriesContext(db) as one:
        assert client.get(HOME).status_code == 200
    for n in range(5):
        extra = ConnectionFactory(tenant=tenant, name=f"Extra {n}")
        plant(extra, created=timezone.now(), finished=timezone.now())
        CatalogSettings.objects.create(connection=extra, enabled=True)
    with django_assert_max_num_queries(len(one)):
        html = client.get(HOME).content.decode()
    assert html.count('class="dash-connection"') == 6


@pytest.mark.django_db
def test_health_lights_say_what_is_wrong_in_plain_words(connection):
    now = timezone.now()
    connection.status = ConnectionStatus.ACTIVE
    connection.webhook_health = {"hooks": [{"is_active": True}, {"is_active": False}]}
    connection.save()
    ApiCallFactory(connection=connection, system="myob", status_code=503)
    ApiCallFactory(connection=connection, system="bigcommerce", status_code=200)  # the store's
    CatalogSettings.objects.create(connection=connection, enabled=True)
    CatalogPush.objects.create(
        connection=connection, tenant=connection.tenant, trigger="manual", state=PushState.HELD
    )

    def lights():
        from tenants.models import Connection

        found = dashboard_health.connections_with_health(
            Connection.objects.filter(pk=connection.pk), now
        )
        return {light.topic: light for light in dashboard_health.lights(found[0], now)}

    seen = lights()
    assert seen["Store webhooks"].colour == "red" and "1 of 2" in seen["Store webhooks"].sentence
    assert seen["ERP reachable"].colour == "red"
    assert seen["Catalog push"].colour == "red"
    assert seen["ERP sign-in"].colour == "green"

    connection.status = ConnectionStatus.NEEDS_RECONNECT
    connection.webhook_health = {"hooks": [{"is_active": True}, {"is_active": True}]}
    connection.save()
    ApiCall.objects.filter(system="myob").update(created_at=now - timedelta(hours=2))
    seen = lights()
    assert seen["ERP sign-in"].colour == "red" and "reconnect" in seen["ERP sign-in"].sentence
    assert seen["Store webhooks"].colour == "green"
    assert seen["ERP reachable"].colour == "grey"  # older than an hour says nothing

    connection.status = ConnectionStatus.ACTIVE
    connection.save()
    OAuthToken.objects.create(
        connection=connection, system="myob", access_token="a", expires_at=now - timedelta(1)
    )
    ApiCallFactory(connection=connection, system="myob", status_code=201)
    seen = lights()
    assert seen["ERP sign-in"].colour == "amber" and seen["ERP reachable"].colour == "green"


@pytest.mark.django_db
def test_the_sidebar_names_pages_for_what_people_do_and_hides_platform_pages(client, owner):
    client.force_login(owner)
    html = client.get(HOME).content.decode()
    nav = html.split('id="nav-sidebar-apps"')[1]
    for label in ("Dashboard", "Connections", "Jobs", "API calls", "People"):
        assert f"<span>{label}</span>" in nav, label
    assert reverse("admin:auth_user_changelist") not in html
    assert "All applications" in html
    root = UserFactory(username="root@platform.test", is_superuser=True)
    client.force_login(root)
    assert reverse("admin:auth_user_changelist") in client.get(HOME).content.decode()


@pytest.mark.django_db
def test_a_signed_in_person_without_a_tenant_gets_a_plain_sentence(client):
    lonely = UserFactory(username="new@nowhere.test")
    client.force_login(lonely)
    html = client.get(HOME).content.decode()
    assert 'id="dashboard-empty"' in html and "not a member of any company" in html
    for page in ("tenants_connection", "sync_syncjob", "audit_apicall"):
        assert reverse(f"admin:{page}_changelist") not in html, page  # no links to dead ends
    assert not Membership.objects.filter(user=lonely).exists() and Role.OWNER


@pytest.mark.django_db
def test_the_connection_page_links_its_dashboard(client, member, connection):
    client.force_login(member)
    html = client.get(reverse("admin:tenants_connection_change", args=[connection.pk])).content
    assert reverse("admin:dashboard_connection", args=[connection.pk]) in html.decode()
    # One connection's tiles list that connection's orders only.
    html = client.get(reverse("admin:dashboard_connection", args=[connection.pk])).content
    orders = reverse("admin:sync_orderjob_changelist")
    assert f'href="{orders}?state=failed&amp;connection={connection.pk}"' in html.decode()


@pytest.mark.django_db
def test_each_tile_is_one_query_that_its_index_answers(tenant, connection):
    """PostgreSQL's plan for each tile's query, with table scans priced out (a test's table is
    too small for the planner to prefer an index): the indexes of sync 0002-0004 answer it, for
    the tenant's dashboard and for one connection's.
    benchmarks/dashboard_load.py shows the plans the planner picks at 100,000 jobs."""
    from django.db import connection as db
    from django.test.utils import CaptureQueriesContext

    now = timezone.now()
    states = ["succeeded"] * 8 + ["failed", "pending"]
    # Over a year and five connections, so a 30-day window of one connection is selective, as
    # in production: the planner then has a reason to pick the index that bounds the period.
    shops = [connection, *(ConnectionFactory(tenant=tenant) for _ in range(4))]
    SyncJob.objects.bulk_create(
        SyncJob(connection=shops[n % 5], tenant=tenant, kind="order", source_id=str(n),
                state=states[n // 5 % 10], finished_at=now - timedelta(hours=3 * n))
        for n in range(3000)
    )  # fmt: skip
    SyncJob.objects.update(created_at=models.F("finished_at"))
    with db.cursor() as cursor:
        cursor.execute("ANALYZE audit_syncjob")
    # (scope, then per tile: the index, the period's column it must bound in the index condition)
    scopes = [
        ({"tenant_id__in": [tenant.pk]}, "job_tenant_received", "job_tenant_outcome"),
        ({"connection": connection}, "job_conn_received", "job_conn_outcome"),
    ]
    with db.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        try:
            for scope, received, outcome in scopes:
                with CaptureQueriesContext(db) as queries:
                    dashboard.tiles(dashboard.order_jobs(**scope), now)
                assert len(queries) == 4  # received, posted, failed, waiting
                wanted = [
                    (received, "created_at"),
                    (outcome, "finished_at"),
                    (outcome, "finished_at"),
                ]
                for query, (index, column) in zip(queries, wanted, strict=False):
                    cursor.execute("EXPLAIN " + query["sql"])
                    plan = "\n".join(row[0] for row in cursor.fetchall())
                    assert re.search(rf"(Scan using|Bitmap Index Scan on) {index}\b", plan), plan
                    assert re.search(rf"Index Cond: .*\b{column} >= ", plan), plan
        finally:
            cursor.execute("SET enable_seqscan = on")
