"""When a sync reads an order's refunds: only when the order says it has some. The spec's text
says `refunded_amount` "always returns 0", so the status, the payment status and the
transactions (read anyway) are signals too."""

import pytest

from connectors.bigcommerce.mapping import order_has_refunds
from tests.support.well_formed_answers import ORDER, TRANSACTIONS

REFUND = {**TRANSACTIONS[0], "id": 4, "event": "refund", "amount": 1.5}


@pytest.mark.parametrize(
    ("changes", "transactions", "expected"),
    [
        ({}, TRANSACTIONS, False),
        ({"refunded_amount": "0.0000"}, TRANSACTIONS, False),
        ({"refunded_amount": "1.5000"}, TRANSACTIONS, True),
        ({"status_id": 14, "status": "Partially Refunded"}, TRANSACTIONS, True),
        ({"status_id": 4, "status": "Refunded"}, TRANSACTIONS, True),
        ({"payment_status": "partially refunded"}, TRANSACTIONS, True),
        ({}, [*TRANSACTIONS, REFUND], True),
    ],
    ids=["none", "zero", "amount", "partially-refunded", "refunded", "payment-status", "txn"],
)
def test_an_order_says_whether_it_has_refunds(changes, transactions, expected):
    assert order_has_refunds({**ORDER, **changes}, transactions) is expected
