"""The Acumatica connector's orders path: a create is never repeated in place and is looked up
before it is made again, a missing SKU is named, the invoice chain does each step once, invoices
are released, the pinned version is checked, freight reaches the document.

See tests/support/mutations.py for the fields."""

from tests.support.mutation_spec import Mutation

CONNECTOR = "tests/acumatica/test_connector.py"
CONTRACT = "tests/erp_contract"
CONNECT = "tests/acumatica/test_connect.py"
E2E = "tests/acumatica/test_end_to_end.py"
TAX = "tests/acumatica/test_sandbox_tax.py"

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
    # -- sign-in (test_connect.py) ---------------------------------------------------------
    Mutation(
        name="acumatica-connect-no-offline-access",
        claim="'Connect Acumatica' asks for api offline_access, so the consent gives a refresh token",
        path="connectors/acumatica/setup.py",
        find='"scope": SCOPE, "state": state,',
        replace='"state": state,',
        tests=(
            f"{CONNECT}::test_connect_acumatica_signs_in_on_the_consent_page_then_the_version_is_picked",
        ),
    ),
    Mutation(
        name="acumatica-api-user-no-resign-in",
        claim="the API user signs in again with its password when the refresh token is dead",
        path="connectors/acumatica/auth.py",
        find="                if sign_in_method(self.connection) != API_USER:\n                    raise",
        replace="                if True:\n                    raise",
        tests=(
            f"{CONNECT}::test_the_api_user_signs_in_again_with_its_password_when_the_refresh_token_is_dead",
        ),
    ),
    Mutation(
        name="acumatica-consented-falls-back-to-password",
        claim="a consented connection's dead refresh token asks a person to connect again",
        path="connectors/acumatica/auth.py",
        find="                if sign_in_method(self.connection) != API_USER:\n                    raise",
        replace="                if False:\n                    raise",
        tests=(
            f"{CONNECT}::test_a_dead_refresh_token_of_a_consented_connection_asks_to_connect_again",
        ),
    ),
    Mutation(
        name="acumatica-form-version-unchecked",
        claim="the settings form refuses a version the instance does not serve, listing those it does",
        path="connectors/acumatica/config.py",
        find="        if problem := version_problem(version, served):\n",
        replace="        if problem := '':\n",
        tests=(
            f"{CONNECT}::test_the_settings_form_refuses_a_version_the_instance_does_not_serve_listing_those_it_does",
        ),
    ),
    # -- end to end (test_end_to_end.py) ---------------------------------------------------
    Mutation(
        name="acumatica-422-fields-unnamed",
        claim="a 422 fails the job with a message naming the refused field and its value",
        path="connectors/acumatica/client.py",
        find="        errors = [field_error_text(*found) for found in field_errors(body)]\n",
        replace="        errors = []\n",
        tests=(f"{E2E}::test_a_refused_field_or_a_sku_without_an_item_fails_the_job_naming_it",),
    ),
    Mutation(
        name="acumatica-429-not-waited-out",
        claim="a 429 storm is backed off and every order lands with no failed job",
        path="connectors/acumatica/client.py",
        find="    idempotency_header=None,\n)",
        replace="    idempotency_header=None, rate_limit_statuses=frozenset(),\n)",
        tests=(
            f"{E2E}::test_a_429_storm_and_the_licences_delay_are_waited_out_and_every_order_lands",
        ),
    ),
    # -- the sandbox's totals (test_sandbox_tax.py) -----------------------------------------
    Mutation(
        name="acumatica-sandbox-order-tax-left-out",
        claim="the sandbox's sales order totals include tax posted via TaxDetails",
        path="sandbox/acumatica/rules.py",
        find='    tax = _posted_tax(data)\n    data["OrderTotal"]',
        replace='    tax = dec(wire.value(data, "TaxTotal"))\n    data["OrderTotal"]',
        tests=(
            f"{TAX}::test_tax_posted_as_given_is_in_the_documents_totals",
            f"{CONTRACT}/test_money.py::test_a_documents_totals_equal_the_orders_to_the_cent[acumatica]",
        ),
    ),
    Mutation(
        name="acumatica-sandbox-prepared-invoice-untaxed",
        claim="the invoice the sandbox prepares from a sales order carries the order's tax",
        path="sandbox/acumatica/actions.py",
        find='    if taxes:\n        body["TaxDetails"] = taxes\n',
        replace='    if False:\n        body["TaxDetails"] = taxes\n',
        tests=(f"{TAX}::test_tax_posted_as_given_is_in_the_documents_totals",),
    ),
    # -- the set-up pages (test_setup_pages_browser.py) --------------------------------------
    Mutation(
        name="acumatica-documents-help-dropped",
        claim="the document settings page says where each value is found in Acumatica",
        path="connectors/acumatica/views.py",
        find='help_text=said["order_type"].help_text),',
        replace="),",
        tests=(
            "tests/acumatica/test_setup_pages_browser.py::test_connect_version_and_document_pages_are_admin_pages_with_visible_buttons",
        ),
    ),
    Mutation(
        name="acumatica-check-says-the-api-address",
        claim="the check's message names the instance, not the API's long address (a phone's width)",
        path="connectors/acumatica/connector.py",
        find='f"Connected to Acumatica at {instance_url(self.connection)} (tenant "',
        replace='f"Connected to Acumatica at {instance_url(self.connection)}/entity/Default/{version}/ (tenant "',
        tests=(
            "tests/acumatica/test_setup_pages_browser.py::test_connect_version_and_document_pages_are_admin_pages_with_visible_buttons",
        ),
    ),
]
