"""SYSPRO customers and sales orders: each breakage is one claim the tests in tests/syspro/
(test_mapping, test_customers, test_orders*) and the contract suite make.

See tests/support/mutations.py for the fields."""

from tests.support.mutation_spec import Mutation

MAPPING = "tests/syspro/test_mapping.py"
MAPPING_PY = "connectors/syspro/mapping.py"

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
]
