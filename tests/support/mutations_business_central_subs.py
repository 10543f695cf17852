"""Business Central's change notifications: the receiver answers the handshake and 202 to what
it refuses, never acts on another clientState, stores a batch once without its clientState, and
asks for the customer jobs and the catalog push it names.

See tests/support/mutations.py for the fields."""

from tests.support.mutation_spec import Mutation

RECEIVER = "tests/business_central/test_notification_receiver.py"
NOTIFICATIONS = "connectors/business_central/notifications.py"
VIEWS = "connectors/business_central/notify_views.py"

MUTATIONS: list[Mutation] = [
    Mutation(
        name="bc-handshake-not-echoed",
        claim="the validation handshake answers 200 text/plain with exactly the token",
        path=VIEWS,
        find='return HttpResponse(token, content_type="text/plain; charset=utf-8")',
        replace='return JsonResponse({"validationToken": token})',
        tests=(f"{RECEIVER}::test_the_handshake_echoes_the_token_as_plain_text_on_get_and_post",),
    ),
    Mutation(
        name="bc-notify-acts-on-any-client-state",
        claim="a notification without the connection's clientState is never acted on",
        path=NOTIFICATIONS,
        find="ours = [item for item in items if _carries(item, receiver.client_state)]",
        replace="ours = items",
        tests=(f"{RECEIVER}::test_a_wrong_client_state_is_answered_202_and_not_acted_on",),
    ),
    Mutation(
        name="bc-notify-400-on-unreadable",
        claim="an unreadable body is answered 202 (a 4xx would delete the subscription)",
        path=NOTIFICATIONS,
        find="return _store(connection, body, [], refused=0, failed=str(exc))",
        replace="raise Refused(400, str(exc))",
        tests=(f"{RECEIVER}::test_an_unreadable_body_is_answered_202_and_kept_as_failed",),
    ),
    Mutation(
        name="bc-notify-oversized-read",
        claim="a body past the limit is answered 202 unread, not refused by the upload limit",
        path=VIEWS,
        find="if _declared_length(request) > MAX_BODY_BYTES:",
        replace="if _declared_length(request) > MAX_BODY_BYTES * 100:",
        tests=(f"{RECEIVER}::test_a_body_past_the_limit_is_answered_202_unread",),
    ),
    Mutation(
        name="bc-notify-stored-per-delivery",
        claim="BC's resend of a body is stored once",
        path=NOTIFICATIONS,
        find="digest = hashlib.sha1(body).hexdigest()  # noqa: S324 - a key, not a signature",
        replace="digest = __import__('uuid').uuid4().hex",
        tests=(
            f"{RECEIVER}::test_a_batch_is_stored_once_without_its_client_state_and_answered_202",
        ),
    ),
    Mutation(
        name="bc-notify-keeps-client-state",
        claim="the clientState is checked and never stored",
        path=NOTIFICATIONS,
        find='return {key: value for key, value in item.items() if key != "clientState"}',
        replace="return dict(item)",
        tests=(
            f"{RECEIVER}::test_a_batch_is_stored_once_without_its_client_state_and_answered_202",
        ),
    ),
    Mutation(
        name="bc-notify-unlinked-customers",
        claim="only customers linked to a store customer get a job",
        path=NOTIFICATIONS,
        find="        if record_id not in links:\n            continue\n",
        replace="",
        tests=(f"{RECEIVER}::test_customer_notifications_ask_for_the_linked_records_jobs",),
    ),
    Mutation(
        name="bc-notify-other-company",
        claim="a notification for another company's records is not acted on",
        path=NOTIFICATIONS,
        find='if not match or match["company"].lower() != company or',
        replace="if not match or",
        tests=(f"{RECEIVER}::test_customer_notifications_ask_for_the_linked_records_jobs",),
    ),
    Mutation(
        name="bc-notify-push-read-too-early",
        claim="an item notification after a push started waits for the next push",
        path=NOTIFICATIONS,
        find="    if started_before and push.state in ACTIVE_STATES",
        replace="    if False and push.state in ACTIVE_STATES",
        tests=(
            f"{RECEIVER}::test_item_notifications_ask_for_a_catalog_push_and_wait_for_one_started_after",
        ),
    ),
]
