"""Business Central's items as the catalog push's source, and the store's refunds as posted credit
memos (connectors/business_central/items.py, payments.py).

See tests/support/mutations.py for the fields."""

from tests.support.mutation_spec import Mutation

ITEMS = "connectors/business_central/items.py"
REFUNDS = "connectors/business_central/payments.py"
SOURCE = "tests/business_central/test_items_source.py"
SHAPES = "tests/business_central/test_refund_and_item_shapes.py"
FIRST = f"{SOURCE}::test_the_first_read_lists_every_item_with_its_price_cost_and_stock"
CURSOR = f"{SOURCE}::test_a_read_from_the_cursor_yields_the_items_changed_since"
PAGES = f"{SOURCE}::test_every_page_is_read_and_each_item_comes_once"
MALFORMED = f"{SOURCE}::test_a_malformed_item_is_a_plain_error_that_names_it"
ITEM_SHAPE = f"{SHAPES}::test_an_item_becomes_its_price_cost_and_stock_for_the_store"
MEMO_SHAPE = (
    f"{SHAPES}::test_a_refund_is_one_account_line_on_the_refund_account_against_the_invoice"
)
REFERENCE = f"{SHAPES}::test_the_reference_fits_external_document_number_and_stays_the_same"
NET = f"{SHAPES}::test_the_line_takes_the_refund_less_the_invoices_share_of_tax"
E2E = "tests/business_central/test_refunds.py"
REFUND = f"{E2E}::test_a_refund_becomes_one_posted_credit_memo_against_the_orders_invoice"
DRAFT = f"{E2E}::test_a_draft_left_by_an_earlier_run_is_posted_not_made_again"
MISMATCH = f"{E2E}::test_a_draft_whose_total_is_not_the_refunds_is_not_posted"
ORDER_MODE = f"{E2E}::test_in_sales_order_mode_a_refund_waits_for_the_orders_invoice"
NO_ACCOUNT = f"{E2E}::test_without_a_refund_account_the_order_syncs_and_says_so"

