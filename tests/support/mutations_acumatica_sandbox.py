"""The sandbox Acumatica (sandbox/acumatica/). See tests/support/mutations.py for the fields."""

from tests.support.mutation_spec import Mutation

API = "tests/acumatica/test_sandbox_api.py"
AUTH = "tests/acumatica/test_sandbox_auth.py"
DOCS = "tests/acumatica/test_sandbox_documents.py"
LICENCE = "tests/acumatica/test_sandbox_licence.py"
SPEC = "tests/acumatica/test_sandbox_spec.py"

MUTATIONS: list[Mutation] = [
    Mutation(
        name="acu-sandbox-takes-flat-values",
        claim="a flat (unwrapped) value in a request is a 400 HttpError naming the field",
        path="sandbox/acumatica/wire.py",
        find='            if not isinstance(sent, dict) or "value" not in sent:\n',
        replace="            if isinstance(sent, list):\n",
        tests=(f"{API}::test_values_travel_wrapped_and_a_flat_value_is_a_400_http_error",),
    ),
    Mutation(
        name="acu-sandbox-inserts-over-if-none-match",
        claim="PUT with If-None-Match: * on an existing record answers 412 and changes nothing",
        path="sandbox/acumatica/records.py",
        find="        if if_none_match and existing is not None:\n",
        replace="        if if_none_match and existing is None:\n",
        tests=(f"{API}::test_put_upserts_by_key_and_conditional_headers_answer_412",),
    ),
    Mutation(
        name="acu-sandbox-422-without-field-error",
        claim="a validation error is a 422 with the entity and `error` on the failing field",
        path="sandbox/acumatica/records.py",
        find='    leaf["error"] = message\n',
        replace='    leaf["message"] = message\n',
        tests=(f"{API}::test_field_errors_are_422_with_the_entity_and_error_on_the_field",),
    ),
    Mutation(
        name="acu-sandbox-one-api-user-too-many",
        claim="a sign-in beyond the licence's API users answers 429 'API Login Limit'",
        path="sandbox/acumatica/sessions.py",
        find="        if live(instance).count() >= instance.api_users:\n",
        replace="        if live(instance).count() > instance.api_users:\n",
        tests=(f"{AUTH}::test_the_licence_api_user_limit_and_idle_sessions",),
    ),
    Mutation(
        name="acu-sandbox-no-throttle-delay",
        claim="requests past half the per-minute limit are delayed by time left / requests left",
        path="sandbox/acumatica/throttle.py",
        find="    if used + waiting < limit / 2:\n",
        replace="    if used + waiting < limit:\n",
        tests=(f"{LICENCE}::test_requests_past_half_the_minute_limit_are_delayed",),
    ),
    Mutation(
        name="acu-sandbox-unbounded-queue",
        claim="more requests waiting than the licence's queue holds are refused with 429",
        path="sandbox/acumatica/throttle.py",
        find="        full = queued.count() >= instance.max_queue",
        replace="        full = queued.count() >= instance.max_queue * 100",
        tests=(f"{LICENCE}::test_more_than_twenty_waiting_is_a_429_and_a_concurrent_cap_queues",),
    ),
    Mutation(
        name="acu-sandbox-null-note",
        claim="every answer validates against the official file (a null is shown as {})",
        path="sandbox/acumatica/wire.py",
        find='           "note": shown_value(data.get("note")),',
        replace='           "note": data.get("note") or {"value": None},',
        tests=(
            f"{SPEC}::test_error_answers_match_the_official_file",
            f"{SPEC}::test_sandbox_answers_in_its_tests_match_the_official_file",
        ),
    ),
    Mutation(
        name="acu-sandbox-documents-not-on-hold",
        claim="a new sales order or invoice is On Hold unless Hold: false is sent",
        path="sandbox/acumatica/rules.py",
        find='        default(data, "Hold", True)\n',
        replace='        default(data, "Hold", False)\n',
        tests=(
            f"{API}::test_a_sales_order_is_numbered_on_hold_totalled_and_stamped",
            f"{DOCS}::test_documents_on_hold_are_refused_and_there_is_no_release_from_hold",
        ),
    ),
    Mutation(
        name="acu-sandbox-refresh-never-expires",
        claim="a refresh token expires absolutely refresh_days after its grant",
        path="sandbox/acumatica/oauth.py",
        find="        if timezone.now() >= first.issued_at + timedelta(days=app.refresh_days):\n",
        replace="        if timezone.now() >= first.issued_at + timedelta(days=app.refresh_days * 2):\n",
        tests=(f"{AUTH}::test_refresh_rotates_the_pair_and_expires_absolutely",),
    ),
]
MUTATIONS.append(
    Mutation(
        name="acu-sandbox-order-payments-stay-on-the-order",
        claim="a payment applied to a sales order pays the invoice prepared from it on release",
        path="sandbox/acumatica/actions.py",
        find="            moved = min(left, owed - paid)\n",
        replace="            moved = min(left, owed - paid) * 0\n",
        tests=(f"{DOCS}::test_a_payment_applied_to_an_order_shows_on_it_and_pays_its_invoice",),
    )
)
MUTATIONS += [
    Mutation(
        name="acu-sandbox-actions-done-at-once",
        claim="an action's Location answers 202 while it runs, then 204",
        path="sandbox/acumatica/views.py",
        find="polls_left=tenant.action_polls)",
        replace="polls_left=0)",
        tests=(f"{DOCS}::test_order_to_released_invoice_paid_and_refunded",),
    ),
    Mutation(
        name="acu-sandbox-expired-token-revives",
        claim="the expired-token fault leaves the token expired, as a real expiry does",
        path="sandbox/acumatica/gate.py",
        find=".update(expires_at=timezone.now())",
        replace=".update(dead=False)",
        tests=(f"{LICENCE}::test_fault_switches",),
    ),
]
