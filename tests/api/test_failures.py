"""/api/v1/failures/: the failed orders of the caller's tenants grouped by cause and subject, as
on the admin's page; another tenant's groups never, a viewer's without the right to replay."""

import pytest
from django.urls import reverse

from connectors.causes import SKU_UNMAPPED
from sync.models import JobState
from tests.factories import SyncJobFactory

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]  # on PostgreSQL and on SQLite

URL = "api:failure-list"


@pytest.fixture
def hammock(connection):
    return [
        SyncJobFactory(
            connection=connection,
            state=JobState.FAILED,
            error_cause=SKU_UNMAPPED,
            error_subject="HAMMOCK-1",
        )
        for _ in range(3)
    ]


def test_the_owner_gets_each_group_with_its_title_fix_and_count(owner_api, connection, hammock):
    SyncJobFactory(connection=connection, state=JobState.SUCCEEDED)
    body = owner_api.get(reverse(URL)).json()
    assert body["count"] == 1
    (group,) = body["results"]
    assert group["title"] == "SKU HAMMOCK-1 has no item in MYOB Business"
    assert (group["cause"], group["subject"], group["count"]) == (SKU_UNMAPPED, "HAMMOCK-1", 3)
    assert group["connection"] == str(connection.pk) and group["can_replay"] is True
    assert group["example_job"] == max(job.pk for job in hammock)
    assert "Create an item with number HAMMOCK-1" in group["fix"]


def test_a_viewer_reads_the_groups_but_may_not_replay_them(viewer_api, hammock):
    (group,) = viewer_api.get(reverse(URL)).json()["results"]
    assert group["count"] == 3 and group["can_replay"] is False


def test_an_outsider_gets_none_of_another_tenants_groups(outsider_api, connection, hammock):
    assert outsider_api.get(reverse(URL)).json() == {"count": 0, "results": []}
    named = outsider_api.get(reverse(URL), {"connection": str(connection.pk)})
    assert named.json()["results"] == [] or named.status_code == 400
