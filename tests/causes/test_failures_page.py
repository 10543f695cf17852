"""The "Failed orders by cause" page: groups counted in one query, each tenant sees only its own,
viewers see no button, and "Fix and replay" touches only the group's orders in a tenant where the
person may write. (The same page driven by real failures: tests/erp_contract/
test_failure_groups.py.)"""

import re

import pytest
from django.db import connection as db
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from connectors.causes import ACCOUNT_UNMAPPED, SKU_UNMAPPED
from sync.failures import failure_groups_for
from sync.models import BulkRun, JobKind, JobState
from tests.factories import ConnectionFactory, SyncJobFactory

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]  # on PostgreSQL and on SQLite

PAGE = "admin:sync_failures"
REPLAY = "admin:sync_failures_replay"


def failed(connection, cause=SKU_UNMAPPED, subject="HAMMOCK-1", **fields):
    return SyncJobFactory(
        connection=connection, state=JobState.FAILED, error_cause=cause, error_subject=subject,
        last_error=f"SKU {subject} has no item", **fields,
    )  # fmt: skip


@pytest.fixture
def failures(active, other_connection):
    """Acme: 3 orders missing HAMMOCK-1, 1 missing TENT-2P, 1 with an unknown account, and jobs
    that must not count (succeeded, a failed customer job). Globex: 2 missing HAMMOCK-1."""
    hammock = [failed(active) for _ in range(3)]
    failed(active, subject="TENT-2P")
    failed(active, cause=ACCOUNT_UNMAPPED, subject="4-1100")
    SyncJobFactory(connection=active, state=JobState.SUCCEEDED)
    failed(active, kind=JobKind.CUSTOMER_TO_STORE)
    theirs = [failed(other_connection) for _ in range(2)]
    return hammock, theirs


def headings(page: str) -> list[str]:
    return re.findall(r'failure-heading">([^<]*)</h2>', page)


def test_groups_by_connection_cause_and_subject_counted_in_one_query(owner, failures):
    with CaptureQueriesContext(db) as queries:
        groups = failure_groups_for(owner)
    grouped = [q["sql"] for q in queries.captured_queries if "GROUP BY" in q["sql"]]
    assert len(grouped) == 1 and len(queries) <= 4, [q["sql"] for q in queries.captured_queries]
    assert sorted((g.code, g.subject, g.count) for g in groups) == [
        (ACCOUNT_UNMAPPED, "4-1100", 1), (SKU_UNMAPPED, "HAMMOCK-1", 3),
        (SKU_UNMAPPED, "TENT-2P", 1),
    ]  # fmt: skip
    assert groups[0].count == 3  # the largest group first


def test_the_owner_reads_each_group_with_its_fix_and_button(client, owner, failures, active):
    client.force_login(owner)
    page = client.get(reverse(PAGE)).content.decode()
    assert headings(page)[0] == "SKU HAMMOCK-1 has no item in MYOB Business — 3 orders"
    assert "Account 4-1100 is not in MYOB Business — 1 order" in headings(page)
    assert "Fix and replay 3" in page and "5 orders could not be sent" in page
    assert "Create an item with number HAMMOCK-1 in MYOB Business" in page
    # The control that fixes it: the connection's page until a company file is chosen.
    settings_page = reverse("admin:tenants_connection_change", args=[active.pk])
    assert f'href="{settings_page}"' in page and "Open the connection&#x27;s settings" in page


def test_another_tenants_groups_are_never_shown(client, outsider, failures, active):
    client.force_login(outsider)
    page = client.get(reverse(PAGE)).content.decode()
    assert headings(page) == ["SKU HAMMOCK-1 has no item in MYOB Business — 2 orders"]
    assert "TENT-2P" not in page and "4-1100" not in page
    # Naming the other tenant's connection finds nothing.
    assert client.get(reverse(PAGE), {"connection": active.pk}).status_code == 404
    assert client.get(reverse(PAGE), {"connection": "not-a-uuid"}).status_code == 404


def test_a_connection_filter_shows_only_its_groups(client, owner, failures, active, tenant):
    second = ConnectionFactory(tenant=tenant, name="Second store")
    failed(second, subject="LANTERN-9")
    client.force_login(owner)
    everything = client.get(reverse(PAGE)).content.decode()
    assert "LANTERN-9" in everything
    one = client.get(reverse(PAGE), {"connection": active.pk}).content.decode()
    assert "LANTERN-9" not in one and "HAMMOCK-1" in one


def test_a_viewer_sees_the_groups_without_buttons_and_cannot_replay(
    client, member, failures, active
):
    client.force_login(member)
    page = client.get(reverse(PAGE)).content.decode()
    assert "SKU HAMMOCK-1 has no item in MYOB Business — 3 orders" in headings(page)
    assert "failure-replay" not in page
    group = {"connection": active.pk, "cause": SKU_UNMAPPED, "subject": "HAMMOCK-1"}
    assert client.post(reverse(REPLAY), group).status_code == 404
    assert BulkRun.objects.count() == 0


def test_a_viewer_here_who_owns_another_tenant_cannot_replay_here(client, dana, failures, active):
    client.force_login(dana)
    page = client.get(reverse(PAGE)).content.decode()
    assert page.count("failure-replay") == 1  # Globex's group only
    group = {"connection": active.pk, "cause": SKU_UNMAPPED, "subject": "HAMMOCK-1"}
    assert client.post(reverse(REPLAY), group).status_code == 404
    assert BulkRun.objects.count() == 0


def test_fix_and_replay_touches_only_the_groups_orders(
    client, owner, outsider, failures, active, other_connection, django_capture_on_commit_callbacks
):
    hammock, _ = failures
    client.force_login(outsider)  # another tenant's group, by its connection: nothing
    group = {"connection": active.pk, "cause": SKU_UNMAPPED, "subject": "HAMMOCK-1"}
    assert client.post(reverse(REPLAY), group).status_code == 404
    assert client.get(reverse(REPLAY)).status_code == 405
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=False):
        answer = client.post(reverse(REPLAY), group)
    run = BulkRun.objects.get()
    assert answer.status_code == 302
    assert answer["Location"] == reverse("admin:sync_bulkrun_change", args=[run.pk])
    assert sorted(run.params["job_ids"]) == sorted(job.pk for job in hammock)
    assert run.tenant_id == active.tenant_id and run.total == 3
    # A group that is not there (a cause with no failed orders) is a 404, not an empty run.
    gone = {**group, "subject": "NO-SUCH-SKU"}
    assert client.post(reverse(REPLAY), gone).status_code == 404
    assert BulkRun.objects.count() == 1


def test_see_the_orders_opens_the_orders_list_on_the_groups_orders(client, owner, failures):
    hammock, _ = failures
    client.force_login(owner)
    page = client.get(reverse(PAGE)).content.decode()
    link = (
        re.search(r'href="([^"]*)" class="[^"]*failure-orders', page).group(1).replace("&amp;", "&")
    )
    assert link.startswith(reverse("admin:sync_orderjob_changelist"))
    assert "q=HAMMOCK-1" in link and "state=failed" in link
    listed = client.get(link)
    assert listed.status_code == 200
    shown = {job.pk for job in listed.context["cl"].result_list}
    assert shown == {job.pk for job in hammock}
