"""SYSPRO customers and sales orders: each breakage is one claim the tests in tests/syspro/
(test_mapping, test_customers, test_orders*) and the contract suite make.

See tests/support/mutations.py for the fields."""

from tests.support.mutation_spec import Mutation

MAPPING = "tests/syspro/test_mapping.py"
MAPPING_PY = "connectors/syspro/mapping.py"
ORDERS = "tests/syspro/test_orders.py"
CUSTOMERS = "tests/syspro/test_customers.py"
PIPELINE = "tests/syspro/test_orders_pipeline.py"
CONNECTOR = "connectors/syspro/connector.py"
CUSTOMERS_PY = "connectors/syspro/customers.py"
FIRST = f"{ORDERS}::test_an_order_becomes_an_invoiced_billing_order_found_again_by_its_reference"

MUTATIONS: list[Mutation] = [
    Mutation(
        name="syspro-cut-silent",
        claim="a value cut to fit a SYSPRO field is said, never silent",
        path=MAPPING_PY,
        find="            self.said.append(\n                f\"The {label} '{fitted}' is longer",
        replace="            (\n                f\"The {label} '{fitted}' is longer",
        tests=(
            f"{MAPPING}::test_long_ship_to_fields_are_cut_to_syspros_lengths_and_each_cut_is_said",
        ),
    ),
    Mutation(
        name="syspro-ship-to-uncut",
        claim="ship-to fields are cut to SYSPRO's lengths",
        path=MAPPING_PY,
        find="            fitted = fitted[:length]\n",
        replace="",
        tests=(
            f"{MAPPING}::test_long_ship_to_fields_are_cut_to_syspros_lengths_and_each_cut_is_said",
        ),
    ),
    Mutation(
        name="syspro-reference-uncut",
        claim="the order reference fits CustomerPoNumber's 30 characters",
        path=MAPPING_PY,
        find='return f"BigCommerce {order.source_id}"[: FIELD_LENGTHS["CustomerPoNumber"]]',
        replace='return f"BigCommerce {order.source_id}"',
        tests=(
            f"{MAPPING}::test_the_reference_fits_30_characters_and_a_missing_sku_names_the_sku_and_the_place",
        ),
    ),
    Mutation(
        name="syspro-line-discount-lost",
        claim="the store's line discount is the stock line's LineDiscValue",
        path=MAPPING_PY,
        find='        row.append(("LineDiscValue", amount(line.discount)))\n',
        replace="        pass\n",
        tests=(
            f"{MAPPING}::test_an_order_is_stock_lines_a_freight_line_and_the_reference_in_customer_po_number",
        ),
    ),
    Mutation(
        name="syspro-order-discount-lost",
        claim="the order's discount no line carries is a negative charge to the cent",
        path=MAPPING_PY,
        find="    on_lines = sum((money(line.discount) for line in order.lines), ZERO)\n"
        "    return max(ZERO, money(order.discount_total) - on_lines)",
        replace="    return ZERO",
        tests=(
            f"{MAPPING}::test_a_discount_no_line_carries_is_a_negative_charge_on_the_product_class_to_the_cent",
        ),
    ),
    Mutation(
        name="syspro-billing-status-open",
        claim="a billing order is imported ready to invoice (status 8)",
        path=MAPPING_PY,
        find="status = STATUS_TO_INVOICE if settings.billing else STATUS_OPEN",
        replace="status = STATUS_OPEN",
        tests=(f"{MAPPING}::test_parameters_billing_orders_are_status_8_normal_ones_status_1",),
    ),
    Mutation(
        name="syspro-not-windows-1252",
        claim="text Windows-1252 cannot hold is replaced and said",
        path=MAPPING_PY,
        find='fitted = text.encode("cp1252", "replace").decode("cp1252")',
        replace="fitted = text",
        tests=(
            f"{MAPPING}::test_text_windows_1252_cannot_hold_is_replaced_and_said_and_control_characters_dropped",
        ),
    ),
    Mutation(
        name="syspro-tax-rule-unchecked",
        claim="the settings form refuses a tax code rule it cannot read",
        path="connectors/syspro/config.py",
        find="            tax_rules(value)\n",
        replace="            pass\n",
        tests=(f"{MAPPING}::test_tax_codes_map_the_stores_rate_and_the_form_refuses_a_bad_rule",),
    ),
    Mutation(
        name="syspro-guest-code-unstable",
        claim="a guest's customer code is the same for the same e-mail, whatever its case",
        path=MAPPING_PY,
        find="hashlib.sha256(customer.email.strip().lower().encode())",
        replace="hashlib.sha256(customer.email.encode())",
        tests=(
            f"{MAPPING}::test_customer_codes_prefix_and_store_id_guests_a_stable_code_or_syspros_next_number",
        ),
    ),
    Mutation(
        name="syspro-order-not-found",
        claim="the sales order is looked up by the order's reference before a post",
        path=CONNECTOR,
        find="        return _order_ref(live[0]) if live else None\n",
        replace="        return None\n",
        tests=(FIRST,),
    ),
    Mutation(
        name="syspro-billing-not-invoiced",
        claim="a billing order is invoiced at once and its invoice number is the document's",
        path=CONNECTOR,
        find="            ref = self._invoiced(sales_order, order)\n",
        replace="            pass\n",
        tests=(FIRST, PIPELINE),
    ),
    Mutation(
        name="syspro-ready-order-left",
        claim="an order found ready to invoice (its invoicing unconfirmed) is invoiced, not posted again",
        path=CONNECTOR,
        find='if row is not None and row.get("OrderStatus") == mapping.STATUS_TO_INVOICE:',
        replace="if False:",
        tests=(
            f"{ORDERS}::test_a_post_whose_answer_was_lost_is_found_and_invoiced_not_posted_again",
        ),
    ),
    Mutation(
        name="syspro-skus-unchecked",
        claim="a SKU SYSPRO lacks is named before anything is posted",
        path=CONNECTOR,
        find="mapping.sortoi_xml(order, customer.id, settings, self._stock_codes(order))",
        replace="mapping.sortoi_xml(order, customer.id, settings, None)",
        tests=(
            f"{ORDERS}::test_a_missing_sku_is_named_before_anything_is_posted_and_syspros_refusal_is_quoted",
        ),
    ),
    Mutation(
        name="syspro-refusal-unquoted",
        claim="SYSPRO's refusal of a sales order is quoted in its own words",
        path=CONNECTOR,
        find='said = "; ".join(problems) or (',
        replace='said = "" or (',
        tests=(
            f"{ORDERS}::test_a_missing_sku_is_named_before_anything_is_posted_and_syspros_refusal_is_quoted",
        ),
    ),
    Mutation(
        name="syspro-cuts-unsaid",
        claim="a ship-to cut to fit SYSPRO is said on the order's job",
        path=CONNECTOR,
        find="warnings = [w for w in (customer.warning, *cuts) if w]",
        replace="warnings = [w for w in (customer.warning,) if w]",
        tests=(
            f"{ORDERS}::test_a_ship_to_too_long_for_syspro_is_cut_and_said_in_the_warning",
            PIPELINE,
        ),
    ),
    Mutation(
        name="syspro-tax-code-unsent",
        claim="each stock line carries the SYSPRO tax code of the store's rate",
        path=MAPPING_PY,
        find="    if tax := settings.tax_code(line.total_tax, line.total_ex_tax):\n",
        replace='    if tax := "":\n',
        tests=(FIRST,),
    ),
    Mutation(
        name="syspro-email-not-looked-up",
        claim="a shopper SYSPRO already has is found by e-mail, not added again",
        path=CUSTOMERS_PY,
        find='    return _one(api, [("Email", "EQ", email)], "customers.find")\n',
        replace="    return None\n",
        tests=(
            f"{CUSTOMERS}::test_a_shopper_syspro_has_is_found_by_email_and_a_code_too_long_is_never_sent",
        ),
    ),
    Mutation(
        name="syspro-returning-customer-added",
        claim="a returning shopper is found, never added again",
        path=CUSTOMERS_PY,
        find="    if row is None:\n        code = mapping.customer_code(customer, settings)\n",
        replace="    if True:\n        code = mapping.customer_code(customer, settings)\n",
        tests=(PIPELINE,),
    ),
    Mutation(
        name="syspro-older-store-data-overwrites",
        claim="only store data newer than what was last written updates the SYSPRO customer",
        path=CUSTOMERS_PY,
        find="    if customer.modified_at is None:\n        return False\n",
        replace="    return True\n",
        tests=(f"{CUSTOMERS}::test_a_new_shopper_is_added_then_found_and_kept_in_step",),
    ),
    Mutation(
        name="syspro-customer-not-updated",
        claim="a store change of a linked customer is sent as an ARSSCS Update",
        path=CUSTOMERS_PY,
        find="if _newer(customer, link) and mapping.customer_differs(row, customer):",
        replace="if False:",
        tests=(f"{CUSTOMERS}::test_a_new_shopper_is_added_then_found_and_kept_in_step",),
    ),
    Mutation(
        name="syspro-new-order-unread",
        claim="a malformed answer to the sales order's post is a plain error naming SYSPRO",
        path=CONNECTOR,
        find='    @reading(LABEL, "the new sales order")\n',
        replace="",
        tests=(
            "tests/syspro/test_orders_answers.py::test_a_spoiled_answer_is_a_plain_error_naming_syspro",
        ),
    ),
    Mutation(
        name="syspro-too-long-unexplained",
        claim="an order too long for the web server in front of SYSPRO says what to raise",
        path=CONNECTOR,
        find='if exc.status == 400 and "too long" in exc.message.lower():',
        replace="if False:",
        tests=(f"{ORDERS}::test_an_order_too_long_for_syspros_web_server_says_what_to_raise",),
    ),
]
