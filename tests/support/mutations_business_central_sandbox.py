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
        find="        test = odata.compile_filter(_V4_LITERAL.sub(_typed, text))\n",
        replace="        test = odata.compile_filter(text)\n",
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

CREDIT = "tests/business_central/test_sandbox_credit_memos.py"
BATCH = "tests/business_central/test_sandbox_batch.py"
LIMITS = "tests/business_central/test_sandbox_limits.py"

MUTATIONS += [
    Mutation(
        name="bc-credit-memo-any-invoice",
        claim="a credit memo applies to a posted invoice only",
        path="sandbox/business_central/documents.py",
        find='    if invoice is None or invoice.data.get("status") == "Draft":\n',
        replace="    if invoice is None:\n",
        tests=(f"{CREDIT}::test_a_credit_memo_needs_a_posted_invoice",),
    ),
    Mutation(
        name="bc-credit-memo-keeps-invoice-open",
        claim="a posted credit memo lowers its invoice's remaining amount",
        path="sandbox/business_central/documents.py",
        find="    left = remaining - used\n",
        replace="    left = remaining\n",
        tests=(f"{CREDIT}::test_a_credit_memo_against_a_posted_invoice_is_posted_once",),
    ),
    Mutation(
        name="bc-credit-memo-no-restock",
        claim="posting a credit memo puts its items back in stock",
        path="sandbox/business_central/documents.py",
        find="    _move_inventory(company, lines, +1)\n",
        replace="",
        tests=(f"{CREDIT}::test_a_credit_memo_against_a_posted_invoice_is_posted_once",),
    ),
    Mutation(
        name="bc-batch-snapshot-kept",
        claim="Isolation: snapshot undoes the whole batch when one request fails",
        path="sandbox/business_central/batch.py",
        find="            transaction.set_rollback(True)\n",
        replace="            pass\n",
        tests=(f"{BATCH}::test_snapshot_isolation_undoes_the_whole_batch",),
    ),
    Mutation(
        name="bc-batch-no-cap",
        claim="a batch takes at most 100 operations",
        path="sandbox/business_central/batch.py",
        find="    if len(requests) > MOST:\n",
        replace="    if False:\n",
        tests=(f"{BATCH}::test_at_most_100_operations",),
    ),
    Mutation(
        name="bc-enum-anything",
        claim="an enum field refuses a value it does not have ('x' is not an option)",
        path="sandbox/business_central/writes.py",
        find="        if value not in ENUMS[spec.name, name]:\n",
        replace="        if False:\n",
        tests=(f"{BATCH}::test_inner_requests_are_answered_in_order",),
    ),
    Mutation(
        name="bc-limits-no-window",
        claim="the requests-per-window limit answers 429",
        path="sandbox/business_central/throttle.py",
        find="        refused = used >= environment.requests_per_window or (\n",
        replace="        refused = False and (\n",
        tests=(f"{LIMITS}::test_the_window_of_requests_is_per_app_and_answers_429",),
    ),
    Mutation(
        name="bc-limits-no-concurrency",
        claim="no more than `concurrent` calls run at once (others wait)",
        path="sandbox/business_central/throttle.py",
        find="        free = running < environment.concurrent\n",
        replace="        free = True\n",
        tests=(
            f"{LIMITS}::test_calls_beyond_the_concurrent_slots_wait_in_the_queue",
            f"{LIMITS}::test_a_full_queue_answers_429",
        ),
    ),
    Mutation(
        name="bc-limits-endless-queue",
        claim="a full queue answers 429",
        path="sandbox/business_central/throttle.py",
        find="            not free and waiting >= environment.queue\n",
        replace="            False\n",
        tests=(f"{LIMITS}::test_a_full_queue_answers_429",),
    ),
    Mutation(
        name="bc-fault-503-no-retry-after",
        claim="the 503 fault carries Retry-After",
        path="sandbox/business_central/errors.py",
        find='                   headers={"Retry-After": str(retry_after)})',
        replace="                   headers={})",
        tests=(f"{LIMITS}::test_faults_answer_503_with_retry_after_429s_and_500s",),
    ),
    Mutation(
        name="bc-fault-create-not-committed",
        claim="create_then_error / create_then_hang leave the record made",
        path="sandbox/business_central/views.py",
        find="            gate.after_create(call.environment, name)\n",
        replace="",
        tests=(f"{LIMITS}::test_a_create_that_commits_then_fails_or_hangs",),
    ),
    Mutation(
        name="bc-admin-for-everyone",
        claim="the sandbox's admin pages are superusers' only",
        path="sandbox/business_central/admin.py",
        find="class BcRecordAdmin(SuperuserOnly, ModelAdmin):",
        replace="class BcRecordAdmin(ModelAdmin):",
        tests=("tests/business_central/test_sandbox_admin.py",),
    ),
]

