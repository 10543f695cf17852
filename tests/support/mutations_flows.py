"""Flows as data: the flow table decides what a webhook, a stream's poll and a run do; records
changed in an ERP reach the store as jobs, our own echo never does.

See tests/support/mutations.py for the fields."""

from tests.support.mutation_spec import Mutation

FLOWS_TEST = "tests/pipeline/test_flows.py"
CUSTOMER_SYNC = "tests/myob/test_customer_sync.py"
MYOB_E2E = "tests/myob/test_end_to_end.py"
JOBS_TEST = "tests/pipeline/test_jobs.py"

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
        find='"Poll ERP item changes",\n        "sync.tasks.poll_erp_stream_all",',
        replace='"Poll ERP item changes",\n        "connectors.tasks.poll_erp_stream_all",',
        tests=(
            "tests/test_platform_queues.py::test_every_periodic_task_names_a_task_the_worker_knows",
        ),
    ),
]
