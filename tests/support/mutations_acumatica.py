"""The Acumatica connector's orders path: a create is never repeated in place and is looked up
before it is made again, a missing SKU is named, the invoice chain does each step once, invoices
are released, the pinned version is checked, freight reaches the document.

See tests/support/mutations.py for the fields."""

from tests.support.mutation_spec import Mutation

CONNECTOR = "tests/acumatica/test_connector.py"
CONTRACT = "tests/erp_contract"

MUTATIONS: list[Mutation] = [
    Mutation(
        name="acumatica-create-repeated",
        claim="an unconfirmed create PUT is not sent again in place",
        path="connectors/acumatica/api.py",
        find="headers=headers, creates=create,",
        replace="headers=headers, creates=False,",
        tests=(
            f"{CONTRACT}/test_find_before_create.py::test_an_unconfirmed_create_is_looked_up_not_sent_again[acumatica-5xx]",
        ),
    ),
    Mutation(
        name="acumatica-no-lookup",
        claim="the order's document is looked up by ExternalRef before a create",
        path="connectors/acumatica/connector.py",
        find="        found = self._order_by_reference(order, settings)\n",
        replace="        found = None\n",
        tests=(f"{CONNECTOR}::test_a_sales_order_lands_once_with_freight_tax_and_ship_to",),
    ),
    Mutation(
        name="acumatica-missing-sku-unnamed",
        claim="a SKU with no Acumatica item fails naming the SKU and where to fix it",
        path="connectors/acumatica/connector.py",
        find="            if skus:\n",
        replace="            if False:\n",
        tests=(f"{CONNECTOR}::test_a_sku_without_an_item_fails_naming_it",),
    ),
    Mutation(
        name="acumatica-chain-redone",
        claim="a second run of invoice mode finds the invoice and prepares nothing again",
        path="connectors/acumatica/connector.py",
        find="        invoice = self._invoice_by_reference(order) or self._prepared_from(sales_order)\n",
        replace="        invoice = None\n",
        tests=(
            f"{CONNECTOR}::test_invoice_mode_prepares_and_releases_the_invoice_and_a_retry_finishes_a_cut_chain",
        ),
    ),
    Mutation(
        name="acumatica-invoice-unreleased",
        claim="a direct invoice is taken off hold and released",
        path="connectors/acumatica/connector.py",
        find='        if invoice.get("Status") not in RELEASED:\n',
        replace="        if False:\n",
        tests=(f"{CONNECTOR}::test_direct_invoice_mode_lands_a_released_invoice",),
    ),
    Mutation(
        name="acumatica-version-unchecked",
        claim="a pinned endpoint version the instance does not serve fails the check with the list",
        path="connectors/acumatica/versions.py",
        find="    if version in served:\n",
        replace="    if True:\n",
        tests=(f"{CONNECTOR}::test_the_check_signs_in_the_api_user_and_says_which_part_failed",),
    ),
    Mutation(
        name="acumatica-freight-dropped",
        claim="the store's shipping is the sales order's freight",
        path="connectors/acumatica/mapping.py",
        find='    if order.shipping_ex_tax:\n        body["Totals"]',
        replace='    if False:\n        body["Totals"]',
        tests=(f"{CONNECTOR}::test_a_sales_order_lands_once_with_freight_tax_and_ship_to",),
    ),
]
