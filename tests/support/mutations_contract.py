"""The ERP contracts (tests/erp_contract), each broken once: in the shared pipeline, or in one
ERP's connector, where the contract run for that ERP must notice.

See tests/support/mutations.py for the fields."""

from tests.support.mutation_spec import Mutation

CONTRACT = "tests/erp_contract"
REPLAY = (
    f"{CONTRACT}/test_find_before_create.py"
    "::test_redeliveries_and_a_replay_of_a_synced_order_create_nothing_new"
)

MUTATIONS: list[Mutation] = [
    Mutation(
        name="contract-pipeline-skips-the-look-up",
        claim="every ERP: an unconfirmed create is looked up, not sent again (the pipeline's "
        "look-up before create)",
        path="sync/order_sync.py",
        find="existing = erp.find_sales_document(order)",
        replace="existing = None",
        tests=(
            f"{CONTRACT}/test_find_before_create.py"
            "::test_an_unconfirmed_create_is_looked_up_not_sent_again[fake_erp-5xx]",
        ),
    ),
    Mutation(
        name="contract-myob-look-up-finds-nothing",
        claim="MYOB: a replay of a synced order finds its invoice and creates nothing new",
        path="connectors/myob/connector.py",
        find="return _ref(found) if found else None",
        replace="return None",
        tests=(f"{REPLAY}[myob]",),
    ),
    Mutation(
        name="contract-concurrent-deliveries-not-deduplicated",
        claim="every ERP: a signed webhook delivered several times at once is one event, one "
        "job, one document",
        path="webhooks/services.py",
        find="""    raw = f"{payload['scope']}|{payload['hash']}|{payload.get('created_at', '')}\"""",
        replace="""    raw = f"{payload['scope']}|{payload['hash']}|{__import__('uuid').uuid4()}\"""",
        tests=(
            f"{CONTRACT}/test_duplicate_webhooks.py"
            "::test_a_webhook_delivered_concurrently_makes_one_job_and_one_document[fake_erp]",
        ),
    ),
    Mutation(
        name="contract-myob-missing-sku-names-no-setting",
        claim="MYOB: a missing SKU fails the job naming the SKU and the setting that fixes it",
        path="connectors/myob/mapping.py",
        find="\"MYOB, or choose an 'Income account for SKUs without a MYOB item' in the "
        "connection's \"",
        replace='"MYOB, or change the connection\'s "',
        tests=(
            f"{CONTRACT}/test_missing_sku.py"
            "::test_a_missing_sku_fails_the_job_naming_the_sku_and_the_setting[myob]",
        ),
    ),
    Mutation(
        name="contract-exact-lines-priced-with-tax",
        claim="Exact Online: an invoice's line totals, tax and total equal the order's to the cent",
        path="connectors/exact_online/mapping.py",
        find="unit = line.total_ex_tax / line.quantity if line.quantity else line.unit_price_ex_tax",
        replace="unit = line.unit_price_inc_tax",
        tests=(
            f"{CONTRACT}/test_money.py::test_a_documents_totals_equal_the_orders_to_the_cent"
            "[exact_online]",
        ),
    ),
    Mutation(
        name="contract-exact-check-passes-a-refused-division",
        claim="Exact Online: the check fails once the settings stop matching (a division the "
        "sign-in was not granted)",
        path="connectors/exact_online/connector.py",
        find='return CheckResult(self.label, ok=False, message=f"Exact Online: {exc.message}")',
        replace='return CheckResult(self.label, ok=True, message=f"Exact Online: {exc.message}")',
        tests=(
            f"{CONTRACT}/test_check.py"
            "::test_the_check_passes_then_fails_once_the_credentials_stop_matching[exact_online]",
        ),
    ),
    Mutation(
        name="contract-myob-rate-refusal-read-as-a-failure",
        claim="MYOB: with the rate limit set low the run waits and retries, it does not fail",
        path="connectors/myob/client.py",
        find="system=SYSTEM, is_rate_limited=is_rate_limited, error_message=error_message,",
        replace="system=SYSTEM, error_message=error_message,",
        tests=(
            f"{CONTRACT}/test_rate_budget.py::test_a_low_rate_limit_makes_the_run_wait_not_fail"
            "[myob]",
        ),
    ),
    Mutation(
        name="contract-audit-keeps-headers-as-sent",
        claim="every ERP: no secret value in any ApiCall row of a synced order",
        path="audit/redaction.py",
        find="k: (MASK if is_secret_header(k) else known_secrets.mask(str(v)))",
        replace="k: v",
        tests=(
            f"{CONTRACT}/test_no_secrets.py::test_no_secret_value_reaches_an_api_call_row[myob]",
        ),
    ),
]
