"""A call through the client is visible, redacted, in the admin — to its tenant only."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import ApiCall
from audit.retention import prune_api_calls
from connectors.bigcommerce.client import store_client
from tests.factories import ApiCallFactory
from tests.support.scripted_server import Answer, ScriptedServer


def listed_operations(html: str) -> list[str]:
    """The operation column of the result rows (the filter sidebar lists operations too)."""
    return [
        op.strip() for op in re.findall(r'class="[^"]*field-operation[^"]*"[^>]*>([^<]+)<', html)
    ]


@pytest.fixture
def recorded_call(connection):
    """One real call through the BigCommerce client to a scripted peer."""
    with ScriptedServer() as server:
        connection.bc_api_url = server.url
        server.answer(Answer(200, {"id": 1, "name": "Acme Outdoor"}))
        store_client(connection).get("v2/store", operation="store.get")
    return ApiCall.objects.get()


@pytest.mark.django_db
def test_the_call_is_in_the_tenants_list_and_detail_with_the_token_redacted(
    client, owner, recorded_call, connection
):
    client.force_login(owner)
    listing = client.get(reverse("admin:audit_apicall_changelist"))
    assert listing.status_code == 200
    assert listed_operations(listing.content.decode()) == ["store.get"]
    detail = client.get(reverse("admin:audit_apicall_change", args=[recorded_call.pk]))
    html = detail.content.decode()
    assert detail.status_code == 200
    assert "Acme Outdoor" in html and "[redacted]" in html
    assert connection.bc_access_token not in html


def exported_ids(response) -> list[str]:
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][0] == "id"
    return [row[0] for row in rows[1:]]


@pytest.mark.django_db
def test_outsiders_see_nothing_and_cannot_open_it(
    client, outsider, recorded_call, other_connection
):
    their_own = ApiCallFactory(connection=other_connection)
    client.force_login(outsider)
    listing = client.get(reverse("admin:audit_apicall_changelist"))
    assert "store.get" not in listing.content.decode()  # not in rows, not in the filters
    detail = client.get(reverse("admin:audit_apicall_change", args=[recorded_call.pk]))
    assert detail.status_code in (403, 404)
    # The export holds the outsider's own call and nothing else.
    assert exported_ids(client.get(reverse("admin:audit_apicall_export"))) == [str(their_own.pk)]


@pytest.mark.django_db
def test_nobody_edits_the_log(client, owner, recorded_call):
    client.force_login(owner)
    url = reverse("admin:audit_apicall_change", args=[recorded_call.pk])
    client.post(url, {"operation": "forged"})
    recorded_call.refresh_from_db()
    assert recorded_call.operation == "store.get"
    assert client.get(reverse("admin:audit_apicall_add")).status_code == 403


@pytest.mark.django_db
def test_filters_and_csv_export_follow_the_list(client, owner, connection, recorded_call):
    ApiCall.objects.create(
        tenant=connection.tenant, connection=connection, system="myob", operation="invoice.create",
        method="POST", url="https://api.myob.com/x", status_code=500, duration_ms=3500,
    )  # fmt: skip
    client.force_login(owner)
    changelist = reverse("admin:audit_apicall_changelist")
    assert listed_operations(client.get(changelist).content.decode()) == [
        "invoice.create",
        "store.get",
    ]
    failed = client.get(changelist, {"result": "5xx"}).content.decode()
    assert listed_operations(failed) == ["invoice.create"]
    slow = client.get(changelist, {"slow": "yes"}).content.decode()
    assert listed_operations(slow) == ["invoice.create"]
    found = client.get(changelist, {"q": "v2/store"}).content.decode()
    assert listed_operations(found) == ["store.get"]
    export = client.get(reverse("admin:audit_apicall_export"), {"system": "myob"})
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode())))
    assert rows[0][0] == "id" and len(rows) == 2 and rows[1][5] == "invoice.create"


@pytest.mark.django_db
def test_retention_prunes_old_rows_in_batches(connection):
    old = timezone.now() - timedelta(days=100)
    for _ in range(7):
        call = ApiCall.objects.create(system="bigcommerce", operation="x", method="GET", url="u")
        ApiCall.objects.filter(pk=call.pk).update(created_at=old)
    ApiCall.objects.create(system="bigcommerce", operation="recent", method="GET", url="u")
    assert prune_api_calls(days=90, batch=3) == 7
    assert list(ApiCall.objects.values_list("operation", flat=True)) == ["recent"]
