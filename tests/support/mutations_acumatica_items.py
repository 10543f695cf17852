"""Acumatica as the catalog push's source: the push notification receiver checks its secret,
stores each notification once and before answering, keeps a malformed one, and asks for a push
that reads the change; the items source reads every stock item's price, cost and stock.

See tests/support/mutations.py for the fields."""

from tests.support.mutation_spec import Mutation

RECEIVER = "tests/acumatica/test_push_receiver.py"
ITEMS = "tests/acumatica/test_items_source.py"
END_TO_END = "tests/acumatica/test_push_end_to_end.py"

MUTATIONS: list[Mutation] = [
    Mutation(
        name="acumatica-push-any-secret",
        claim="a push notification with a wrong or missing secret is a 401 and nothing is stored",
        path="connectors/acumatica/push.py",
        find="    if not presented or not hmac.compare_digest(",
        replace="    if False and not hmac.compare_digest(",
        tests=(f"{RECEIVER}::test_a_wrong_or_missing_secret_is_a_401_and_nothing_is_stored",),
    ),
    Mutation(
        name="acumatica-push-secret-prefix",
        claim="the whole secret must match, not a part of it",
        path="connectors/acumatica/push.py",
        find="hmac.compare_digest(_utf8(presented), _utf8(receiver.secret))",
        replace="receiver.secret.startswith(presented)",
        tests=(f"{RECEIVER}::test_a_wrong_or_missing_secret_is_a_401_and_nothing_is_stored",),
    ),
    Mutation(
        name="acumatica-push-stored-twice",
        claim="a redelivered notification (same Id) is stored once",
        path="connectors/acumatica/push.py",
        find="notification_id=f\"id:{payload['Id'].strip()}\"",
        replace="notification_id=f\"id:{__import__('uuid').uuid4()}\"",
        tests=(f"{RECEIVER}::test_a_notification_with_the_secret_is_stored_once_per_id",),
    ),
    Mutation(
        name="acumatica-push-malformed-lost",
        claim="a malformed notification is a 400 and kept as failed for people",
        path="connectors/acumatica/push.py",
        find="        _store_failed(connection, body, rejected.message)\n",
        replace="",
        tests=(f"{RECEIVER}::test_a_malformed_body_is_a_400_and_kept_as_failed",),
    ),
    Mutation(
        name="acumatica-push-nested-rows",
        claim="rows must be flat: a value-wrapped row is refused",
        path="connectors/acumatica/push.py",
        find="    return isinstance(row, dict) and not any(",
        replace="    return isinstance(row, dict) or not any(",
        tests=(f"{RECEIVER}::test_a_malformed_body_is_a_400_and_kept_as_failed",),
    ),
    Mutation(
        name="acumatica-push-joins-a-stale-push",
        claim="a notification that arrived after the push under way started waits for the next",
        path="connectors/acumatica/push.py",
        find="    started_before = push.created_at < notification.received_at",
        replace="    started_before = False",
        tests=(
            f"{RECEIVER}::test_a_notification_asks_for_a_push_and_waits_for_one_that_started_after_it",
        ),
    ),
    Mutation(
        name="acumatica-push-while-off",
        claim="a notification asks for no push while the connection's catalog push is off",
        path="connectors/acumatica/push.py",
        find="    if not CatalogSettings.objects.filter(connection=connection, enabled=True).exists():",
        replace="    if False:",
        tests=(
            f"{RECEIVER}::test_a_notification_asks_for_a_push_and_waits_for_one_that_started_after_it",
        ),
    ),
    Mutation(
        name="acumatica-push-page-any-role",
        claim="only someone who may change the connection sees the header value or makes a new one",
        path="connectors/acumatica/push_views.py",
        find="    connection = connection_to_set_up(request, pk, erp_kind=KIND)",
        replace="    connection = __import__('tenants.models').models.Connection.objects.get(pk=pk)",
        tests=(
            f"{RECEIVER}::test_the_set_up_page_shows_what_to_paste_and_rotates_only_for_a_writer",
        ),
    ),
    Mutation(
        name="acumatica-items-ignore-cursor",
        claim="a read from the cursor yields only the stock items changed since",
        path="connectors/acumatica/items.py",
        find="""    query = {"filter": modified_after(since - OVERLAP)} if since is not None else {}""",
        replace="    query = {}",
        tests=(f"{ITEMS}::test_a_read_from_the_cursor_yields_the_items_changed_since",),
    ),
    Mutation(
        name="acumatica-items-no-overlap",
        claim="an item stamped just before the cursor is read again (stamped before its commit)",
        path="connectors/acumatica/items.py",
        find="modified_after(since - OVERLAP)",
        replace="modified_after(since)",
        tests=(f"{ITEMS}::test_a_read_from_the_cursor_yields_the_items_changed_since",),
    ),
    Mutation(
        name="acumatica-items-first-page-only",
        claim="every page of stock items is read",
        path="connectors/acumatica/items.py",
        find="    for page in api.pages(ENTITY, expand=EXPAND, select=SELECT, top=top, **query):",
        replace="    for page in list(api.pages(ENTITY, expand=EXPAND, select=SELECT, top=top, **query))[:1]:",
        tests=(f"{ITEMS}::test_every_page_is_read_and_each_item_comes_once",),
    ),
    Mutation(
        name="acumatica-items-standard-cost-always",
        claim="an average-cost item's cost is its AverageCost, a standard-cost one's CurrentStdCost",
        path="connectors/acumatica/items.py",
        find='    field = "CurrentStdCost" if item.get("ValuationMethod") == "Standard" else "AverageCost"',
        replace='    field = "CurrentStdCost"',
        tests=(
            f"{ITEMS}::test_the_first_read_lists_every_stock_item_with_its_price_cost_and_stock",
        ),
    ),
    Mutation(
        name="acumatica-items-one-warehouse",
        claim="stock is read per warehouse, every warehouse",
        path="connectors/acumatica/items.py",
        find='        stock[warehouse] = _number(line, "QtyOnHand", MAX_QUANTITY)',
        replace='        stock = {warehouse: _number(line, "QtyOnHand", MAX_QUANTITY)}',
        tests=(
            f"{ITEMS}::test_the_first_read_lists_every_stock_item_with_its_price_cost_and_stock",
        ),
    ),
    Mutation(
        name="acumatica-items-malformed-crashes",
        claim="a malformed stock item is a plain error naming it, not a crash",
        path="connectors/acumatica/items.py",
        find="""    with reading(LABEL, f"the stock item {_name(item)}"):""",
        replace="""    with __import__("contextlib").nullcontext():""",
        tests=(f"{ITEMS}::test_a_malformed_item_is_a_plain_error_that_names_it",),
    ),
    Mutation(
        name="acumatica-push-not-handed-over",
        claim="a stored notification asks for the catalog push: the price reaches the store",
        path="connectors/acumatica/push.py",
        find="        transaction.on_commit(lambda: _hand_over(notification.pk))",
        replace="        pass",
        tests=(f"{END_TO_END}::test_a_price_change_in_acumatica_reaches_the_stores_variant",),
    ),
    Mutation(
        name="acumatica-items-poll-reads-nothing",
        claim="a dropped notification is caught by the scheduled push reading from the cursor",
        path="connectors/acumatica/items.py",
        find="modified_after(since - OVERLAP)",
        replace="modified_after(since + timedelta(days=1))",
        tests=(f"{END_TO_END}::test_a_dropped_notification_is_caught_by_the_scheduled_push",),
    ),
    Mutation(
        name="acumatica-sandbox-push-one-try",
        claim="the sandbox tries a refused notification 5 times, as Acumatica does",
        path="sandbox/acumatica/push.py",
        find="    for attempt in range(1, notification.max_attempts + 1):",
        replace="    for attempt in range(1, 2):",
        tests=(
            f"{END_TO_END}::test_a_wrong_secret_is_refused_on_each_of_the_five_tries_and_nothing_is_stored",
        ),
    ),
    Mutation(
        name="acumatica-sandbox-push-never-drops",
        claim="the sandbox's drop switch drops notifications silently",
        path="sandbox/acumatica/push.py",
        find="        dropped = random.random() < notification.drop_rate",
        replace="        dropped = False",
        tests=(f"{END_TO_END}::test_a_dropped_notification_is_caught_by_the_scheduled_push",),
    ),
    Mutation(
        name="acumatica-sandbox-push-lost-at-exit",
        claim="an edit made by a command that ends at once still sends its notification",
        path="sandbox/acumatica/push.py",
        find="@atexit.register\n",
        replace="",
        tests=(f"{END_TO_END}::test_an_edit_made_by_a_command_that_ends_at_once_still_notifies",),
    ),
]
