"""The Orders view (sync/admin_orders.py) and what it reads from a job: each breakage is one
claim its tests make.

See tests/support/mutations.py for the fields."""

from tests.support.mutation_spec import Mutation

SUMMARY = "tests/pipeline/test_order_summary.py"
FILLED = (f"{SUMMARY}::test_a_synced_order_carries_its_summary_its_lines_and_its_document",)
REPLAYED = (f"{SUMMARY}::test_a_replay_adds_to_the_history_and_keeps_the_first_failure",)
ADMIN = "tests/test_admin_orders.py"
SEARCH = (f"{ADMIN}::test_search_by_number_email_sku_and_error_text_within_the_tenant",)
VIEWER = (f"{ADMIN}::test_a_viewer_sees_the_attempt_history_but_cannot_replay",)
BROWSER = ("tests/test_orders_browser.py::test_the_orders_list_and_an_orders_timeline",)

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
    Mutation(
        name="orders-search-skips-attempt-errors",
        claim="the Orders search finds an order by an earlier attempt's error text",
        path="sync/admin_orders.py",
        find="            | Exists(attempt_error)\n",
        replace="",
        tests=SEARCH,
    ),
    Mutation(
        name="orders-search-skips-skus",
        claim="the Orders search finds an order by one of its SKUs",
        path="sync/admin_orders.py",
        find="            | Q(skus__icontains=term)\n",
        replace="",
        tests=SEARCH,
    ),
    Mutation(
        name="orders-connection-filter-unscoped",
        claim="the Orders connection filter lists only the person's tenants' connections",
        path="sync/admin_orders.py",
        find="            connections = connections.filter(tenant__in=tenant_ids_for(request.user))",
        replace="            connections = connections.all()",
        tests=(f"{ADMIN}::test_filters_by_state_and_connection_keep_to_the_tenant",),
    ),
    Mutation(
        name="orders-viewer-may-replay",
        claim="a viewer sees an order's page but cannot replay it",
        path="sync/admin_orders.py",
        find="    def has_replay_permission(self, request, obj=None):\n        return self._has_write(request, obj)",
        replace="    def has_replay_permission(self, request, obj=None):\n        return True",
        tests=VIEWER,
    ),
    Mutation(
        name="orders-jobs-attempts-hidden-from-viewers",
        claim="the Jobs page shows a job's attempt history to viewers too",
        path="sync/admin.py",
        find="        # this person to see (the rows are that job's only): viewers see it too.\n        return True",
        replace="        # this person to see (the rows are that job's only): viewers see it too.\n        return request.user.is_superuser",
        tests=VIEWER,
    ),
    Mutation(
        name="orders-list-oldest-activity-first",
        claim="the Orders list shows the most recent activity first",
        path="sync/admin_orders.py",
        find='    ordering = ["-updated_at", "-id"]',
        replace='    ordering = ["id"]',
        tests=(f"{ADMIN}::test_most_recent_activity_first_and_a_retry_says_when",),
    ),
    Mutation(
        name="orders-phone-list-as-cards",
        claim="on a phone the Orders list is one two-line block per order, not a card per column",
        path="static/ml-connector/admin.css",
        find="@media (max-width: 1023.98px) {\n  .model-orderjob.change-list #result_list",
        replace="@media (max-width: 1px) {\n  .model-orderjob.change-list #result_list",
        tests=BROWSER,
    ),
    Mutation(
        name="orders-api-without-summary",
        claim="the jobs API gives an order's date, customer, total, currency and SKUs",
        path="sync/serializers.py",
        find='            "placed_at", "customer_name", "customer_email", "order_total", "currency", "skus",\n',
        replace="",
        tests=("tests/api/test_jobs.py::test_an_order_jobs_summary_is_in_the_list_and_the_detail",),
    ),
    Mutation(
        name="orders-myob-invoice-unlinked",
        claim="a MYOB invoice number in the Orders view opens the sandbox MYOB's invoice page",
        path="sync/document_links.py",
        find='"business_central": _business_central, "myob": _myob,',
        replace='"business_central": _business_central,',
        tests=(
            "tests/myob/test_document_page.py::test_an_invoice_number_opens_its_page_in_the_sandbox_myob",
        ),
    ),
    Mutation(
        name="orders-bc-link-always-invoice",
        claim="a Business Central sales order links to the order's page, an invoice to the invoice's",
        path="sync/document_links.py",
        find='    entity_set = "salesInvoices" if invoice else "salesOrders"',
        replace='    entity_set = "salesInvoices"',
        tests=(
            "tests/test_document_links.py::test_syspro_and_business_central_link_to_their_sandbox_pages",
        ),
    ),
    Mutation(
        name="orders-date-range-drops-last-day",
        claim="the Orders date filter includes orders placed on its last day",
        path="sync/admin_orders.py",
        find='                queryset = queryset.filter(**{f"placed_at__date__{lookup}": parse_date_str(value)})',
        replace='                queryset = queryset.filter(**{f"placed_at__{lookup}": parse_date_str(value)})',
        tests=(f"{ADMIN}::test_filters_by_state_and_connection_keep_to_the_tenant",),
    ),
    Mutation(
        name="orders-acumatica-order-unlinked",
        claim="an Acumatica sales order number opens Acumatica's record address (the sandbox's page)",
        path="sync/document_links.py",
        find='    "acumatica": _acumatica,\n',
        replace="",
        tests=(
            "tests/acumatica/test_document_page.py::test_a_sales_order_number_opens_its_page_in_the_sandbox_acumatica",
        ),
    ),
    Mutation(
        name="orders-connection-filter-ignored",
        claim="the Orders list keeps to the connection named in ?connection= (a UUID)",
        path="sync/admin_orders.py",
        find="        return queryset.filter(connection_id=connection_id)",
        replace="        return queryset",
        tests=(f"{ADMIN}::test_filters_by_state_and_connection_keep_to_the_tenant",),
    ),
]
