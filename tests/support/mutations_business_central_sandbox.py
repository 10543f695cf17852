"""The sandbox Business Central's claims: Entra's tokens and refusals, the API's 401s and
404s, ETag concurrency, OData v4 literals and paging, BC's body checks, documents' amounts and
bound actions.

See tests/support/mutations.py for the fields."""

from tests.support.mutation_spec import Mutation

ENTRA = "tests/business_central/test_sandbox_entra.py"
API = "tests/business_central/test_sandbox_api.py"
DOCS = "tests/business_central/test_sandbox_documents.py"

MUTATIONS: list[Mutation] = [
    Mutation(
        name="bc-entra-fixed-token-lifetime",
        claim="Entra's tokens live a random 60-90 minutes, not a fixed hour",
        path="sandbox/business_central/entra.py",
        find="    lifetime = random.randint(*LIFETIME_SECONDS)\n",
        replace="    lifetime = 3600\n",
        tests=(f"{ENTRA}::test_tokens_live_a_random_60_to_90_minutes",),
    ),
    Mutation(
        name="bc-entra-any-secret",
        claim="a wrong client secret is refused with AADSTS7000215 (msal sees invalid_client)",
        path="sandbox/business_central/entra.py",
        find="    if not secret or not secrets.compare_digest(secret, app.client_secret):\n",
        replace="    if False:\n",
        tests=(
            f"{ENTRA}::test_msal_gets_a_token_through_the_discovery_document",
            f"{ENTRA}::test_entra_refusals",
        ),
    ),
    Mutation(
        name="bc-entra-any-scope",
        claim="only the Business Central .default scope is granted (else AADSTS70011)",
        path="sandbox/business_central/entra.py",
        find="    if scope.split() != [BC_SCOPE]:\n",
        replace="    if not scope.split():\n",
        tests=(f"{ENTRA}::test_entra_refusals",),
    ),
    Mutation(
        name="bc-entra-discovery-own-urls",
        claim="the discovery document names Microsoft's URLs, not the stand-in's",
        path="sandbox/business_central/entra.py",
        find='    base = f"{AUTHORITY}/{found.entra_id}"\n',
        replace='    base = request.build_absolute_uri(f"/sandbox/entra/{found.entra_id}")\n',
        tests=(f"{ENTRA}::test_discovery_names_microsofts_urls",),
    ),
    Mutation(
        name="bc-api-expired-tokens-accepted",
        claim="an expired token is refused (401) by the sandbox clock",
        path="sandbox/business_central/gate.py",
        find="        if token is None or token.dead or token.expires_at <= clock.now():\n",
        replace="        if token is None or token.dead:\n",
        tests=(f"{API}::test_no_unknown_or_expired_token_is_401",),
    ),
    Mutation(
        name="bc-api-ignores-bc-access",
        claim="an app not on BC's Microsoft Entra Applications page gets 401",
        path="sandbox/business_central/gate.py",
        find="        if not app.bc_access:\n",
        replace="        if False:\n",
        tests=(f"{API}::test_an_app_not_on_the_entra_applications_page_is_refused",),
    ),
    Mutation(
        name="bc-api-any-tenant",
        claim="a token of another Entra tenant is refused",
        path="sandbox/business_central/gate.py",
        find="        if tenant is None or app.tenant_id != tenant.pk:\n",
        replace="        if tenant is None:\n",
        tests=(f"{API}::test_a_token_of_another_tenant_is_refused",),
    ),
    Mutation(
        name="bc-api-stale-etag-accepted",
        claim="a stale If-Match is a 409 Request_EntityChanged",
        path="sandbox/business_central/writes.py",
        find='    if given != "*" and given != current:\n',
        replace="    if False:\n",
        tests=(f"{API}::test_customers_create_patch_with_etag_and_delete",),
    ),
    Mutation(
        name="bc-api-if-match-optional",
        claim="PATCH without If-Match is refused",
        path="sandbox/business_central/writes.py",
        find="    if not given:\n        raise no_concurrency_token()\n",
        replace="    if not given:\n        return\n",
        tests=(f"{API}::test_customers_create_patch_with_etag_and_delete",),
    ),
    Mutation(
        name="bc-api-quoted-literals-only",
        claim="$filter takes unquoted date-times and GUIDs (OData v4, as BC documents)",
        path="sandbox/business_central/query.py",
        find="        return odata.compile_filter(_V4_LITERAL.sub(_typed, text))\n",
        replace="        return odata.compile_filter(text)\n",
        tests=(f"{API}::test_filters_take_unquoted_date_times_and_guids",),
    ),
    Mutation(
        name="bc-api-no-next-link",
        claim="a page cut by odata.maxpagesize continues with @odata.nextLink",
        path="sandbox/business_central/views.py",
        find="    if offset + size < len(rows):\n",
        replace="    if False:\n",
        tests=(f"{API}::test_server_driven_paging_follows_next_links",),
    ),
    Mutation(
        name="bc-api-read-only-writable",
        claim="read-only fields are refused in a body",
        path="sandbox/business_central/writes.py",
        find='        if name in spec.read_only and not (name == "id" and creating):\n',
        replace="        if False:\n",
        tests=(f"{API}::test_bodies_are_checked_as_bc_checks_them",),
    ),
    Mutation(
        name="bc-api-no-change-rows",
        claim="every write appends a BcChange (what subscriptions read)",
        path="sandbox/business_central/records.py",
        find="    changed(record.company, record.entity_set, record.record_id, BcChange.Type.UPDATED)\n",
        replace="",
        tests=(f"{API}::test_customers_create_patch_with_etag_and_delete",),
    ),
    Mutation(
        name="bc-docs-no-tax",
        claim="a tax-liable customer's invoice carries its tax area's sales tax",
        path="sandbox/business_central/documents.py",
        find='    if customer is None or not customer.data.get("taxLiable"):\n',
        replace="    if True:\n",
        tests=(f"{DOCS}::test_an_invoice_with_lines_computes_discounts_tax_and_totals",),
    ),
    Mutation(
        name="bc-docs-invoice-discount-ignored",
        claim="the header's discountAmount is an invoice discount spread over the lines",
        path="sandbox/business_central/documents.py",
        find='    allocations = _spread(money(data.get("discountAmount")), gross)\n',
        replace="    allocations = [Decimal(0)] * len(gross)\n",
        tests=(f"{DOCS}::test_an_invoice_with_lines_computes_discounts_tax_and_totals",),
    ),
    Mutation(
        name="bc-docs-post-twice",
        claim="Microsoft.NAV.post applies to a draft invoice only",
        path="sandbox/business_central/documents.py",
        find='    if record.data.get("status") != "Draft":\n        raise dialog("The action can be applied to a draft invoice only.")\n',
        replace="",
        tests=(f"{DOCS}::test_post_turns_a_draft_into_a_posted_invoice_once",),
    ),
    Mutation(
        name="bc-docs-post-keeps-stock",
        claim="posting an invoice takes its items out of inventory",
        path="sandbox/business_central/documents.py",
        find='    _move_inventory(company, lines, -1)\n    _balance(company, data["customerId"], total)\n',
        replace='    _balance(company, data["customerId"], total)\n',
        tests=(f"{DOCS}::test_post_turns_a_draft_into_a_posted_invoice_once",),
    ),
    Mutation(
        name="bc-docs-order-kept",
        claim="shipAndInvoice deletes the fully invoiced order",
        path="sandbox/business_central/documents.py",
        find="    records.delete(record)\n    return invoice\n",
        replace="    return invoice\n",
        tests=(f"{DOCS}::test_ship_and_invoice_posts_the_order_as_an_invoice",),
    ),
    Mutation(
        name="bc-docs-deep-insert-not-atomic",
        claim="a document with a bad line is not made at all (deep insert is atomic)",
        path="sandbox/business_central/views.py",
        find="            with transaction.atomic():\n                record = writes.create(company, spec, writes.body_of(request))\n",
        replace="            if True:\n                record = writes.create(company, spec, writes.body_of(request))\n",
        tests=(f"{DOCS}::test_a_customer_is_required_and_unknown_items_and_accounts_are_named",),
    ),
    Mutation(
        name="bc-docs-deep-patch-allowed",
        claim="a PATCH carrying lines is refused (no deep patch)",
        path="sandbox/business_central/writes.py",
        find="            if not creating:\n",
        replace="            if False:\n",
        tests=(f"{DOCS}::test_lines_have_their_own_address_and_no_deep_patch",),
    ),
]
