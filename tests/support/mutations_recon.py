"""Reconciliation (reconciliation/, each ERP's sales_documents): each breakage is one claim its
tests make. See tests/support/mutations.py for the fields."""

from tests.support.mutation_spec import Mutation

RUN = ("tests/reconciliation/test_run.py",)
ADMIN = "tests/reconciliation/test_admin.py"
MATCHING = ("tests/reconciliation/test_matching.py",)
CONTRACT = "tests/erp_contract/test_sales_documents.py"

MUTATIONS: list[Mutation] = [
    Mutation(
        name="recon-a-cent-is-a-difference",
        claim="totals a cent apart match; more than a cent is a finding",
        path="reconciliation/matching.py",
        find="abs(document.total - order.total) > CENT",
        replace="abs(document.total - order.total) >= CENT",
        tests=MATCHING,
    ),
    Mutation(
        name="recon-duplicates-unseen",
        claim="an order carried by two ERP documents is found as 'in the ERP twice'",
        path="reconciliation/matching.py",
        find="    if len(documents) > 1:",
        replace="    if len(documents) > 2:",
        tests=RUN,
    ),
    Mutation(
        name="recon-skipped-reported-missing",
        claim="an order whose status the connection does not send is 'not sent', not 'missing'",
        path="reconciliation/matching.py",
        find="        if order.status_id not in synced:",
        replace="        if False:",
        tests=RUN,
    ),
    Mutation(
        name="recon-totals-unchecked",
        claim="a document whose total was changed in the ERP is found",
        path="reconciliation/matching.py",
        find="    if document.total is not None and abs(",
        replace="    if False and abs(",
        tests=RUN,
    ),
    Mutation(
        name="recon-backfill-stops-at-unchanged",
        claim="backfilling an order whose document was deleted creates the document again",
        path="reconciliation/services.py",
        find="    known = _order_job(connection, finding.order_id)\n",
        replace="    known = None\n",
        tests=RUN,
    ),
    Mutation(
        name="recon-connector-error-crashes-the-run",
        claim="a malformed store answer stops the run with the vendor's plain message",
        path="reconciliation/services.py",
        find="    except ConnectorError as exc:\n        _stop(run, exc.message)",
        replace="    except ZeroDivisionError as exc:\n        _stop(run, exc.message)",
        tests=("tests/reconciliation/test_answers.py",),
    ),
    Mutation(
        name="recon-no-size-guard",
        claim="a store list longer than a run keeps stops the run instead of filling memory",
        path="reconciliation/services.py",
        find="    if count > MAX_ROWS:",
        replace="    if count > MAX_ROWS * 1000:",
        tests=(
            "tests/reconciliation/test_answers.py::test_a_list_longer_than_a_run_keeps_stops_it",
        ),
    ),
    Mutation(
        name="recon-erp-in-live-lane",
        claim="the ERP side is read in the backfill lane of our budget",
        path="reconciliation/services.py",
        find="        return connector_class(connection, lane=Lane.BACKFILL)",
        replace="        return connector_class(connection)",
        tests=(f"{CONTRACT}::test_the_erp_lists_the_documents_the_pipeline_created[myob]",),
    ),
    Mutation(
        name="recon-nightly-every-connection",
        claim="the nightly run covers active connections only",
        path="reconciliation/services.py",
        find="Connection.objects.filter(status=ConnectionStatus.ACTIVE)",
        replace="Connection.objects.all()",
        tests=(
            "tests/reconciliation/test_worker_run.py::test_the_nightly_task_reconciles_yesterday_for_active_connections",
        ),
    ),
    Mutation(
        name="recon-viewer-acts-on-finding",
        claim="only a write role in the run's tenant may backfill or replay a finding",
        path="reconciliation/admin.py",
        find="        run = self._run(request, pk, write=True)\n        chosen =",
        replace="        run = self._run(request, pk, write=False)\n        chosen =",
        tests=(f"{ADMIN}::test_a_viewer_reads_but_cannot_act_even_as_owner_elsewhere",),
    ),
    Mutation(
        name="recon-viewer-backfills-all",
        claim="only a write role in the run's tenant may backfill all missing orders",
        path="reconciliation/admin.py",
        find="        run = self._run(request, pk, write=True)\n        bulk =",
        replace="        run = self._run(request, pk, write=False)\n        bulk =",
        tests=(f"{ADMIN}::test_a_viewer_reads_but_cannot_act_even_as_owner_elsewhere",),
    ),
    Mutation(
        name="recon-finding-of-another-run",
        claim="a fix acts only on a finding of the run (and tenant) it is posted to",
        path="reconciliation/admin.py",
        find="run.findings.filter(pk=chosen).first()",
        replace="run.findings.model.objects.filter(pk=chosen).first()",
        tests=(f"{ADMIN}::test_a_fix_acts_only_on_a_finding_of_the_run_it_is_posted_to",),
    ),
    Mutation(
        name="recon-start-any-connection",
        claim="a reconciliation is started only for a connection the person may write",
        path="reconciliation/admin.py",
        find='        self.fields["connection"].queryset = scope_related_queryset(\n            Connection.objects.order_by("name"), user\n        )',
        replace='        self.fields["connection"].queryset = Connection.objects.order_by("name")',
        tests=(f"{ADMIN}::test_start_offers_only_connections_the_user_may_write",),
    ),
    Mutation(
        name="recon-csv-formula",
        claim="a CSV cell never starts a spreadsheet formula",
        path="reconciliation/export.py",
        find="""    return "'" + text if text[:1] in ("=", "+", "-", "@") and not _number(text) else text""",
        replace="    return text",
        tests=(f"{ADMIN}::test_the_csv_lists_every_finding_and_defuses_formulas",),
    ),
    Mutation(
        name="recon-myob-no-date-filter",
        claim="MYOB's listing keeps to the period's dates",
        path="connectors/myob/connector.py",
        find="""        text = f"Date ge datetime'{start}' and Date lt datetime'{end}'\"""",
        replace='        text = ""',
        tests=(f"{CONTRACT}::test_documents_dated_outside_the_period_are_not_listed[myob]",),
    ),
    Mutation(
        name="recon-bc-wrong-reference",
        claim="Business Central's listing reads the order reference where the connector writes it",
        path="connectors/business_central/documents.py",
        find="""                found = [_summary(row, field, "invoiceDate") for row in page]""",
        replace="""                found = [_summary(row, "number", "invoiceDate") for row in page]""",
        tests=(
            f"{CONTRACT}::test_the_erp_lists_the_documents_the_pipeline_created[business_central]",
        ),
    ),
]

BROWSER = "tests/reconciliation/test_report_browser.py::test_the_report_reads_well_works_and_prints"
MUTATIONS += [
    Mutation(
        name="recon-phone-finding-cell-split",
        claim="on a phone a finding's words stay one value, not columns of words",
        path="templates/admin/reconciliation/report.html",
        find='<td data-label="Finding"><span><strong>',
        replace='<td data-label="Finding"><strong></strong><span><strong>',
        tests=(BROWSER,),
    ),
    Mutation(
        name="recon-print-keeps-sidebar",
        claim="the report prints without the admin's sidebar and top bar",
        path="static/ml-connector/reconciliation.css",
        find="  #page > :not(#main), #main > :first-child:has(#header-inner), .recon-noprint",
        replace="  .recon-noprint",
        tests=(BROWSER,),
    ),
]
