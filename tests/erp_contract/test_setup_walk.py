"""The guided set-up page walked for every ERP on its sandbox: a fresh connection's steps are to
do; 'Check sign-in and mappings' signs in and checks them; the dry-run shows the store's last
three orders, each with the document it would become, reading only the store (no call to the ERP,
no document, no job); 'Activate and send orders since' activates and queues the backfill; then
every step is done."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import ApiCall
from config.celery import app
from sandbox.bigcommerce.services import place_test_order
from sandbox.bigcommerce.shapes import order_totals
from sync.models import BulkRun, SyncJob
from tenants.models import ConnectionStatus
from tests.erp_contract.kits import cents

ORDERS = [
    [("TENT-2P", 1)],
    [("MUG-STEEL", 2)],
    [("PACK-30L", 1), ("MUG-STEEL", 1)],
    [("TENT-2P", 2)],
]


def step_states(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-step="(\w+)" data-state="(\w+)"', html))


@pytest.fixture
def walk(kit, tenant, owner, client):
    store, connection = kit.connect(tenant, "setupwalk")
    client.force_login(owner)
    yield store, connection, reverse("admin:tenants_connection_setup", args=[connection.pk])
    app.control.purge()  # the backfill queued on activation is not the next test's work


def test_the_set_up_steps_from_fresh_to_active(kit, walk, client):
    store, connection, url = walk
    placed = [
        place_test_order(store, items=items, customer=store.customers.first()) for items in ORDERS
    ]
    fresh = step_states(client.get(url).content.decode())
    assert fresh == {
        "store": "done", "sign_in": "todo", "mappings": "todo", "statuses": "done",
        "dry_run": "todo", "activate": "todo",
    }  # fmt: skip

    checked = client.post(url, {"action": "check"}, follow=True).content.decode()
    assert step_states(checked)["sign_in"] == "done", checked
    assert step_states(checked)["mappings"] == "done"

    before = ApiCall.objects.count()
    page = client.post(url, {"action": "dry_run"}).content.decode()
    calls = ApiCall.objects.order_by("id")[before:]
    assert {(call.system, call.method) for call in calls} == {("bigcommerce", "GET")}
    assert len(calls) == 7  # the order list, then each order with its lines and its customer
    shown = re.findall(r'class="dry-run-order[^"]*" data-order="(\d+)"', page)
    newest = placed[::-1][:3]
    assert shown == [str(order.pk) for order in newest]
    totals = re.findall(r'class="dry-run-total[^"]*">([\d.]+)<', page)
    assert totals == [str(cents(order_totals(order)["total_inc_tax"])) for order in newest]
    assert "Would fail" not in page
    for order in placed:
        assert kit.documents(order.pk) == []
    assert not SyncJob.objects.filter(connection=connection).exists()
    assert step_states(page)["dry_run"] == "done"

    since = timezone.localdate() - timedelta(days=3)
    done = client.post(
        url, {"action": "activate", "backfill_since": since.isoformat()}, follow=True
    )
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.ACTIVE
    assert BulkRun.objects.filter(connection=connection, params__days=3).exists()
    assert set(step_states(done.content.decode()).values()) == {"done"}, done.content.decode()
