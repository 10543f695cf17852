"""Flows as data: the flow table decides what a webhook, a stream's poll and a run do; records
changed in an ERP reach the store as jobs, our own echo never does.

See tests/support/mutations.py for the fields."""

from tests.support.mutation_spec import Mutation

FLOWS_TEST = "tests/pipeline/test_flows.py"
CUSTOMER_SYNC = "tests/myob/test_customer_sync.py"
MYOB_E2E = "tests/myob/test_end_to_end.py"
JOBS_TEST = "tests/pipeline/test_jobs.py"
ITEMS_SOURCE = "tests/myob/test_items_source.py"
SANDBOX_ITEMS = "tests/myob/test_sandbox_items.py"
ANSWERS_FUZZ = "tests/connectors/test_erp_answers_fuzz.py"

MUTATIONS: list[Mutation] = [
    Mutation(
        name="flows-order-scopes-unlisted",
        claim="an order webhook becomes an order job because the order flow lists its scopes",
        path="sync/flows.py",
        find="scopes=ORDER_SCOPES)",
        replace="scopes=frozenset())",
        tests=(f"{FLOWS_TEST}::test_a_webhook_scope_becomes_a_job_of_its_flow",),
    ),
    Mutation(
        name="flows-customer-stream-unlisted",
        claim="the customers stream's poll finds the flow it asks jobs of in the flow table",
        path="sync/flows.py",
        find='stream="customers"',
        replace='stream=""',
        tests=(
            f"{FLOWS_TEST}::test_a_streams_poll_reads_only_the_connections_whose_erp_lists_its_changes",
            f"{CUSTOMER_SYNC}::test_a_myob_edit_reaches_the_store_once_and_the_echo_changes_nothing_in_myob",
            f"{MYOB_E2E}::test_a_card_edited_in_myob_becomes_a_job_that_a_person_replays_from_the_admin",
        ),
    ),
    Mutation(
        name="flows-run-ignores-the-kind",
        claim="a job runs the handler of its own kind's flow",
        path="sync/jobs.py",
        find="state, message = FLOWS[job.kind].run(job)",
        replace='state, message = FLOWS["order"].run(job)',
        tests=(f"{FLOWS_TEST}::test_a_job_runs_the_handler_of_its_flow",),
    ),
    Mutation(
        name="flows-items-asked-of-every-erp",
        claim="a stream's poll skips the connections whose ERP does not list its changes",
        path="connectors/erp.py",
        find="return getattr(connector_class, method) is not getattr(ErpConnector, method)",
        replace="return True",
        tests=(
            f"{FLOWS_TEST}::test_a_streams_poll_reads_only_the_connections_whose_erp_lists_its_changes",
        ),
    ),
    Mutation(
        name="to-store-echo-asks-for-jobs",
        claim="a card as our own write left it asks for no job and no store read",
        path="sync/streams.py",
        find="if link is None or record.version in (link.written_version, link.seen_version):",
        replace="if link is None:",
        tests=(f"{CUSTOMER_SYNC}::test_our_own_write_is_not_pushed_back",),
    ),
    Mutation(
        name="to-store-run-pushes-our-echo",
        claim="a run that finds the record as our own write left it writes nothing to the store",
        path="sync/to_store.py",
        find="    if record.version == link.written_version:\n",
        replace="    if False:\n",
        tests=(f"{CUSTOMER_SYNC}::test_a_job_for_our_own_write_writes_nothing_to_the_store",),
    ),
    Mutation(
        name="replay-says-the-store-for-every-flow",
        claim="a replay of an ERP → store job says it reads the record from the ERP",
        path="sync/flows.py",
        find="return STORE_LABEL if self.direction == TO_ERP else erp_spec(erp_kind).label",
        replace="return STORE_LABEL",
        tests=(
            f"{JOBS_TEST}::test_a_replay_says_where_it_reads_the_record_afresh",
            f"{MYOB_E2E}::test_a_card_edited_in_myob_becomes_a_job_that_a_person_replays_from_the_admin",
        ),
    ),
    Mutation(
        name="replay-confirmation-names-the-store",
        claim="the bulk replay's confirmation names where the failed jobs' records are read",
        path="templates/admin/sync/syncjob/replay_confirm.html",
        find="Each is fetched fresh from {{ sources }}",
        replace="Each is fetched fresh from BigCommerce",
        tests=(f"{JOBS_TEST}::test_a_replay_says_where_it_reads_the_record_afresh",),
    ),
    Mutation(
        name="beat-sends-a-moved-task-by-its-old-name",
        claim="every periodic task names a task the worker knows",
        path="config/schedule.py",
        find='"Poll ERP customer changes",\n        "sync.tasks.poll_erp_stream_all",',
        replace='"Poll ERP customer changes",\n        "connectors.tasks.poll_erp_stream_all",',
        tests=(
            "tests/test_platform_queues.py::test_every_periodic_task_names_a_task_the_worker_knows",
        ),
    ),
    # --- MYOB as the catalog push's item source ---------------------------------------------
    Mutation(
        name="myob-items-lists-unsold",
        claim="MYOB's items stream yields only sold items (and item_record none of the others)",
        path="connectors/myob/items.py",
        find='    if not _flag(item, "IsSold"):\n',
        replace="    if False:\n",
        tests=(
            f"{ITEMS_SOURCE}::test_the_first_read_lists_every_sold_item_with_its_price_cost_and_stock",
            f"{ITEMS_SOURCE}::test_non_inventoried_items_carry_no_stock_and_unsold_or_deleted_ones_are_none",
        ),
    ),
    Mutation(
        name="myob-items-ignore-the-cursor",
        claim="a read of MYOB's items from the cursor yields exactly the items changed since",
        path="connectors/myob/items.py",
        find='query = {"filter": modified_after(since)} if since is not None else {}',
        replace="query = {}",
        tests=(
            f"{ITEMS_SOURCE}::test_a_read_from_the_cursor_yields_exactly_the_items_changed_in_myob",
        ),
    ),
    Mutation(
        name="myob-items-stock-of-non-inventoried",
        claim="a non-inventoried MYOB item carries no stock, so the store's is left alone",
        path="connectors/myob/items.py",
        find='    if _flag(item, "IsInventoried"):',
        replace='    if _flag(item, "IsInventoried") or True:',
        tests=(
            f"{ITEMS_SOURCE}::test_non_inventoried_items_carry_no_stock_and_unsold_or_deleted_ones_are_none",
        ),
    ),
    Mutation(
        name="myob-items-first-page-only",
        claim="MYOB's items stream reads every page of the item list",
        path="connectors/myob/items.py",
        find='for page in api.pages(RESOURCE, orderby="LastModified", **query):',
        replace='for page in list(api.pages(RESOURCE, orderby="LastModified", **query))[:1]:',
        tests=(f"{ITEMS_SOURCE}::test_every_page_is_read_and_each_sold_item_comes_once",),
    ),
    Mutation(
        name="myob-items-version-blank",
        claim="an item's version is its RowVersion (what tells our own writes from a person's)",
        path="connectors/myob/items.py",
        find='version=_text(item, "RowVersion", VERSION_LENGTH),',
        replace='version="",',
        tests=(
            f"{ITEMS_SOURCE}::test_the_first_read_lists_every_sold_item_with_its_price_cost_and_stock",
        ),
    ),
    Mutation(
        name="myob-items-malformed-crashes",
        claim="a malformed MYOB item is a plain error naming it, never a crash",
        path="connectors/myob/items.py",
        find='    with reading("MYOB", f"the item {_name(item)}"):\n        return store_item(item)',
        replace="    return store_item(item)",
        tests=(
            f"{ITEMS_SOURCE}::test_a_malformed_item_is_a_plain_error_that_names_it",
            f"{ANSWERS_FUZZ}::test_the_myob_items_stream_reads_any_spoiled_answer_into_items_or_a_plain_error",
        ),
    ),
    Mutation(
        name="sandbox-myob-item-edit-keeps-last-modified",
        claim="an item a person changes in the sandbox MYOB gets a new LastModified",
        path="sandbox/myob/inventory.py",
        find="record.data, record.row_version, record.last_modified = data, new_row_version(), now",
        replace="record.data, record.row_version = data, new_row_version()",
        tests=(
            f"{ITEMS_SOURCE}::test_a_read_from_the_cursor_yields_exactly_the_items_changed_in_myob",
            f"{SANDBOX_ITEMS}::test_the_command_changes_a_share_of_the_sold_items_as_a_person_would",
        ),
    ),
    Mutation(
        name="sandbox-myob-seed-has-what-the-erp-lacks",
        claim="the sandbox MYOB has no item for the seed products the ERP lacks",
        path="sandbox/myob/inventory.py",
        find="        if product.erp_lacks:\n            continue\n",
        replace="",
        tests=(
            f"{SANDBOX_ITEMS}::test_the_demo_company_file_has_the_generated_catalog_beside_its_own_items",
            f"{ITEMS_SOURCE}::test_every_page_is_read_and_each_sold_item_comes_once",
        ),
    ),
    Mutation(
        name="sandbox-myob-item-put-sets-stock",
        claim="the sandbox MYOB's stock figures are read only through the API",
        path="sandbox/myob/resources.py",
        find="stock=_stock_kept(current, inventoried),",
        replace='stock=stock_figures(inventoried, body.get("QuantityOnHand") or 0, body.get("AverageCost")),',
        tests=(f"{SANDBOX_ITEMS}::test_an_item_shows_myobs_fields_and_a_put_cannot_set_its_stock",),
    ),
    Mutation(
        name="sandbox-myob-changed-filter-skips-a-millisecond",
        claim="the sandbox MYOB's `LastModified gt` filter, narrowed in the database, is exact",
        path="sandbox/myob/views.py",
        find="moment.microsecond // 1000 * 1000) + MILLISECOND",
        replace="moment.microsecond // 1000 * 1000) + 2 * MILLISECOND",
        tests=(
            f"{SANDBOX_ITEMS}::test_a_filter_on_last_modified_is_exact_to_the_millisecond_it_answers",
        ),
    ),
]
