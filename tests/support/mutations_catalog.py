"""The catalog push: it writes only what differs, keeps a person's store edit until the ERP
changes, stops on a suspicious price run, stays within the store's batch sizes and budget, never
lets a replay write over a later push, and knows its own echo.

See tests/support/mutations.py for the fields."""

from tests.support.mutation_spec import Mutation

PUSH = "tests/catalog/test_push.py"
SERVICES = "tests/catalog/test_services.py"
ADMIN = "tests/catalog/test_admin_pages.py"

MUTATIONS: list[Mutation] = [
    Mutation(
        name="catalog-writes-what-the-store-has",
        claim="a push writes only the fields where the ERP's value differs from the store's",
        path="catalog/plan.py",
        find="            if desired.same(want, now):",
        replace="            if False:",
        tests=(f"{PUSH}::test_the_guard_holds_a_forty_percent_price_drop_until_a_person_confirms",),
    ),
    Mutation(
        name="catalog-overwrites-a-store-edit",
        claim="a person's edit in the store stays until the ERP changes that field",
        path="catalog/plan.py",
        find="""            if pushed and desired.same(pushed.get("value"), want):
                continue""",
        replace="",
        tests=(
            f"{PUSH}::test_our_writes_echo_back_asking_for_nothing_and_a_store_edit_stays_until_the_erp_changes",
        ),
    ),
    Mutation(
        name="catalog-cursor-never-moves",
        claim="a push after a written one reads only the ERP's later changes",
        path="catalog/batches.py",
        find="            write_cursor(push.connection_id, ITEMS_CURSOR, push.until)",
        replace="            pass",
        tests=(
            f"{PUSH}::test_a_first_push_writes_every_difference_and_a_one_percent_change_only_its_skus",
        ),
    ),
    Mutation(
        name="catalog-guard-never-holds",
        claim="a run moving too many prices too far stops before writing",
        path="catalog/guard.py",
        find="    return large if len(large) > allowed else []",
        replace="    return []",
        tests=(f"{PUSH}::test_the_guard_holds_a_forty_percent_price_drop_until_a_person_confirms",),
    ),
    Mutation(
        name="catalog-batches-over-the-store-limit",
        claim="no batch is larger than the store takes (no 413)",
        path="catalog/batches.py",
        find="(BatchKind.PRODUCTS, None, products, PRODUCTS_BATCH)",
        replace="(BatchKind.PRODUCTS, None, products, PRODUCTS_BATCH + 5)",
        tests=(
            f"{PUSH}::test_a_first_push_writes_every_difference_and_a_one_percent_change_only_its_skus",
        ),
    ),
    Mutation(
        name="catalog-replay-overwrites-a-later-push",
        claim="a batch replayed later never writes over what a later push wrote",
        path="catalog/batches.py",
        find='            newer = pushed.get("push", 0) > batch.push_id',
        replace="            newer = False",
        tests=(
            f"{PUSH}::test_a_preview_confirmed_writes_its_rows_and_a_failed_batch_replayed_writes_it",
        ),
    ),
    Mutation(
        name="catalog-stock-beside-catalog-writes",
        claim="a stock batch runs alone: one inventory request in flight, never beside catalog writes",
        path="catalog/batches.py",
        find="                may_run = not in_flight\n",
        replace="                may_run = len(in_flight) < CATALOG_IN_FLIGHT\n",
        tests=(f"{SERVICES}::test_catalog_batches_run_a_few_at_a_time_and_a_stock_batch_alone",),
    ),
    Mutation(
        name="catalog-batches-one-at-a-time",
        claim="catalog batches run a few at a time (a push keeps up with the store's ceiling)",
        path="catalog/batches.py",
        find="CATALOG_IN_FLIGHT = 4\n",
        replace="CATALOG_IN_FLIGHT = 1\n",
        tests=(f"{SERVICES}::test_catalog_batches_run_a_few_at_a_time_and_a_stock_batch_alone",),
    ),
    Mutation(
        name="catalog-failed-batch-stops-the-push",
        claim="a batch that fails ends, and the push goes on to its end",
        path="catalog/batches.py",
        find="""        _batch_end(batch, BatchState.FAILED)
        raise
    except Exception:""",
        replace="""        CatalogBatch.objects.filter(pk=batch.pk).update(state=BatchState.FAILED)
        raise
    except Exception:""",
        tests=(
            f"{PUSH}::test_a_preview_confirmed_writes_its_rows_and_a_failed_batch_replayed_writes_it",
        ),
    ),
    Mutation(
        name="catalog-stock-of-an-untracked-product-guessed",
        claim="stock the store does not track as the ERP's SKU is listed, never guessed",
        path="catalog/stock.py",
        find="    if target.tracking == StoreTracking.NONE:",
        replace="    if False:",
        tests=(f"{PUSH}::test_stock_goes_to_each_mapped_location_as_the_store_tracks_it",),
    ),
    Mutation(
        name="catalog-store-duplicate-guessed",
        claim="a SKU two store records carry is listed, never written to one of them",
        path="catalog/targets.py",
        find="    if len(targets) == 1:\n        target = targets[0]",
        replace="    if targets:\n        target = targets[0]",
        tests=(f"{PUSH}::test_skus_the_store_lacks_or_two_records_carry_are_listed_never_guessed",),
    ),
    Mutation(
        name="catalog-echo-unmarked",
        claim="the store's webhooks about our own writes are recognised as our echo",
        path="catalog/batches.py",
        find="    echo.marks_record(batch.push, rows)",
        replace="    pass",
        tests=(
            f"{PUSH}::test_our_writes_echo_back_asking_for_nothing_and_a_store_edit_stays_until_the_erp_changes",
        ),
    ),
    Mutation(
        name="catalog-echo-becomes-a-job",
        claim="a catalog webhook asks for no job",
        path="webhooks/services.py",
        find="    if event.scope in CATALOG_SCOPES:\n",
        replace="    if False:\n",
        tests=(f"{SERVICES}::test_a_catalog_webhook_asks_for_no_job_and_says_whose_change_it_was",),
    ),
    Mutation(
        name="catalog-scopes-for-every-connection",
        claim="only connections that push subscribe to the catalog's webhooks",
        path="webhooks/subscription.py",
        find="    return sorted({*SUBSCRIBED_SCOPES, *CATALOG_SCOPES}) if pushes else SUBSCRIBED_SCOPES",
        replace="    return sorted({*SUBSCRIBED_SCOPES, *CATALOG_SCOPES})",
        tests=(
            f"{SERVICES}::test_only_a_connection_that_pushes_subscribes_to_the_catalog_webhooks",
        ),
    ),
    Mutation(
        name="catalog-takes-the-whole-window",
        claim="a catalog push leaves room in every window for live calls",
        path="connectors/ratelimit.py",
        find="    catalog_share: float = 0.93",
        replace="    catalog_share: float = 1.0",
        tests=("tests/catalog/test_rate_share.py",),
    ),
    Mutation(
        name="catalog-push-below-the-ceiling",
        claim="a catalog push may use at least 90 % of the store's ceiling",
        path="connectors/ratelimit.py",
        find="    catalog_share: float = 0.93",
        replace="    catalog_share: float = 0.75",
        tests=("tests/catalog/test_rate_share.py",),
    ),
    Mutation(
        name="catalog-items-polled-record-by-record",
        claim="no stream poll asks for item jobs: the catalog push owns the items stream",
        path="sync/flows.py",
        find="""            reads="its catalog push's plan (less what a later push wrote)",""",
        replace="""            stream="items", reads="its catalog push's plan (less what a later push wrote)",""",
        tests=(
            "tests/pipeline/test_flows.py::test_item_changes_are_the_catalog_pushs_not_a_streams",
        ),
    ),
    Mutation(
        name="catalog-admin-decides-without-the-write-role",
        claim="only the write role in a push's tenant confirms or cancels it",
        path="catalog/admin.py",
        find="""        if not self._has_write(request, push):
            raise Http404
""",
        replace="",
        tests=(
            f"{ADMIN}::test_a_viewer_and_an_outsider_can_neither_start_nor_decide",
            f"{ADMIN}::test_dana_who_owns_another_tenant_cannot_cancel_here",
        ),
    ),
    Mutation(
        name="catalog-admin-starts-without-the-write-role",
        claim="only the write role in a connection's tenant starts a push or opens its settings",
        path="catalog/admin.py",
        find="    if not (\n        request.user.is_superuser\n",
        replace="    if False and not (\n        request.user.is_superuser\n",
        tests=(
            f"{ADMIN}::test_a_viewer_and_an_outsider_can_neither_start_nor_decide",
            f"{ADMIN}::test_the_settings_page_is_made_for_the_owner_and_takes_warehouse_lines",
        ),
    ),
]
