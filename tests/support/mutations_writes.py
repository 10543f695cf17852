"""Items of the exactly-once work: a create is never sent blindly twice; one customer per shopper.

See tests/support/mutations.py for the fields."""

from tests.support.mutation_spec import Mutation

CLIENT_TESTS = "tests/connectors/test_unsafe_writes.py"
MYOB_UNCONFIRMED = "tests/myob/test_unconfirmed_create.py"
# The invoice half, for every ERP: [<kind>-<fault>], fault "hang" or "5xx".
UNCONFIRMED_INVOICE = "tests/erp_contract/test_find_before_create.py::test_an_unconfirmed_create_is_looked_up_not_sent_again"
CLAIM_TESTS = "tests/connectors/test_claims.py"
ONE_CARD = (
    "tests/myob/test_one_card_per_shopper.py::test_first_orders_at_once_make_one_customer_card"
)

MUTATIONS: list[Mutation] = [
    Mutation(
        name="writes-client-repeats-unsafe-methods",
        claim="a POST or PATCH without a clear answer is sent once, never repeated in place "
        "(one invoice in MYOB and Exact Online after a hang or a 5xx after the save)",
        path="connectors/http.py",
        find="repeatable = method.upper() not in UNREPEATABLE_METHODS or bool(keyed_headers)",
        replace="repeatable = True",
        tests=(
            CLIENT_TESTS,
            f"{UNCONFIRMED_INVOICE}[myob-hang]",
        ),
    ),
    Mutation(
        name="writes-store-hook-post-repeated",
        claim="store writes get the same rule: a hook registration answered 503 is not sent "
        "again in place, and the next check finds it (one hook per scope)",
        path="connectors/http.py",
        find="repeatable = method.upper() not in UNREPEATABLE_METHODS or bool(keyed_headers)",
        replace="repeatable = True",
        tests=("tests/connectors/test_unconfirmed_store_writes.py",),
    ),
    Mutation(
        name="writes-rate-limited-post-not-retried",
        claim="a rate-limit answer to a POST is a definite refusal and is still retried in place",
        path="connectors/http.py",
        find="if action == RETRY and not repeatable:",
        replace="if action in (RETRY, RATE_LIMITED) and not repeatable:",
        tests=(CLIENT_TESTS,),
    ),
    Mutation(
        name="writes-any-key-makes-a-post-repeatable",
        claim="only a key the vendor honours (its idempotency header) makes a POST repeatable",
        path="connectors/http.py",
        find="or bool(keyed_headers)",
        replace="or bool(idempotency_key)",
        tests=(CLIENT_TESTS,),
    ),
    Mutation(
        name="writes-idempotency-key-only-on-the-first-try",
        claim="a keyed write sends the same idempotency key on every try",
        path="connectors/http.py",
        find="sent_headers.update(keyed_headers)  # the same key on every try",
        replace="sent_headers.update(keyed_headers if attempt == 1 else {})",
        tests=(CLIENT_TESTS,),
    ),
    Mutation(
        name="writes-ambiguous-message-hides-the-next-step",
        claim="an unconfirmed create tells the reader ml-connector looks it up before trying again",
        path="connectors/http.py",
        find='"not have been made. ml-connector does not send it again blindly: it looks it up "',
        replace='"not have been made. "',
        tests=(CLIENT_TESTS,),
    ),
    Mutation(
        name="writes-read-timeout-not-a-setting",
        claim="the client's read timeout is the HTTP_READ_TIMEOUT setting",
        path="connectors/http.py",
        find="return CONNECT_TIMEOUT, settings.HTTP_READ_TIMEOUT",
        replace="return CONNECT_TIMEOUT, 30.0",
        tests=(f"{CLIENT_TESTS}::test_the_read_timeout_is_a_setting",),
    ),
    Mutation(
        name="writes-myob-look-up-misses-the-unconfirmed-invoice",
        claim="MYOB: the retry's look-up by CustomerPurchaseOrderNumber finds the invoice the "
        "unconfirmed POST made",
        path="connectors/myob/connector.py",
        find='found = self.api.first(INVOICES, f"CustomerPurchaseOrderNumber eq {quoted(reference)}")',
        replace="found = self.api.first(INVOICES, \"CustomerPurchaseOrderNumber eq 'none'\")",
        tests=(f"{UNCONFIRMED_INVOICE}[myob-5xx]",),
    ),
    Mutation(
        name="writes-exact-look-up-misses-the-unconfirmed-invoice",
        claim="Exact Online: the retry's look-up by YourRef finds the invoice the unconfirmed "
        "POST made",
        path="connectors/exact_online/connector.py",
        find='filter=f"YourRef eq {quoted(mapping.order_reference(order))}",',
        replace="filter=\"YourRef eq 'none'\",",
        tests=(f"{UNCONFIRMED_INVOICE}[exact_online-hang]",),
    ),
    Mutation(
        name="writes-myob-card-look-up-misses-the-unconfirmed-card",
        claim="MYOB: the next find-or-create finds by e-mail the card an unconfirmed POST made",
        path="connectors/myob/customers.py",
        find='return api.first(RESOURCE, f"Addresses/any(a: a/Email eq {quoted(email.lower())})")',
        replace="return None",
        tests=(
            f"{MYOB_UNCONFIRMED}::test_an_unconfirmed_customer_card_post_is_looked_up_not_posted_again",
        ),
    ),
    Mutation(
        name="writes-order-skips-the-customer-claim",
        claim="simultaneous first orders from one shopper make one customer card (the order's "
        "find-or-create holds the claim)",
        path="sync/order_sync.py",
        find="        with find_or_create_claim(connection, order.customer):\n"
        "            customer_ref = erp.upsert_customer(order.customer)\n",
        replace="        customer_ref = erp.upsert_customer(order.customer)\n",
        tests=(f"{ONE_CARD}[3]",),
    ),
    Mutation(
        name="writes-customer-job-skips-the-claim",
        claim="a customer job's find-or-create waits for the orders' (and theirs for it)",
        path="sync/order_sync.py",
        find="    with find_or_create_claim(job.connection, customer):\n"
        "        ref = erp.upsert_customer(customer)\n",
        replace="    ref = erp.upsert_customer(customer)\n",
        tests=(f"{ONE_CARD}[3]", f"{ONE_CARD}[6]"),
    ),
    Mutation(
        name="writes-claim-never-expires-a-dead-holder",
        claim="a claim whose holder died is taken over once its lease lapses",
        path="sync/claims.py",
        find="FindOrCreateClaim.objects.filter(abandoned, key=key).update(**lease)",
        replace="FindOrCreateClaim.objects.none().update(**lease)",
        tests=(CLAIM_TESTS,),
        env={"TEST_BACKEND": "embedded"},
    ),
    Mutation(
        name="writes-claim-kept-after-the-block",
        claim="the claim is given back when the find-or-create ends",
        path="sync/claims.py",
        find="FindOrCreateClaim.objects.filter(key=key, holder=holder).delete()",
        replace="pass",
        tests=(CLAIM_TESTS,),
    ),
    Mutation(
        name="writes-claim-two-holders",
        claim="a held claim is not taken by a second job (a conditional insert, not an upsert)",
        path="sync/claims.py",
        find="FindOrCreateClaim.objects.create(key=key, **lease)",
        replace="FindOrCreateClaim.objects.update_or_create(key=key, defaults=lease)",
        tests=(CLAIM_TESTS,),
        env={"TEST_BACKEND": "embedded"},
    ),
    Mutation(
        name="writes-claim-identity-keeps-case",
        claim="the claim's identity is the lower-cased e-mail (Ada@ and ada@ are one shopper)",
        path="sync/claims.py",
        find='email = (customer.email or "").strip().lower()',
        replace='email = (customer.email or "").strip()',
        tests=(CLAIM_TESTS,),
    ),
    Mutation(
        name="writes-claim-busy-fails-the-job",
        claim="a claim not obtained in time re-queues the job (transient), never fails it",
        path="sync/claims.py",
        find="from connectors.errors import Wait",
        replace="from connectors.errors import PermanentError as Wait",
        tests=(CLAIM_TESTS,),
    ),
    Mutation(
        name="writes-claim-wait-counted-as-attempt",
        claim="waiting for another job's turn at the same customer is not an attempt",
        path="sync/claims.py",
        find="class ClaimBusy(Wait):",
        replace="class ClaimBusy(Wait.__mro__[1]):  # a plain TransientError",
        tests=(
            "tests/pipeline/test_scheduling.py::"
            "test_waiting_for_another_jobs_turn_at_the_same_customer_is_not_an_attempt",
        ),
    ),
    Mutation(
        name="writes-claim-outlives-its-dead-run",
        claim="a customer claim held by a run whose worker died is free once the run's lease lapses",
        path="sync/claims.py",
        find='abandoned = Q(expires_at__lte=now) | (~Q(job_lease_owner="") & ~Exists(run_alive))',
        replace="abandoned = Q(expires_at__lte=now)",
        tests=(
            CLAIM_TESTS,
            "tests/myob/test_dead_runs.py::"
            "test_a_run_killed_mid_job_is_finished_by_another_worker_within_a_minute",
        ),
    ),
]