PAGES = "tests/business_central/test_sandbox_pages.py"

MUTATIONS += [
    Mutation(
        name="bc-document-page-unescaped",
        claim="the document page escapes what came from the store",
        path="sandbox/templates/sandbox/bc_document.html",
        find="<td>{{ line.description }}</td>",
        replace="<td>{{ line.description|safe }}</td>",
        tests=(f"{PAGES}::test_the_document_page_shows_an_invoice_escaped",),
    ),
    Mutation(
        name="bc-document-page-any-entity",
        claim="the document page shows sales documents only",
        path="sandbox/business_central/pages.py",
        find="    if entity_set not in DOCUMENTS:\n",
        replace="    if entity_set not in TITLES and False:\n",
        tests=(f"{PAGES}::test_the_document_page_shows_an_invoice_escaped",),
    ),
    Mutation(
        name="bc-item-command-first-company",
        claim="the item command refuses to guess between companies",
        path="sandbox/business_central/management/commands/sandbox_bc_item.py",
        find="        if len(having) > 1:\n",
        replace="        having = having[:1]\n        if False:\n",
        tests=(f"{PAGES}::test_the_item_command_edits_an_item_as_a_person_would",),
    ),
]

MUTATIONS += [
    Mutation(
        name="bc-docs-nontaxable-taxed",
        claim="lines of no tax group or the NONTAXABLE one carry no tax",
        path="sandbox/business_central/documents.py",
        find='    return line.get("lineType") != "Comment" and line.get("taxCode") not in ("", "NONTAXABLE")\n',
        replace='    return line.get("lineType") != "Comment"\n',
        tests=(f"{DOCS}::test_lines_without_a_taxable_tax_group_carry_no_tax",),
    ),
]

MUTATIONS += [
    Mutation(
        name="bc-api-no-count",
        claim="$count=true answers @odata.count, the matches before $top",
        path="sandbox/business_central/views.py",
        find='        body = {"@odata.context": context, "@odata.count": matched, "value": page}\n',
        replace='        body = {"@odata.context": context, "@odata.count": len(page), "value": page}\n',
        tests=(f"{API}::test_filters_take_unquoted_date_times_and_guids",),
    ),
    Mutation(
        name="bc-docs-blocked-customer-sold-to",
        claim="no document is made for a customer blocked with type All",
        path="sandbox/business_central/writes.py",
        find='    if customer.data.get("blocked") == "All":\n',
        replace="    if False:\n",
        tests=(f"{DOCS}::test_a_customer_is_required_and_unknown_items_and_accounts_are_named",),
    ),
]

MUTATIONS += [
    Mutation(
        name="bc-docs-posting-modifies-customer",
        claim="posting changes a customer's balanceDue without modifying the customer",
        path="sandbox/business_central/documents.py",
        find='        records.flowfield_set(customer, "balanceDue", number(money(due)))\n',
        replace='        records.save(customer, {**customer.data, "balanceDue": number(money(due))})\n',
        tests=(f"{DOCS}::test_post_turns_a_draft_into_a_posted_invoice_once",),
    ),
]
