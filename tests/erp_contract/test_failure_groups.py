"""Failed orders land on the failures page grouped by their cause and SKU, and "Fix and replay",
once the item exists in the ERP again, sends them: through each kit's sandbox ERP, the sandbox
store's signed webhooks, a real worker and the admin page."""

import pytest
from django.urls import reverse

from connectors.causes import SKU_UNMAPPED, erp_name
from sync.models import BulkRun, JobState, SyncJob
from tests.erp_contract.kits import Kit
from tests.erp_contract.shop import order_synced
from tests.support.worker import wait_until

pytestmark = pytest.mark.worker


def test_orders_missing_an_item_group_by_sku_and_fix_and_replay_sends_them(
    kit, request, client, owner
):
    if type(kit).item_restore is Kit.item_restore:  # before the shop starts any work
        pytest.skip(f"the {kit.kind} kit cannot put a removed item back yet")
    shop = request.getfixturevalue("shop")
    shop.kit.item_remove("STOVE-1")
    placed = [order_synced(shop, [("STOVE-1", 1), ("MUG-STEEL", 1)]) for _ in range(2)]
    jobs = [job for _, job in placed]
    assert {(job.state, job.error_cause, job.error_subject) for job in jobs} == {
        (JobState.FAILED, SKU_UNMAPPED, "STOVE-1")
    }
    client.force_login(owner)
    page = client.get(reverse("admin:sync_failures")).content.decode()
    erp = erp_name(shop.connection)
    assert f"SKU STOVE-1 has no item in {erp} — 2 orders" in page, page
    assert "Fix and replay 2" in page

    shop.kit.item_restore("STOVE-1")
    answer = client.post(
        reverse("admin:sync_failures_replay"),
        {"connection": shop.connection.pk, "cause": SKU_UNMAPPED, "subject": "STOVE-1"},
    )
    run = BulkRun.objects.get(kind=BulkRun.Kind.REPLAY)
    assert answer.status_code == 302 and answer["Location"].endswith(f"/bulkrun/{run.pk}/change/")
    assert sorted(run.params["job_ids"]) == sorted(job.pk for job in jobs)
    done = SyncJob.objects.filter(pk__in=[job.pk for job in jobs], state=JobState.SUCCEEDED)
    wait_until(lambda: done.count() == 2, timeout=90, message="the replayed orders did not post")
    assert all(len(shop.kit.documents(order.pk)) == 1 for order, _ in placed)
    assert "Fix and replay" not in client.get(reverse("admin:sync_failures")).content.decode()
