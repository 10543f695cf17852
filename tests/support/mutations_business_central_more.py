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
]
