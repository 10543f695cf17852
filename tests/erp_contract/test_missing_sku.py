"""A SKU the ERP has no item for fails the order's job with a message that names the SKU and the
setting that fixes it, with the cause code and the SKU recorded for grouping, and nothing is
created."""

import pytest

from connectors.causes import SKU_UNMAPPED
from sync.models import JobState
from tests.erp_contract.shop import order_synced

pytestmark = pytest.mark.worker


def test_a_missing_sku_fails_the_job_naming_the_sku_and_the_setting(shop):
    shop.kit.item_remove("STOVE-1")
    order, job = order_synced(shop, [("STOVE-1", 1), ("MUG-STEEL", 1)])
    assert job.state == JobState.FAILED
    assert "SKU STOVE-1" in job.last_error, job.last_error
    assert shop.kit.unmapped_sku_setting in job.last_error, job.last_error
    assert (job.error_cause, job.error_subject) == (SKU_UNMAPPED, "STOVE-1")
    assert shop.kit.documents(order.pk) == []
