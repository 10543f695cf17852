"""The guided set-up of a connection (issue 19, part 6): the order-status ticks and their safe
defaults, the document previews, the set-up page and its dry-run, the unavailable ERP kinds.
Each breakage is one claim a test makes.

See tests/support/mutations.py for the fields."""

from tests.support.mutation_spec import Mutation

ONBOARDING = "tests/test_admin_onboarding.py"
PREVIEW = (
    "tests/erp_contract/test_document_preview.py::test_the_preview_is_the_document_the_create_sends"
)
AVAILABILITY = "tests/test_erp_availability.py"
WALK = "tests/erp_contract/test_setup_walk.py::test_the_set_up_steps_from_fresh_to_active"
GUIDE = "tests/test_setup_guide.py"
BROWSER = "tests/test_setup_browser.py::test_walking_the_set_up_steps"

MUTATIONS: list[Mutation] = [
    Mutation(
        name="setup-refunded-ticked-by-default",
        claim="a new connection starts with Refunded orders unticked",
        path="tenants/models.py",
        find="    return [1, 2, 3, 7, 8, 9, 10, 11, 12, 13, 14]",
        replace="    return [1, 2, 3, 4, 7, 8, 9, 10, 11, 12, 13, 14]",
        tests=(f"{ONBOARDING}::test_a_new_connection_starts_with_the_safe_status_ticks",),
    ),
    Mutation(
        name="setup-no-status-ticked-accepted",
        claim="a connection with no order status ticked is refused with a plain error",
        path="tenants/forms.py",
        find="""    return forms.TypedMultipleChoiceField(
        label="Order statuses to sync",""",
        replace="""    return forms.TypedMultipleChoiceField(
        required=False,
        label="Order statuses to sync",""",
        tests=(f"{ONBOARDING}::test_invalid_input_gives_a_clear_field_error_and_creates_nothing",),
    ),
    Mutation(
        name="setup-preview-calls-the-erp",
        claim="a document preview makes no call to the ERP",
        path="connectors/business_central/connector.py",
        find="        return preview.document_preview(order, self.settings)",
        replace="        self._items(order)\n        return preview.document_preview(order, self.settings)",
        tests=(f"{PREVIEW}[business_central]",),
    ),
    Mutation(
        name="setup-preview-drops-myob-freight",
        claim="MYOB's preview has the invoice's freight, so its total is the invoice's",
        path="connectors/myob/preview.py",
        find='    if "Freight" in body:',
        replace="    if False:",
        tests=(f"{PREVIEW}[myob]",),
    ),
    Mutation(
        name="setup-preview-exact-line-without-quantity",
        claim="Exact Online's preview lines are the invoice's lines (quantity times net price)",
        path="connectors/exact_online/preview.py",
        find="                amount=cents(quantity * price),",
        replace="                amount=cents(price),",
        tests=(f"{PREVIEW}[exact_online]",),
    ),
    Mutation(
        name="setup-unavailable-erp-saved",
        claim="a connection to an ERP whose connector is not installed is not saved",
        path="tenants/forms.py",
        find="        if spec is not None and not spec.available:",
        replace="        if False:",
        tests=(
            f"{AVAILABILITY}::test_the_form_refuses_to_save_a_connection_to_an_unavailable_erp",
            "tests/api/test_erp_availability.py",
        ),
    ),
    Mutation(
        name="setup-unavailable-erp-offered-as-a-form",
        claim="an ERP whose connector is not installed is not offered as a form to fill",
        path="templates/admin/tenants/connection/choose_erp.html",
        find="                {% if choice.available %}\n",
        replace="                {% if True %}\n",
        tests=(
            f"{AVAILABILITY}::test_the_activate_button_is_refused_with_the_reason_and_not_offered",
        ),
    ),
    Mutation(
        name="setup-dry-run-calls-the-erp",
        claim="the dry-run reads only the store: no call to the ERP",
        path="tenants/setup_dry_run.py",
        find="        return DryRunOrder(**shown, preview=connector.document_preview(order))",
        replace="        connector.find_sales_document(order)\n"
        "        return DryRunOrder(**shown, preview=connector.document_preview(order))",
        tests=(f"{WALK}[myob]",),
    ),
    Mutation(
        name="setup-dry-run-oldest-orders",
        claim="the dry-run shows the store's newest three orders",
        path="connectors/bigcommerce/store.py",
        find='params = {"sort": "date_created:desc", "page": 1, "limit": count}',
        replace='params = {"sort": "date_created:asc", "page": 1, "limit": count}',
        tests=(f"{WALK}[fake_erp]",),
    ),
    Mutation(
        name="setup-viewer-can-press-the-buttons",
        claim="a viewer's POST to the set-up page is refused",
        path="tenants/setup_view.py",
        find="        if not can_write:",
        replace="        if False:",
        tests=(f"{GUIDE}::test_a_viewer_sees_the_steps_but_no_buttons_and_cannot_post",),
    ),
    Mutation(
        name="setup-page-of-another-tenant",
        claim="another tenant's set-up page is not found",
        path="tenants/setup_view.py",
        find="    connection = model_admin._connection_for(request, pk, write=False)",
        replace="    connection = model_admin.model.objects.get(pk=pk)",
        tests=(f"{GUIDE}::test_another_tenants_set_up_page_is_not_found",),
    ),
    Mutation(
        name="setup-not-shown-after-saving",
        claim="saving a new connection opens its set-up steps",
        path="tenants/admin.py",
        find='        if "_addanother" in request.POST or "_continue" in request.POST:',
        replace="        if True:",
        tests=(f"{GUIDE}::test_saving_a_new_connection_opens_its_set_up_steps",),
    ),
    Mutation(
        name="setup-step-ignores-switched-off-webhooks",
        claim="the store step needs attention when the store switched webhooks off",
        path="tenants/setup_steps.py",
        find="    if inactive:",
        replace="    if False:",
        tests=(f"{GUIDE}::test_problems_say_what_is_wrong",),
    ),
    Mutation(
        name="setup-activate-without-the-backfill",
        claim="'Activate and send orders since' queues the backfill from that date",
        path="tenants/setup_view.py",
        find="            connection=connection, backfill_days=days, user=request.user",
        replace="            connection=connection, backfill_days=0, user=request.user",
        tests=(f"{GUIDE}::test_activate_with_a_backfill_queues_it",),
    ),
    Mutation(
        name="setup-store-step-ignores-the-store-check",
        claim="the store step needs attention when the store cannot be read with its credentials",
        path="tenants/setup_steps.py",
        find='    if checked is not None and not checked["ok"]:\n        detail = " ".join(',
        replace='    if False:\n        detail = " ".join(',
        tests=(
            f"{GUIDE}::test_a_store_that_cannot_be_read_and_an_erp_not_signed_in_need_attention",
        ),
    ),
    Mutation(
        name="setup-dry-run-ignores-the-status-ticks",
        claim="the dry-run says an order in an unticked status would not be sent",
        path="tenants/setup_dry_run.py",
        find="    if order.status_id not in connection.sync_status_ids:",
        replace="    if False:",
        tests=(BROWSER,),
    ),
]
