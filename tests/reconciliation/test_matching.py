"""The comparison on its own: a cent either way is a match, more is a finding; an order in a
status the connection does not send is 'skipped', not 'missing'; an order's documents are
counted in the ERP total whether they match or not."""

from decimal import Decimal

import pytest

from connectors.erp import DocumentSummary
from reconciliation.matching import StoreOrder, documents_by_reference, reconcile
from reconciliation.models import FindingKind

pytestmark = pytest.mark.embedded


def order(order_id, total="100.00", status_id=11):
    return StoreOrder(id=order_id, placed_at=None, status_id=status_id, status="Some status",
                      total=Decimal(total))  # fmt: skip


def doc(order_id, total, number="INV-1"):
    return DocumentSummary(reference=order_id, id=f"id-{number}", number=number,
                           total=None if total is None else Decimal(total))  # fmt: skip


def kinds(orders, documents, synced=(11,)):
    outcome = reconcile(orders, documents_by_reference(documents), synced)
    return {f.order.id: f.kind for f in outcome.findings}, outcome


def test_a_cent_either_way_matches_and_two_cents_do_not():
    found, outcome = kinds(
        [order("1"), order("2"), order("3"), order("4")],
        [doc("1", "100.01"), doc("2", "99.99"), doc("3", "100.02"), doc("4", "99.98")],
    )
    assert found == {"3": FindingKind.TOTAL, "4": FindingKind.TOTAL}
    assert outcome.matched == 2


def test_an_erp_that_keeps_no_total_is_matched_by_reference_alone():
    found, outcome = kinds([order("1")], [doc("1", None)])
    assert found == {} and outcome.matched == 1


def test_status_not_synced_is_skipped_and_synced_is_missing():
    found, _ = kinds([order("1", status_id=5), order("2", status_id=11)], [])
    assert found == {"1": FindingKind.SKIPPED, "2": FindingKind.MISSING}


def test_two_documents_are_a_duplicate_and_both_count_in_the_erp_total():
    found, outcome = kinds(
        [order("1"), order("2")],
        [doc("1", "100.00", "A"), doc("1", "100.00", "B"), doc("2", "100.00"), doc("9", "50.00")],
    )
    assert found == {"1": FindingKind.DUPLICATE}
    assert outcome.store_total == Decimal("200.00")
    assert outcome.erp_total == Decimal("300.00")  # a document of another period's order: out
    assert outcome.findings[0].document_numbers == "A, B"
