"""What the Acumatica connector sends holds to the official OpenAPI file; a stored push
notification whose hand-over was lost is swept to its push; the push notifications page fits a
phone and numbers its steps; a run waits for the ERP's budget before it reads the store.

See tests/support/mutations.py for the fields."""

from tests.support.mutation_spec import Mutation

TRAFFIC = "tests/acumatica/test_connector_spec.py"
BROWSER = "tests/acumatica/test_setup_pages_browser.py"

MUTATIONS: list[Mutation] = [
    Mutation(
        name="acumatica-date-not-date-time",
        claim="the connector's documents carry their date as the contract's date-time",
        path="connectors/acumatica/mapping.py",
        find='    return f"{order.created_at.date().isoformat()}T00:00:00+00:00"\n',
        replace="    return order.created_at.date().isoformat()\n",
        tests=(f"{TRAFFIC}::test_what_the_connector_sends_and_gets_matches_the_official_file",),
    ),
    Mutation(
        name="acumatica-lost-notification-not-swept",
        claim="a stored push notification whose hand-over was lost is handed over by the sweep",
        path="connectors/acumatica/push.py",
        find="        _hand_over(notification_id)\n    return len(stale)",
        replace="        pass\n    return len(stale)",
        tests=("tests/acumatica/test_push_sweep.py",),
    ),
    Mutation(
        name="acumatica-push-address-overflows",
        claim="the push notifications page fits a phone's width",
        path="connectors/acumatica/templates/connectors_acumatica/push_notifications.html",
        find='<code id="push-address" class="break-all">',
        replace='<code id="push-address">',
        tests=(f"{BROWSER}::test_the_push_notifications_page_shows_what_to_paste_into_acumatica",),
    ),
    Mutation(
        name="admin-css-list-unnumbered",
        claim="the push notifications page numbers its set-up steps",
        path="static/ml-connector/admin.css",
        find=".list-decimal { list-style-type: decimal; }",
        replace="",
        tests=(f"{BROWSER}::test_the_push_notifications_page_shows_what_to_paste_into_acumatica",),
    ),
    Mutation(
        name="store-read-before-erp-budget",
        claim="a run waiting for the ERP's budget reads nothing from the store",
        path="sync/order_sync.py",
        find="    erp.slot_reserve()  # no store read while the ERP has no room for the run\n",
        replace="",
        tests=("tests/erp_contract/test_budget_first.py",),
    ),
    Mutation(
        name="reserved-slot-taken-twice",
        claim="the slot a run reserves serves its first ERP call (not one slot more per run)",
        path="connectors/http.py",
        find="        if self._prepaid:\n",
        replace="        if False:\n",
        tests=("tests/connectors/test_slot_reserve.py",),
    ),
]
