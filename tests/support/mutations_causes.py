"""Failures grouped by cause: each breakage is one claim the causes tests make.

See tests/support/mutations.py for the fields."""

from tests.support.mutation_spec import Mutation

JOB_CAUSES = "tests/causes/test_job_causes.py"
MISSING_SKU = (
    "tests/erp_contract/test_missing_sku.py::"
    "test_a_missing_sku_fails_the_job_naming_the_sku_and_the_setting"
)

PAGE = "tests/causes/test_failures_page.py"
REAL_GROUPS = (
    "tests/erp_contract/test_failure_groups.py::"
    "test_orders_missing_an_item_group_by_sku_and_fix_and_replay_sends_them[myob]"
)

MUTATIONS: list[Mutation] = [
    Mutation(
        name="causes-failed-job-keeps-no-cause",
        claim="a job that fails for good records its cause code and the record at fault",
        path="sync/jobs.py",
        find="job, JobState.FAILED, error=exc.message, cause=cause, subject=exc.subject",
        replace="job, JobState.FAILED, error=exc.message",
        tests=(
            f"{JOB_CAUSES}::test_a_missing_sku_fails_with_its_code_and_sku_and_a_later_success_clears_them",
        ),
    ),
    Mutation(
        name="causes-success-keeps-the-old-cause",
        claim="a later success clears the job's cause and subject",
        path="sync/jobs.py",
        find='        "error_cause": cause, "error_subject": subject,\n',
        replace="",
        tests=(
            f"{JOB_CAUSES}::test_a_missing_sku_fails_with_its_code_and_sku_and_a_later_success_clears_them",
        ),
    ),
    Mutation(
        name="causes-attempt-keeps-no-cause",
        claim="each attempt keeps the cause it failed with, across replays",
        path="sync/jobs.py",
        find="error=error, error_cause=cause,",
        replace="error=error,",
        tests=(
            f"{JOB_CAUSES}::test_a_missing_sku_fails_with_its_code_and_sku_and_a_later_success_clears_them",
        ),
    ),
    Mutation(
        name="causes-gave-up-read-as-refusal",
        claim="a job that gave up after its retries reads 'ERP unavailable', not a refusal",
        path="sync/jobs.py",
        find="            cause=fallback_cause(exc, gave_up=True), subject=exc.subject,",
        replace="            cause=fallback_cause(exc), subject=exc.subject,",
        tests=(f"{JOB_CAUSES}::test_a_job_that_gives_up_after_its_retries_reads_erp_unavailable",),
    ),
    Mutation(
        name="causes-reconnect-read-as-refusal",
        claim="an error without a code gets one by its kind (a dead sign-in reads 'reconnect')",
        path="connectors/causes.py",
        find="    if isinstance(exc, ReconnectRequired):\n        return RECONNECT_REQUIRED\n",
        replace="",
        tests=(f"{JOB_CAUSES}::test_errors_without_a_code_get_one_by_their_kind",),
    ),
    Mutation(
        name="causes-myob-missing-sku-uncoded",
        claim="MYOB's missing SKU fails with the sku_unmapped code and the SKU",
        path="connectors/myob/connector.py",
        find="raise PermanentError(str(exc), cause=exc.cause, subject=exc.subject) from exc",
        replace="raise PermanentError(str(exc)) from exc",
        tests=(f"{MISSING_SKU}[myob]",),
    ),
    Mutation(
        name="causes-syspro-missing-stock-uncoded",
        claim="SYSPRO's missing stock code fails with the sku_unmapped code and the SKU",
        path="connectors/syspro/mapping.py",
        find="MISSING_STOCK.format(sku=sku, code=stock_code(sku)), cause=SKU_UNMAPPED, subject=sku",
        replace="MISSING_STOCK.format(sku=sku, code=stock_code(sku))",
        tests=(f"{MISSING_SKU}[syspro]",),
    ),
    Mutation(
        name="causes-mappings-link-lost",
        claim="an unmapped SKU links to the ERP's mappings page of the connection",
        path="connectors/causes.py",
        find='            if link.url_name.endswith(":mappings") and (',
        replace='            if link.url_name.endswith(":nothing") and (',
        tests=(
            f"{JOB_CAUSES}::test_each_cause_reads_in_plain_words_and_links_the_control_that_fixes_it",
        ),
    ),
    Mutation(
        name="causes-page-shows-every-tenant",
        claim="another tenant's failure groups are never shown",
        path="sync/failures.py",
        find="    return jobs if user.is_superuser else jobs.filter(tenant_id__in=tenant_ids_for(user))",
        replace="    return jobs",
        tests=(f"{PAGE}::test_another_tenants_groups_are_never_shown",),
    ),
    Mutation(
        name="causes-groups-ignore-the-subject",
        claim="failures group by connection, cause and subject (one SKU, one group)",
        path="sync/failures.py",
        find='        .values("connection_id", "error_cause", "error_subject")',
        replace='        .values("connection_id", "error_cause")',
        tests=(f"{PAGE}::test_groups_by_connection_cause_and_subject_counted_in_one_query",),
    ),
    Mutation(
        name="causes-viewer-gets-the-button",
        claim="a viewer sees the groups without a Fix and replay button",
        path="templates/admin/sync/failures.html",
        find="{% if group.can_write %}",
        replace="{% if True %}",
        tests=(f"{PAGE}::test_a_viewer_sees_the_groups_without_buttons_and_cannot_replay",),
    ),
    Mutation(
        name="causes-replay-without-write-role",
        claim="Fix and replay touches only orders in a tenant where the person holds a write role",
        path="sync/failures.py",
        find="    return jobs.filter(tenant_id__in=tenant_ids_for(user, WRITE_ROLES))",
        replace="    return jobs",
        tests=(
            f"{PAGE}::test_a_viewer_sees_the_groups_without_buttons_and_cannot_replay",
            f"{PAGE}::test_a_viewer_here_who_owns_another_tenant_cannot_replay_here",
            f"{PAGE}::test_fix_and_replay_touches_only_the_groups_orders",
        ),
    ),
    Mutation(
        name="causes-replay-takes-the-whole-cause",
        claim="Fix and replay replays only the group's orders (its SKU), not every order of the cause",
        path="sync/failures.py",
        find="        error_cause=code, error_subject=subject,\n",
        replace="        error_cause=code,\n",
        tests=(f"{PAGE}::test_fix_and_replay_touches_only_the_groups_orders",),
    ),
    Mutation(
        name="causes-replay-skips-the-run",
        claim="Fix and replay, once the item exists in the ERP, sends the group's orders",
        path="sync/failures_admin.py",
        find="    run = bulk_replay_start(jobs=jobs, tenant_id=tenant_id, user=request.user)",
        replace="    run = bulk_replay_start(jobs=jobs.none(), tenant_id=tenant_id, user=request.user)",
        tests=(REAL_GROUPS,),
    ),
    Mutation(
        name="causes-api-unscoped",
        claim="/api/v1/failures/ never shows another tenant's groups",
        path="sync/failure_apis.py",
        find="        return job_list(scope=scope)",
        replace="        return SyncJob.objects.all()",
        tests=("tests/api/test_failures.py::test_an_outsider_gets_none_of_another_tenants_groups",),
    ),
    Mutation(
        name="causes-api-viewer-may-replay",
        claim="/api/v1/failures/ tells a viewer the group cannot be replayed by them",
        path="sync/failure_apis.py",
        find="        groups = failure_groups(jobs, can_write=self.scope.can_write)",
        replace="        groups = failure_groups(jobs, can_write=lambda tenant_id: True)",
        tests=(
            "tests/api/test_failures.py::test_a_viewer_reads_the_groups_but_may_not_replay_them",
        ),
    ),
]
