"""The store's budget: store reads per order, skipping unchanged updates, starting waiting jobs on time.

See tests/support/mutations.py for the fields."""

from tests.support.mutation_spec import Mutation

BUDGET_TESTS = "tests/pipeline/test_store_budget.py"
SPEC_TESTS = "tests/sandbox/test_bigcommerce_spec.py"
CONSIGNMENT_TESTS = "tests/sandbox/test_bigcommerce_consignments.py"
WINDOW_TESTS = "tests/connectors/test_store_budget_window.py"

MUTATIONS: list[Mutation] = [
    Mutation(
        name="budget-reads-lines-and-addresses-apart",
        claim="a new order from a registered customer costs at most 3 store reads (the order "
        "comes with its lines and ship-to addresses in one call)",
        path="sync/order_sync.py",
        find="order = mapping.order_from_consignments(raw, customer)",
        replace="order = mapping.order_from_bigcommerce(raw, store.order_products(job.source_id), "
        "store.order_shipping_addresses(job.source_id), customer)",
        tests=(
            f"{BUDGET_TESTS}::test_a_new_order_from_a_registered_customer_costs_at_most_three_store_reads",
        ),
    ),
    Mutation(
        name="budget-always-reads-refunds",
        claim="refunds are read only when the order has some",
        path="sync/order_sync.py",
        find="if mapping.order_has_refunds(raw_order, transactions):",
        replace="if True:",
        tests=(
            f"{BUDGET_TESTS}::test_a_new_order_from_a_registered_customer_costs_at_most_three_store_reads",
        ),
    ),
    Mutation(
        name="budget-never-reads-refunds",
        claim="an order's refunds are read when it has some",
        path="sync/order_sync.py",
        find="if mapping.order_has_refunds(raw_order, transactions):",
        replace="if False:",
        tests=(f"{BUDGET_TESTS}::test_refunds_are_read_when_the_order_has_some",),
    ),
    Mutation(
        name="budget-refunds-only-by-refunded-amount",
        claim="refunds are found by the order's status and transactions too, not only by "
        "refunded_amount (which the spec says always returns 0)",
        path="connectors/bigcommerce/mapping.py",
        find='money(order.get("refunded_amount")) > ZERO\n        or',
        replace='money(order.get("refunded_amount")) > ZERO\n        or False and',
        tests=("tests/connectors/test_bigcommerce_refund_signals.py",),
    ),
    Mutation(
        name="budget-reads-the-customer-every-run",
        claim="a re-run for the same buyer reads no customer from the store",
        path="sync/order_sync.py",
        find="customer = store.customer(customer_id) if customer_id and not same_buyer else None",
        replace="customer = store.customer(customer_id) if customer_id else None",
        tests=(
            f"{BUDGET_TESTS}::test_a_changed_order_of_the_same_buyer_reads_no_customer_and_upserts_none",
        ),
    ),
    Mutation(
        name="budget-upserts-the-customer-every-run",
        claim="a re-run for the same buyer makes no ERP customer upsert",
        path="sync/order_sync.py",
        find="    if same_buyer:\n        customer_ref = ExternalRef(id=job.erp_customer_id)",
        replace="    if False:\n        customer_ref = ExternalRef(id=job.erp_customer_id)",
        tests=(
            f"{BUDGET_TESTS}::test_a_changed_order_of_the_same_buyer_reads_no_customer_and_upserts_none",
        ),
    ),
    Mutation(
        name="budget-ignores-a-changed-buyer",
        claim="a changed buyer (customer id or billing e-mail) is read again and upserted",
        path="sync/order_sync.py",
        find="return bool(job.erp_customer_id) and all(last.get(k) == v for k, v in buyer.items())",
        replace="return bool(job.erp_customer_id)",
        tests=(f"{BUDGET_TESTS}::test_a_changed_buyer_is_read_again_and_upserted",),
    ),
    Mutation(
        name="budget-reruns-unchanged-orders",
        claim="an unchanged update costs one store read and no ERP call",
        path="sync/order_sync.py",
        find="return bool(job.erp_document_id) and all(last.get(k) == v for k, v in seen.items())",
        replace="return False",
        tests=(f"{BUDGET_TESTS}::test_an_unchanged_update_costs_one_store_read_and_no_erp_call",),
    ),
    Mutation(
        name="budget-reruns-unchanged-orders-embedded",
        claim="an unchanged update costs one store read and no ERP call (SQLite + file broker)",
        path="sync/order_sync.py",
        find="return bool(job.erp_document_id) and all(last.get(k) == v for k, v in seen.items())",
        replace="return False",
        tests=(f"{BUDGET_TESTS}::test_an_unchanged_update_costs_one_store_read_and_no_erp_call",),
        env={"TEST_BACKEND": "embedded"},
    ),
    Mutation(
        name="budget-reruns-unchanged-orders-into-myob",
        claim="an unchanged update makes no call to MYOB (real sandboxes over HTTP)",
        path="sync/order_sync.py",
        find="return bool(job.erp_document_id) and all(last.get(k) == v for k, v in seen.items())",
        replace="return False",
        tests=("tests/myob/test_store_budget_myob.py",),
    ),
    Mutation(
        name="budget-unchanged-by-date-modified-alone",
        claim="a change in the same second as the last sync (same date_modified) still reaches "
        "the ERP",
        path="sync/order_sync.py",
        find='"answer": _digest(raw)}',
        replace="}",
        tests=(
            f"{BUDGET_TESTS}::test_a_change_in_the_same_second_as_the_last_sync_still_reaches_the_erp",
        ),
    ),
    Mutation(
        name="budget-replay-takes-the-shortcut",
        claim="a person's replay of an unchanged order runs in full",
        path="sync/replay.py",
        find="details = {k: v for k, v in job.details.items() if k != SYNCED}",
        replace="details = job.details",
        tests=(f"{BUDGET_TESTS}::test_a_replay_of_an_unchanged_order_runs_in_full",),
    ),
    Mutation(
        name="mapping-consignment-lines-out-of-order",
        claim="the order read with its consignments maps to the same order as the three reads",
        path="connectors/bigcommerce/mapping.py",
        find='return sorted(products, key=lambda p: int(record_id(p["id"]))), shipping',
        replace="return products, shipping",
        tests=(CONSIGNMENT_TESTS,),
    ),
    Mutation(
        name="mapping-ignores-gift-certificate-lines",
        claim="lines of every consignment (e-mailed gift certificates too) reach the order",
        path="connectors/bigcommerce/mapping.py",
        find='*(email.get("gift_certificates") or []),',
        replace="",
        tests=(CONSIGNMENT_TESTS,),
    ),
    Mutation(
        name="sandbox-consignment-costs-as-strings",
        claim="the sandbox serves consignments as the official spec says (costs are numbers)",
        path="sandbox/bigcommerce/shapes.py",
        find='"base_cost": float(ship_ex),',
        replace='"base_cost": money4(ship_ex),',
        tests=(SPEC_TESTS,),
    ),
    Mutation(
        name="sandbox-consignment-line-with-a-stray-field",
        claim="the sandbox's consignment line items are the spec's orderProducts exactly",
        path="sandbox/bigcommerce/shapes.py",
        find="return [v2_order_product(line) for line in selected]",
        replace='return [{**v2_order_product(line), "ship_to": 1} for line in selected]',
        tests=(SPEC_TESTS,),
    ),
    Mutation(
        name="sandbox-digital-line-ships",
        claim="a download is a digital consignment, not shipped",
        path="sandbox/bigcommerce/shapes.py",
        find='    if line.type != "physical":\n        return None',
        replace="",
        tests=(CONSIGNMENT_TESTS,),
    ),
    Mutation(
        name="store-budget-ignores-the-stores-window",
        claim="a store quota refreshed at the store's reset is used at once (no budget idle)",
        path="connectors/http.py",
        find="limiter.align(self.budget.key, window, budget.quota, used, reset_in)",
        replace="pass",
        tests=(
            f"{WINDOW_TESTS}::test_a_quota_spent_late_in_the_window_is_used_again_as_soon_as_the_store_refreshes_it",
        ),
    ),
    Mutation(
        name="store-budget-ignores-the-stores-window-embedded",
        claim="a store quota refreshed at the store's reset is used at once (SQLite budget)",
        path="connectors/http.py",
        find="limiter.align(self.budget.key, window, budget.quota, used, reset_in)",
        replace="pass",
        tests=(
            f"{WINDOW_TESTS}::test_a_quota_spent_late_in_the_window_is_used_again_as_soon_as_the_store_refreshes_it",
        ),
        env={"TEST_BACKEND": "embedded"},
    ),
    Mutation(
        name="store-budget-redis-forgets-calls-in-flight",
        claim="aligning to the store keeps our calls it has not counted yet (Redis budget)",
        path="connectors/ratelimit.py",
        find="local count = math.max(redis.call('ZCARD', key), used)",
        replace="local count = used",
        tests=(
            f"{WINDOW_TESTS}::test_the_budget_takes_the_larger_of_the_stores_count_and_its_own",
        ),
    ),
    Mutation(
        name="store-budget-database-ignores-other-apps",
        claim="aligning to the store counts other apps' calls on the store (database budget)",
        path="connectors/ratelimit.py",
        find="row.state[name] = [start] * max(len(ours), used)",
        replace="row.state[name] = [start] * len(ours)",
        tests=(
            f"{WINDOW_TESTS}::test_the_budget_takes_the_larger_of_the_stores_count_and_its_own",
        ),
    ),
]
