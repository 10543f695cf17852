"""Payments and refunds into the ERP: which of the store's money counts, the order it is posted
in, and (Acumatica) each one posted once, released and applied to the right document.

See tests/support/mutations.py for the fields."""

from tests.support.mutation_spec import Mutation

RULE = "tests/pipeline/test_payments_rule.py"
E2E = "tests/acumatica/test_payments.py"
EACH = f"{E2E}::test_a_transaction_a_later_capture_and_a_refund_each_post_once_released_and_applied"
INVOICE = (
    f"{E2E}::test_in_invoice_mode_the_payment_is_applied_to_the_invoice_whose_balance_drops_to_zero"
)
LOST = f"{E2E}::test_a_payment_whose_answer_never_came_is_found_not_posted_twice"
REFUSED = f"{E2E}::test_an_acumatica_refusal_fails_the_job_naming_the_transaction_and_the_field"
NOT_SET_UP = f"{E2E}::test_without_a_payment_method_and_cash_account_the_order_syncs_and_says_so"
ACU = "connectors/acumatica/payments.py"

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
    # -- the shared shape in the order's run -------------------------------------------------
    Mutation(
        name="payments-not-part-of-unchanged",
        claim="a new transaction on an otherwise unchanged order is posted (its money is compared)",
        path="sync/order_sync.py",
        find='seen["payments"] = _digest(money.digest_key(payments))',
        replace="payments = payments",
        tests=(EACH,),
    ),
    Mutation(
        name="payments-skipped-once-no-longer-synced",
        claim="a refund on an order whose status is no longer synced is posted all the same",
        path="sync/order_sync.py",
        find="    _payments_post(job, erp, document, order, payments)\n            _remember_sync",
        replace="    pass\n            _remember_sync",
        tests=(EACH,),
    ),
    Mutation(
        name="payments-error-unnamed",
        claim="a refused payment fails the job naming the transaction and the document",
        path="sync/payments.py",
        find='exc.message = f"{describe(payment)} could not be posted against {where}: {exc.message}"',
        replace="exc.message = exc.message",
        tests=(REFUSED,),
    ),
    Mutation(
        name="payments-not-set-up-fails-the-order",
        claim="a connection not set up for payments still syncs its orders, with a warning",
        path="sync/payments.py",
        find='return f"The order\'s payments were not posted to {erp.label}: {exc}"',
        replace="raise",
        tests=(NOT_SET_UP,),
    ),
    # -- Acumatica ---------------------------------------------------------------------------
    Mutation(
        name="acupay-not-released",
        claim="each payment and refund is released (ReleasePayment)",
        path=ACU,
        find='self.api.action(PAYMENT, "ReleasePayment", keys)',
        replace="pass",
        tests=(EACH,),
    ),
    Mutation(
        name="acupay-no-find-before-create",
        claim="a payment is looked up by its ExternalRef before it is created",
        path=ACU,
        find="found = self._by_reference(kind, reference)",
        replace="found = None",
        tests=(EACH, LOST),
    ),
    Mutation(
        name="acupay-released-released-again",
        claim="a payment found released is left as it is",
        path=ACU,
        find='if record.get("Status") not in RELEASED:',
        replace="if True:",
        tests=(EACH,),
    ),
    Mutation(
        name="acupay-order-not-applied",
        claim="a payment is applied to the sales order (OrdersToApply)",
        path=ACU,
        find='return str(found["CustomerID"]), {"OrdersToApply": [line]}',
        replace='return str(found["CustomerID"]), {"OrdersToApply": []}',
        tests=(EACH,),
    ),
    Mutation(
        name="acupay-invoice-mode-applies-to-the-order",
        claim="with an AR invoice, the payment is applied to the invoice, not the sales order",
        path=ACU,
        find="if settings.document == mapping.SALES_ORDER:",
        replace="if True:",
        tests=(INVOICE,),
    ),
    Mutation(
        name="acupay-refund-applied-to-the-invoice",
        claim="a refund is applied to the payment it gives back (DocType Payment)",
        path=ACU,
        find='lines.append({"DocType": PAYMENT,',
        replace='lines.append({"DocType": "Invoice",',
        tests=(EACH,),
    ),
    Mutation(
        name="acupay-cash-account-fixed",
        claim="the payment's cash account comes from the connection's settings",
        path=ACU,
        find='"CashAccount": account,',
        replace='"CashAccount": "10200",',
        tests=(EACH, REFUSED),
    ),
    Mutation(
        name="acupay-payment-ref-not-the-transaction",
        claim="PaymentRef is the store's transaction id (people match it to the gateway)",
        path=ACU,
        find='"PaymentRef": payment.source_id,',
        replace='"PaymentRef": reference,',
        tests=(EACH,),
    ),
]
