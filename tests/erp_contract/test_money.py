"""Money exact to the cent: the ERP document's line totals, shipping, tax and total equal the
store order's."""

import pytest

from sandbox.bigcommerce.shapes import order_totals
from sync.models import JobState
from tests.erp_contract.kits import cents
from tests.erp_contract.shop import order_synced

pytestmark = pytest.mark.worker


def test_a_documents_totals_equal_the_orders_to_the_cent(shop):
    order, job = order_synced(shop, [("TENT-2P", 2), ("MUG-STEEL", 3), ("PACK-30L", 1)])
    assert job.state == JobState.SUCCEEDED, job.last_error
    (document,) = shop.kit.documents(order.pk)
    totals = order_totals(order)
    assert [(sku, qty, total) for sku, qty, total in document.lines] == [
        (line.sku, cents(line.quantity), cents(line.price_ex_tax * line.quantity))
        for line in order.lines.order_by("pk")
    ]
    assert document.shipping_ex_tax == cents(order.shipping_cost_ex_tax)
    assert document.total_ex_tax == cents(totals["total_ex_tax"])
    assert document.total_tax == cents(totals["total_tax"])
    assert document.total_inc_tax == cents(totals["total_inc_tax"])
