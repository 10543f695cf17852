"""Reconciliation's ERP side: every ERP lists the documents the pipeline created, read from the
ERP itself (its documented list query, date filter and paging), each with the store order it
carries, its number and, where the ERP keeps one, its total with tax to the cent."""

from datetime import timedelta

import pytest
from django.utils import timezone

from reconciliation.services import _erp
from sync.models import Lane
from tests.erp_contract.shop import order_synced

pytestmark = pytest.mark.worker


def listed(connection, since, until):
    erp = _erp(connection)
    # Reconciliation reads in the backfill lane of our budget for the ERP, behind live orders.
    assert getattr(erp, "lane", Lane.BACKFILL) == Lane.BACKFILL
    try:
        return [document for page in erp.sales_documents(since, until) for document in page]
    finally:
        erp.close()


def test_the_erp_lists_the_documents_the_pipeline_created(shop):
    first, _ = order_synced(shop, [("TENT-2P", 1)])
    second, _ = order_synced(shop, [("MUG-STEEL", 3)])
    now = timezone.now()
    documents = listed(shop.connection, now - timedelta(days=2), now + timedelta(days=2))
    for order in (first, second):
        (expected,) = shop.kit.documents(order.pk)
        found = [d for d in documents if d.reference == str(order.pk)]
        assert len(found) == 1, f"order {order.pk}: {found}"
        assert found[0].id == expected.id
        assert found[0].number == expected.number
        if found[0].total is not None:  # SYSPRO's order list keeps no total
            assert found[0].total == expected.total_inc_tax


def test_documents_dated_outside_the_period_are_not_listed(shop):
    if shop.kit.kind == "fake_erp":
        pytest.skip("the fake ERP keeps no document dates")
    order, _ = order_synced(shop, [("TENT-2P", 1)])
    later = timezone.now() + timedelta(days=3)
    assert [d for d in listed(shop.connection, later, later + timedelta(days=30))
            if d.reference == str(order.pk)] == []  # fmt: skip
