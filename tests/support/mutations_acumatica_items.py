"""Acumatica as the catalog push's source: the push notification receiver checks its secret,
stores each notification once and before answering, keeps a malformed one, and asks for a push
that reads the change; the items source reads every stock item's price, cost and stock.

See tests/support/mutations.py for the fields."""

from tests.support.mutation_spec import Mutation

RECEIVER = "tests/acumatica/test_push_receiver.py"

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
]
