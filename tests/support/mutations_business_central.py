"""The Business Central connector: its token, its orders, its customers and its check. Each
breakage is one claim the tests in tests/business_central/ (and the contract suite) make.

See tests/support/mutations.py for the fields."""

from tests.support.mutation_spec import Mutation

MAPPING = "tests/business_central/test_mapping.py"
ORDERS = "tests/business_central/test_connector_orders.py"
CUSTOMERS = "tests/business_central/test_connector_customers.py"
CHECK = "tests/business_central/test_connector_check.py"
TOKEN = "tests/business_central/test_connector_token.py"
CONNECTOR = "connectors/business_central/connector.py"
MAPPING_PY = "connectors/business_central/mapping.py"

E2E = "tests/business_central/test_connector_end_to_end.py"
PAGES = "tests/business_central/test_setup_pages_browser.py"
LIMITS = "tests/business_central/test_connector_limits.py"
ANSWERS = "tests/business_central/test_connector_answers.py"

MUTATIONS: list[Mutation] = [
    Mutation(
        name="bc-new-document-unread",
        claim="a malformed answer to the document's create is a plain error, not a crash",
        path=CONNECTOR,
        find='    @reading(LABEL, "the new document")\n',
        replace="",
        tests=(ANSWERS,),
    ),
    Mutation(
        name="bc-discovery-unread",
        claim="a malformed OpenID discovery document is a plain error naming Entra ID",
        path="connectors/business_central/auth.py",
        find="""        with reading(ENTRA, "the tenant's OpenID discovery document"):\n""",
        replace="""        with __import__("contextlib").nullcontext():\n""",
        tests=(ANSWERS,),
    ),
    Mutation(
        name="bc-budget-over-the-limit",
        claim="the budget keeps any 5 minutes under Business Central's 6,000 calls",
        path="connectors/business_central/client.py",
        find="windows=(Window(seconds=window / 5, limit=OUR_SHARE // 6),),",
        replace="windows=(Window(seconds=window / 5, limit=OUR_SHARE // 5),),",
        tests=(f"{LIMITS}::test_one_budget_per_app_principal_under_business_centrals_limits",),
    ),
    Mutation(
        name="bc-retry-after-ignored",
        claim="a 503 is waited out for its Retry-After, never retried sooner",
        path="connectors/http.py",
        find="        return max(server_says, step * random.uniform(0.5, 1.5))  # noqa: S311\n",
        replace="        return step * random.uniform(0.5, 1.5)  # noqa: S311\n",
        tests=(f"{LIMITS}::test_a_503_is_waited_out_for_its_retry_after",),
    ),
    Mutation(
        name="bc-total-warning-not-on-the-job",
        claim="Business Central's total differing from the store's is a warning on the order's job",
        path="sync/order_sync.py",
        find="    if document.warning:\n",
        replace="    if False:\n",
        tests=(f"{E2E}::test_a_tax_that_differs_from_the_stores_is_a_warning_not_a_failure",),
    ),
    Mutation(
        name="bc-picker-without-company-names",
        claim="the company picker lists the environment's companies by name",
        path="connectors/business_central/connector.py",
        find='    return str(company.get("displayName") or company.get("name") or company.get("id"))\n',
        replace='    return str(company.get("id"))\n',
        tests=(PAGES,),
    ),
    Mutation(
        name="bc-template-unchecked",
        claim="the document settings refuse a customer template the company does not have",
        path="connectors/business_central/setup.py",
        find="    if template and not found:\n",
        replace="    if False:\n",
        tests=(PAGES,),
    ),
    Mutation(
        name="bc-invoice-reference-in-external-number",
        claim="an invoice keeps the order's reference in customerPurchaseOrderReference",
        path=MAPPING_PY,
        find='    return "customerPurchaseOrderReference" if entity_set == INVOICES else "externalDocumentNumber"\n',
        replace='    return "externalDocumentNumber"\n',
        tests=(MAPPING,),
    ),
    Mutation(
        name="bc-line-discount-dropped",
        claim="the store's line discount is the line's discountAmount",
        path=MAPPING_PY,
        find="        if money(line.discount):\n",
        replace="        if False:\n",
        tests=(
            MAPPING,
            f"{ORDERS}::test_an_order_becomes_a_posted_invoice_with_item_shipping_and_discount_lines",
        ),
    ),
    Mutation(
        name="bc-unallotted-discount-dropped",
        claim="a discount no line carries is the document's invoice discount",
        path=MAPPING_PY,
        find="    if discount := unallotted_discount(order):\n",
        replace="    if discount := ZERO:\n",
        tests=(MAPPING,),
    ),
    Mutation(
        name="bc-template-ignored",
        claim="a new customer copies the template customer's tax area, terms and currency",
        path=MAPPING_PY,
        find="            body[name] = value\n",
        replace="            pass\n",
        tests=(
            MAPPING,
            f"{CUSTOMERS}::test_a_new_buyer_is_created_like_the_template_and_found_by_email_next_time",
        ),
    ),
    Mutation(
        name="bc-total-check-loose",
        claim="a total more than a cent from the store's is a warning on the job",
        path=MAPPING_PY,
        find="    if abs(theirs - ours) <= CENT:\n",
        replace="    if abs(theirs - ours) <= CENT * 10:\n",
        tests=(MAPPING, f"{ORDERS}::test_a_total_more_than_a_cent_from_the_stores_is_a_warning"),
    ),
    Mutation(
        name="bc-missing-sku-unnamed",
        claim="a SKU without an item fails naming the SKU and the Items page",
        path=MAPPING_PY,
        find="        MISSING_ITEM.format(sku=sku, number=item_number(sku)), cause=SKU_UNMAPPED",
        replace='        "Business Central has no such item.", cause=SKU_UNMAPPED',
        tests=(
            MAPPING,
            f"{ORDERS}::test_a_sku_without_an_item_fails_naming_it_and_creates_nothing",
        ),
    ),
    Mutation(
        name="bc-entra-routed-in-production",
        claim="login.microsoftonline.com goes to the stand-in in demo and test mode only",
        path="connectors/business_central/auth.py",
        find="    if settings.DEMO_MODE and stand_in and url.startswith(",
        replace="    if stand_in and url.startswith(",
        tests=(f"{MAPPING}::test_microsofts_login_host_goes_to_the_stand_in_in_demo_mode_only",),
    ),
    Mutation(
        name="bc-secret-refusal-unexplained",
        claim="a refused client secret says it is wrong or expired and how to make a new one",
        path="connectors/business_central/auth.py",
        find='    "AADSTS7000215": "the client secret is wrong or expired: " + RENEWAL_STEPS,\n',
        replace="",
        tests=(MAPPING, CHECK),
    ),
    Mutation(
        name="bc-token-per-call",
        claim="one token serves many calls (kept in the OAuthToken row until near its expiry)",
        path="connectors/business_central/auth.py",
        find="POLICY = TokenPolicy(margin=300)\n",
        replace="POLICY = TokenPolicy(margin=10**6)\n",
        tests=(TOKEN,),
    ),
    Mutation(
        name="bc-no-lookup",
        claim="the order's document is looked up by its reference before a create",
        path=CONNECTOR,
        find="        found = self._by_reference(entity_set, order)\n",
        replace="        found = None\n",
        tests=(
            f"{ORDERS}::test_an_order_becomes_a_posted_invoice_with_item_shipping_and_discount_lines",
        ),
    ),
    Mutation(
        name="bc-invoice-left-draft",
        claim="a sales invoice is posted with Microsoft.NAV.post",
        path=CONNECTOR,
        find='        if invoice.get("status") in UNPOSTED:\n',
        replace="        if False:\n",
        tests=(
            f"{ORDERS}::test_an_order_becomes_a_posted_invoice_with_item_shipping_and_discount_lines",
        ),
    ),
    Mutation(
        name="bc-draft-not-finished",
        claim="a draft invoice found on retry is posted, not left or created again",
        path=CONNECTOR,
        find="        if entity_set == mapping.INVOICES and not ref.posted:\n",
        replace="        if False:\n",
        tests=(
            f"{ORDERS}::test_an_unanswered_create_is_found_as_a_draft_and_posted_not_created_again",
        ),
    ),
    Mutation(
        name="bc-check-bc-access-unnamed",
        claim="the check says when Business Central refuses the app (Microsoft Entra Applications)",
        path=CONNECTOR,
        find="        if exc.status == 401:\n",
        replace="        if False:\n",
        tests=(CHECK,),
    ),
    Mutation(
        name="bc-check-does-not-revive",
        claim="a passing check after a fixed secret revives a connection that needed reconnecting",
        path=CONNECTOR,
        find="            self.connection, system=SYSTEM, tokens=tokens, lifetime=3600, chosen={}\n",
        replace="            self.connection, system=SYSTEM, tokens=tokens, lifetime=3600, chosen={}\n"
        "        ) if False else (self.connection\n",
        tests=(
            f"{CHECK}::test_a_refused_secret_stops_the_connection_and_a_passing_check_revives_it",
        ),
    ),
    Mutation(
        name="bc-customer-not-found-by-email",
        claim="a buyer is found by e-mail before a customer is created",
        path="connectors/business_central/customers.py",
        find='    return api.first(CUSTOMERS, filter=f"email eq {quoted(email)}")\n',
        replace="    return None\n",
        tests=(
            f"{CUSTOMERS}::test_a_new_buyer_is_created_like_the_template_and_found_by_email_next_time",
        ),
    ),
    Mutation(
        name="bc-stale-etag-not-retried",
        claim="a 409 Request_EntityChanged re-reads the customer and retries the update",
        path="connectors/business_central/customers.py",
        find="            if attempt == CONFLICT_RETRIES:\n",
        replace="            if True:\n",
        tests=(f"{CUSTOMERS}::test_a_stale_etag_is_read_again_and_the_update_retried",),
    ),
    Mutation(
        name="bc-etag-not-sent",
        claim="an update sends the record's ETag as If-Match",
        path="connectors/business_central/api.py",
        find='json=plain_json(body), headers={"If-Match": etag or "*"},',
        replace='json=plain_json(body), headers={"If-Match": "*"},',
        tests=(f"{CUSTOMERS}::test_a_stale_etag_is_read_again_and_the_update_retried",),
    ),
    Mutation(
        name="bc-changes-since-ignored",
        claim="changed customers are asked for after the cursor (lastModifiedDateTime gt, unquoted)",
        path="connectors/business_central/customers.py",
        find='CUSTOMERS, filter=f"lastModifiedDateTime gt {datetime_literal(since)}",',
        replace='CUSTOMERS, filter="",',
        tests=(f"{CUSTOMERS}::test_changed_customers_are_listed_oldest_first_with_their_etag",),
    ),
]