MUTATIONS: list[Mutation] = [
    # -- items ------------------------------------------------------------------------------
    Mutation(
        name="bcitems-cursor-ignored",
        claim="a read from the cursor yields only the items changed since",
        path=ITEMS,
        find='query = {"filter": modified_after(since - OVERLAP)} if since is not None else {}',
        replace="query = {}",
        tests=(CURSOR,),
    ),
    Mutation(
        name="bcitems-no-overlap",
        claim="a read starts two minutes before the cursor (a change may show up after its stamp)",
        path=ITEMS,
        find="modified_after(since - OVERLAP)",
        replace="modified_after(since)",
        tests=(CURSOR,),
    ),
    Mutation(
        name="bcitems-newest-first",
        claim="the items are handed to the push oldest first",
        path=ITEMS,
        find="key=lambda record: record.modified_at)",
        replace="key=lambda record: record.modified_at, reverse=True)",
        tests=(FIRST,),
    ),
    Mutation(
        name="bcitems-price-is-cost",
        claim="the store's price is the item's unitPrice",
        path=ITEMS,
        find='price=_number(item, "unitPrice", MAX_AMOUNT)',
        replace='price=_number(item, "unitCost", MAX_AMOUNT)',
        tests=(FIRST, ITEM_SHAPE),
    ),
    Mutation(
        name="bcitems-service-stock",
        claim="a Service or Non-Inventory item pushes no stock",
        path=ITEMS,
        find="if kind not in (None, INVENTORY):",
        replace="if False:",
        tests=(FIRST, ITEM_SHAPE),
    ),
    Mutation(
        name="bcitems-first-page-only",
        claim="every page of the items is read (@odata.nextLink)",
        path=ITEMS,
        find="for rows in api.pages(ENTITY, select=SELECT, page=page, **query):",
        replace="for rows in list(api.pages(ENTITY, select=SELECT, page=page, **query))[:1]:",
        tests=(PAGES,),
    ),
    Mutation(
        name="bcitems-malformed-crashes",
        claim="a malformed item is a plain error naming it, not a crash",
        path=ITEMS,
        find='    with reading(LABEL, f"the item {_name(item)}"):\n',
        replace="    if True:\n",
        tests=(MALFORMED,),
    ),
    # -- refunds ----------------------------------------------------------------------------
    Mutation(
        name="bccm-not-against-the-invoice",
        claim="the credit memo applies to the order's posted invoice (invoiceId)",
        path=REFUNDS,
        find='        "invoiceId": invoice["id"],\n',
        replace="",
        tests=(MEMO_SHAPE,),
    ),
    Mutation(
        name="bccm-reference-not-fitted",
        claim="the credit memo's reference fits externalDocumentNumber (35)",
        path=REFUNDS,
        find="if len(reference) <= REFERENCE_LENGTH:",
        replace="if True:",
        tests=(REFERENCE,),
    ),
    Mutation(
        name="bccm-tax-not-split",
        claim="a refund's line is the refund less the invoice's share of tax (BC adds it back)",
        path=REFUNDS,
        find="return money(Decimal(amount) * ex_tax / (ex_tax + tax))",
        replace="return money(amount)",
        tests=(NET,),
    ),
    Mutation(
        name="bccm-not-posted",
        claim="a refund's credit memo is posted (Microsoft.NAV.post)",
        path=REFUNDS,
        find='            self.api.action(CREDIT_MEMOS, memo["id"], POST)\n',
        replace="",
        tests=(REFUND,),
    ),
    Mutation(
        name="bccm-no-look-up",
        claim="a redelivery or a replay never credits a refund twice (the look-up by reference)",
        path=REFUNDS,
        find="found = self._by_reference(reference)",
        replace="found = None",
        tests=(REFUND, DRAFT),
    ),
    Mutation(
        name="bccm-draft-made-again",
        claim="a draft left by an earlier run is posted, not made again",
        path=REFUNDS,
        find="        if found is None:\n            invoice = self._invoice(document, order)",
        replace='        if found is None or found.get("status") == DRAFT:\n'
        "            invoice = self._invoice(document, order)",
        tests=(DRAFT,),
    ),
    Mutation(
        name="bccm-total-unchecked",
        claim="a draft whose total is not the refund's is not posted",
        path=REFUNDS,
        find="if abs(total - money(payment.amount)) > CENT:",
        replace="if False:",
        tests=(MISMATCH,),
    ),
    Mutation(
        name="bccm-order-mode-uses-the-order",
        claim="in sales-order mode a refund waits for the order's posted invoice, then credits it",
        path=REFUNDS,
        find="if self._settings().document == mapping.SALES_ORDER:",
        replace="if False:",
        tests=(ORDER_MODE,),
    ),
    Mutation(
        name="bccm-no-account-fails-the-order",
        claim="without a refund account the order syncs and the job says refunds were not posted",
        path=REFUNDS,
        find="        if not account:\n",
        replace="        if False:\n",
        tests=(NO_ACCOUNT,),
    ),
    Mutation(
        name="bc-invoiced-order-made-again",
        claim="a sales order Business Central deleted once invoiced is found by its invoice",
        path="connectors/business_central/connector.py",
        find="if found is None and entity_set == mapping.ORDERS:",
        replace="if False:",
        tests=(ORDER_MODE,),
    ),
    Mutation(
        name="payments-every-kind-posted",
        claim="an ERP that posts refunds only is not given the shopper's payments",
        path="sync/payments.py",
        find='            continue  # kept in the job only (job.details["payments"])',
        replace="            pass",
        tests=(REFUND,),
    ),
    Mutation(
        name="bc-items-unhooked",
        claim="a price and stock change in Business Central reach the store's variant",
        path="connectors/business_central/connector.py",
        find="return items_changed(self.api, since)",
        replace="return iter(())",
        tests=(
            "tests/business_central/test_items_to_store.py::"
            "test_a_price_and_stock_change_in_business_central_reach_the_stores_variant",
        ),
    ),
]
