"""Which of the store's money an ERP that records payments is given (sync/payments.py), over each
event and status BigCommerce's orders API lists for a transaction, and the refunds list."""

from decimal import Decimal

import pytest

from connectors.bigcommerce.mapping import payment_from_refund, payment_from_transaction
from sync.payments import counts, digest_key, postings

pytestmark = pytest.mark.embedded


def transaction(id, event="purchase", status="ok", amount=50, at="2024-05-01T10:00:00Z"):
    return payment_from_transaction(
        {"id": id, "event": event, "status": status, "amount": amount, "currency": "AUD",
         "date_created": at, "method": "credit_card"}
    )  # fmt: skip


def refund(id, amount, at="2024-05-02T10:00:00Z", declined=False):
    return payment_from_refund(
        {"id": id, "total_amount": amount, "created": at,
         "payments": [{"id": id, "amount": amount, "is_declined": declined}]}
    )  # fmt: skip


# Every event of the spec's Transaction.event enum, with each status of Transaction.status.
@pytest.mark.parametrize(
    ("event", "status", "counted"),
    [
        ("purchase", "ok", True),
        ("capture", "ok", True),
        ("purchase", "error", False),  # declined
        ("capture", "error", False),
        ("authorization", "ok", False),  # no money yet: its capture counts
        ("void", "ok", False),
        ("pending", "ok", False),
        ("settled", "ok", False),  # the settlement of a purchase or capture already counted
        ("refund", "ok", False),  # the refunds list counts it, not the transaction events
        ("PURCHASE", "OK", True),
    ],
)
def test_a_transaction_counts_only_when_money_moved(event, status, counted):
    assert counts(transaction(1, event, status)) is counted


def test_refunds_count_from_the_refunds_list_unless_declined_and_zero_counts_for_nothing():
    assert counts(refund(7, 20)) is True
    assert counts(refund(8, 20, declined=True)) is False
    assert counts(transaction(2, amount=0)) is False
    assert counts(refund(9, 0)) is False


def test_postings_are_oldest_first_and_a_refund_gives_back_from_the_oldest_payment_first():
    payments = [
        refund(5, "30.00", at="2024-05-03T09:00:00Z"),
        transaction(12, "capture", amount="20.00", at="2024-05-02T09:00:00Z"),
        transaction(11, "authorization", amount="20.00", at="2024-05-01T08:00:00Z"),
        transaction(10, amount="25.005", at="2024-05-01T09:00:00Z"),
        transaction(13, "refund", amount="30.00", at="2024-05-03T09:00:00Z"),
    ]
    plan = postings(payments)
    assert [(p.payment.kind, p.payment.source_id) for p in plan] == [
        ("transaction", "10"), ("transaction", "12"), ("refund", "5"),
    ]  # fmt: skip
    # Money to the cent; 25.01 from the first payment, the rest from the next.
    assert plan[2].gives_back == (("10", Decimal("25.01")), ("12", Decimal("4.99")))
    assert digest_key(payments) == [
        ["transaction", "10", "25.01"], ["transaction", "12", "20.00"], ["refund", "5", "30.00"],
    ]  # fmt: skip


def test_a_payment_and_its_refund_in_the_same_second_post_the_payment_first():
    plan = postings([refund(1, 10, at="2024-05-01T10:00:00Z"), transaction(2, amount=10)])
    assert [p.payment.kind for p in plan] == ["transaction", "refund"]
    assert plan[1].gives_back == (("2", Decimal("10.00")),)


def test_a_refund_beyond_the_payments_gives_back_only_what_is_there():
    plan = postings([transaction(1, amount=10), refund(2, 15)])
    assert plan[1].gives_back == (("1", Decimal("10.00")),)
