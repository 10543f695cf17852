"""The Orders view (sync/admin_orders.py) and what it reads from a job: each breakage is one
claim its tests make.

See tests/support/mutations.py for the fields."""

from tests.support.mutation_spec import Mutation

SUMMARY = "tests/pipeline/test_order_summary.py"
FILLED = (f"{SUMMARY}::test_a_synced_order_carries_its_summary_its_lines_and_its_document",)
REPLAYED = (f"{SUMMARY}::test_a_replay_adds_to_the_history_and_keeps_the_first_failure",)

MUTATIONS: list[Mutation] = [
    Mutation(
        name="orders-skus-not-filled",
        claim="a fetched order's SKUs are kept on its job, for search",
        path="sync/order_summary.py",
        find='        "skus": " ".join(dict.fromkeys(line.sku for line in order.lines if line.sku)),',
        replace='        "skus": "",',
        tests=FILLED,
    ),
    Mutation(
        name="orders-document-not-recorded",
        claim="the document sent for an order is kept on its job, beside the store's lines",
        path="sync/order_sync.py",
        find="    _document_record(job, erp, order)\n",
        replace="",
        tests=FILLED,
    ),
    Mutation(
        name="orders-replay-renumbers-attempts",
        claim="a replay's attempts number on after the earlier ones (1, 2, 3, never 1 again)",
        path="sync/replay.py",
        find="            details[EARLIER_ATTEMPTS] = earlier\n",
        replace="",
        tests=REPLAYED,
    ),
]
