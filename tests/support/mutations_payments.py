"""Payments and refunds into the ERP: which of the store's money counts, the order it is posted
in, and (Acumatica) each one posted once, released and applied to the right document.

See tests/support/mutations.py for the fields."""

from tests.support.mutation_spec import Mutation

RULE = "tests/pipeline/test_payments_rule.py"

MUTATIONS: list[Mutation] = [
    Mutation(
        name="payments-authorization-counts",
        claim="an authorization moves no money: only its capture is posted",
        path="sync/payments.py",
        find='COUNTED_EVENTS = frozenset({"purchase", "capture"})',
        replace='COUNTED_EVENTS = frozenset({"purchase", "capture", "authorization"})',
        tests=(f"{RULE}::test_a_transaction_counts_only_when_money_moved",),
    ),
    Mutation(
        name="payments-refund-events-count",
        claim="a refund counts from the refunds list only, not again from the transaction events",
        path="sync/payments.py",
        find='COUNTED_EVENTS = frozenset({"purchase", "capture"})',
        replace='COUNTED_EVENTS = frozenset({"purchase", "capture", "refund"})',
        tests=(f"{RULE}::test_a_transaction_counts_only_when_money_moved",),
    ),
    Mutation(
        name="payments-declined-transaction-counts",
        claim="a declined transaction (status error) is not posted",
        path="sync/payments.py",
        find='and payment.status.lower() == "ok"',
        replace="",
        tests=(f"{RULE}::test_a_transaction_counts_only_when_money_moved",),
    ),
    Mutation(
        name="payments-declined-refund-counts",
        claim="a declined refund is not posted",
        path="sync/payments.py",
        find='return payment.status.lower() != "declined"',
        replace="return True",
        tests=(
            f"{RULE}::test_refunds_count_from_the_refunds_list_unless_declined_and_zero_counts_for_nothing",
        ),
    ),
    Mutation(
        name="payments-newest-first",
        claim="payments and refunds are posted oldest first",
        path="sync/payments.py",
        find="key=_oldest_first)",
        replace="key=_oldest_first, reverse=True)",
        tests=(
            f"{RULE}::test_postings_are_oldest_first_and_a_refund_gives_back_from_the_oldest_payment_first",
        ),
    ),
    Mutation(
        name="payments-refund-before-its-payment",
        claim="a refund in the same second as its payment is posted after it",
        path="sync/payments.py",
        find='return when, payment.kind == "refund", number',
        replace='return when, payment.kind != "refund", number',
        tests=(f"{RULE}::test_a_payment_and_its_refund_in_the_same_second_post_the_payment_first",),
    ),
    Mutation(
        name="payments-money-truncated",
        claim="money is rounded to the cent, not cut",
        path="sync/payments.py",
        find="quantize(CENT, rounding=ROUND_HALF_UP)",
        replace='quantize(CENT, rounding="ROUND_DOWN")',  # decimal's constants are these strings
        tests=(
            f"{RULE}::test_postings_are_oldest_first_and_a_refund_gives_back_from_the_oldest_payment_first",
        ),
    ),
]
