"""Business Central's change notifications: the receiver answers the handshake and 202 to what
it refuses, never acts on another clientState, stores a batch once without its clientState, and
asks for the customer jobs and the catalog push it names.

See tests/support/mutations.py for the fields."""

from tests.support.mutation_spec import Mutation

RECEIVER = "tests/business_central/test_notification_receiver.py"
SANDBOX = "tests/business_central/test_sandbox_subscriptions.py"
SUBS = "tests/business_central/test_subscriptions.py"
SBX_SUBS = "sandbox/business_central/subscriptions.py"
SBX_NOTIFY = "sandbox/business_central/notify.py"
CONN_SUBS = "connectors/business_central/subscriptions.py"
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
    # --- the sandbox BC's subscriptions and sender ----------------------------------------
    Mutation(
        name="sbc-created-without-handshake",
        claim="a subscription is created only after the subscriber echoes the validation token",
        path=SBX_SUBS,
        find="""                          "been reached.", code="BadRequest_MaxSubscriptions")  # fmt: skip
    handshake(environment, url)
""",
        replace="""                          "been reached.", code="BadRequest_MaxSubscriptions")  # fmt: skip
""",
        tests=(f"{SANDBOX}::test_a_failed_or_timed_out_handshake_is_a_400_and_nothing_is_created",),
    ),
    Mutation(
        name="sbc-handshake-takes-any-body",
        claim="the handshake needs exactly the token as the body",
        path=SBX_NOTIFY,
        find="if answer.status_code != 200 or answer.content != token.encode():",
        replace="if answer.status_code != 200:",
        tests=(f"{SANDBOX}::test_a_failed_or_timed_out_handshake_is_a_400_and_nothing_is_created",),
    ),
    Mutation(
        name="sbc-renewed-without-handshake",
        claim="a renewal runs the handshake again",
        path=SBX_SUBS,
        find="""        raise bad_request("The resource of a subscription cannot be changed.")
    handshake(environment, url)
""",
        replace="""        raise bad_request("The resource of a subscription cannot be changed.")
""",
        tests=(
            f"{SANDBOX}::test_renewal_needs_the_etag_runs_the_handshake_again_and_moves_the_expiry",
        ),
    ),
    Mutation(
        name="sbc-renewal-without-if-match",
        claim="a renewal needs If-Match, and a stale one is a 409",
        path=SBX_SUBS,
        find="""    subscription = subscription_get(environment, subscription_id)
    _matches(subscription, if_match)
    url =""",
        replace="""    subscription = subscription_get(environment, subscription_id)
    url =""",
        tests=(
            f"{SANDBOX}::test_renewal_needs_the_etag_runs_the_handshake_again_and_moves_the_expiry",
        ),
    ),
    Mutation(
        name="sbc-renewal-keeps-the-expiry",
        claim="a renewal gives three more days from now",
        path=SBX_SUBS,
        find="notification_url=url, client_state=client_state, expiration=now + EXPIRES_AFTER,",
        replace="notification_url=url, client_state=client_state, "
        "expiration=subscription.expiration,",
        tests=(
            f"{SANDBOX}::test_renewal_needs_the_etag_runs_the_handshake_again_and_moves_the_expiry",
        ),
    ),
    Mutation(
        name="sbc-no-subscription-limit",
        claim="an environment holds at most the limit of subscriptions (200)",
        path=SBX_SUBS,
        find="    if environment.subscriptions.count() >= max_subscriptions():",
        replace="    if False:",
        tests=(f"{SANDBOX}::test_at_most_the_limit_of_subscriptions",),
    ),
    Mutation(
        name="sbc-no-debounce",
        claim="notifications wait 30 s after the first change",
        path=SBX_NOTIFY,
        find="if changes and changes[0].at <= now - timedelta(seconds=debounce_seconds()):",
        replace="if changes:",
        tests=(
            f"{SANDBOX}::test_notifications_wait_the_debounce_then_one_post_per_url_carries_every_subscription",
        ),
    ),
    Mutation(
        name="sbc-no-collection",
        claim="more changes than the threshold become one collection notification",
        path=SBX_NOTIFY,
        find="    if len(records) > collection_after():",
        replace="    if False:",
        tests=(f"{SANDBOX}::test_more_changes_than_the_threshold_become_one_collection",),
    ),
    Mutation(
        name="sbc-collection-without-margin",
        claim="a collection's filter starts 50 ms before the first change",
        path=SBX_NOTIFY,
        find="first = min(change.at for change in changes) - COLLECTION_MARGIN",
        replace="first = min(change.at for change in changes)",
        tests=(f"{SANDBOX}::test_more_changes_than_the_threshold_become_one_collection",),
    ),
    Mutation(
        name="sbc-retries-every-answer",
        claim="any answer but no answer, 408, 429 or 5xx deletes the URL's subscriptions",
        path=SBX_NOTIFY,
        find="    return status is None or 500 <= status <= 599 or status in (408, 429)",
        replace="    return True",
        tests=(f"{SANDBOX}::test_any_other_answer_deletes_every_subscription_of_that_url",),
    ),
    Mutation(
        name="sbc-retry-schedule-flat",
        claim="retries wait 1, 1, 10, 100, then 1,000 minutes",
        path=SBX_NOTIFY,
        find="    minutes = 1 if attempt <= 2 else {3: 10, 4: 100}.get(attempt, 1000)",
        replace="    minutes = 1",
        tests=(
            f"{SANDBOX}::test_no_answer_408_429_and_5xx_are_retried_on_bcs_schedule_then_the_subscription_goes",
        ),
    ),
    Mutation(
        name="sbc-retries-forever",
        claim="a subscription whose attempt number passes 5 is deleted",
        path=SBX_NOTIFY,
        find="        if attempt > MAX_ATTEMPTS:",
        replace="        if attempt > MAX_ATTEMPTS + 10:",
        tests=(
            f"{SANDBOX}::test_no_answer_408_429_and_5xx_are_retried_on_bcs_schedule_then_the_subscription_goes",
        ),
    ),
    Mutation(
        name="sbc-delivered-sent-again",
        claim="a delivered notification is not sent again",
        path=SBX_NOTIFY,
        find="notified_through=changes[-1].pk, failed_attempts=0, next_attempt_at=None",
        replace="failed_attempts=0, next_attempt_at=None",
        tests=(
            f"{SANDBOX}::test_notifications_wait_the_debounce_then_one_post_per_url_carries_every_subscription",
        ),
    ),
    Mutation(
        name="sbc-expired-kept",
        claim="expired subscriptions are deleted at each sender run",
        path=SBX_NOTIFY,
        find="    expired.delete()\n",
        replace="",
        tests=(f"{SANDBOX}::test_expired_subscriptions_are_deleted_at_the_next_run",),
    ),
    # --- our subscriptions -----------------------------------------------------------------
    Mutation(
        name="bc-subs-never-renewed",
        claim="a subscription with less than a day left is renewed",
        path=CONN_SUBS,
        find="if found is not None and self._expires(found) - self.bc_now < RENEW_WITHIN:",
        replace="if False:",
        tests=(f"{SUBS}::test_the_subscriptions_are_renewed_before_they_expire_on_bcs_clock",),
    ),
    Mutation(
        name="bc-subs-renew-on-our-clock",
        claim="the expiry is counted on Business Central's clock (its Date header)",
        path=CONN_SUBS,
        find="        self.bc_now = _server_time(response) or self.now",
        replace="        self.bc_now = self.now",
        tests=(f"{SUBS}::test_the_subscriptions_are_renewed_before_they_expire_on_bcs_clock",),
    ),
    Mutation(
        name="bc-subs-strays-kept",
        claim="a stray subscription to our receiver (another clientState, a duplicate) is deleted",
        path=CONN_SUBS,
        find="                self.delete(found)\n",
        replace="                pass\n",
        tests=(f"{SUBS}::test_a_subscription_bc_deleted_is_recreated_and_a_stray_one_removed",),
    ),
    Mutation(
        name="bc-subs-error-not-shown",
        claim="a failed handshake is a plain error on the connection",
        path=CONN_SUBS,
        find="    _connection_error(connection, error)\n",
        replace="",
        tests=(
            f"{SUBS}::test_a_failed_handshake_is_a_plain_error_on_the_connection_until_a_pass_succeeds",
        ),
    ),
    Mutation(
        name="bc-client-state-key-unmasked",
        claim="clientState is masked by its name in logged bodies",
        path="audit/redaction.py",
        find='    "clientstate",  # Business Central',
        replace='    "clientstate-no",  # Business Central',
        tests=(f"{SUBS}::test_client_state_is_masked_by_its_name_in_any_logged_body",),
    ),
    Mutation(
        name="bc-collection-not-requeried",
        claim="a collection notification re-reads the customers changed after its time",
        path=NOTIFICATIONS,
        find="    if since is not None:",
        replace="    if False:",
        tests=(
            f"{SUBS}::test_activation_subscribes_and_a_collection_re_queries_the_customers_changed_after_it",
        ),
    ),
    Mutation(
        name="bc-not-subscribed-on-activation",
        claim="activating a Business Central connection subscribes its items and customers",
        path="tenants/services.py",
        find="        import_string(kind.on_activate)(connection)",
        replace="        pass",
        tests=(
            f"{SUBS}::test_activation_subscribes_and_a_collection_re_queries_the_customers_changed_after_it",
        ),
    ),
    Mutation(
        name="bc-health-not-on-the-page",
        claim="the connection's page shows the subscriptions' health line",
        path="tenants/admin.py",
        find='+ (["erp_notifications"] if obj and ERP_KINDS[kind].health else [])',
        replace="+ []",
        tests=(f"{SUBS}::test_the_connection_page_shows_the_subscriptions_health_line",),
    ),
    Mutation(
        name="bc-demo-not-subscribed",
        claim="the demo's Business Central connection goes live with its subscriptions",
        path="sandbox/demo.py",
        find="        import_string(on_activate)(connection)",
        replace="        pass",
        tests=(
            "tests/business_central/test_demo_subscriptions.py::test_the_demo_connection_subscribes_posts_a_webhook_order_and_pushes_an_item_change",
        ),
    ),
    Mutation(
        name="sbc-handshake-waits-forever",
        claim="the sandbox gives up on a handshake after a few seconds (settable)",
        path=SBX_NOTIFY,
        find="timeout=handshake_seconds(),",
        replace="timeout=30,",
        tests=(f"{SANDBOX}::test_a_subscriber_slower_than_the_handshake_limit_is_refused",),
    ),
    Mutation(
        name="bc-subs-stale-etag-fails",
        claim="a renewal refused for a stale ETag reads the subscription again and renews it",
        path=CONN_SUBS,
        find="                if not is_entity_changed(exc) or tries == 2:",
        replace="                if True:",
        tests=(
            f"{SUBS}::test_a_renewal_reads_a_stale_etag_again_and_finds_a_deleted_subscription_gone",
        ),
    ),
    Mutation(
        name="bc-subs-renewal-404-fails",
        claim="a renewal of a subscription BC deleted finds it gone (and the pass creates it)",
        path=CONN_SUBS,
        find="""                if exc.status == 404:
                    return None
                if not is_entity_changed""",
        replace="""                if not is_entity_changed""",
        tests=(
            f"{SUBS}::test_a_renewal_reads_a_stale_etag_again_and_finds_a_deleted_subscription_gone",
        ),
    ),
]
