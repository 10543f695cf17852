"""The guided set-up of a connection (issue 19, part 6): the order-status ticks and their safe
defaults, the document previews, the set-up page and its dry-run, the unavailable ERP kinds.
Each breakage is one claim a test makes.

See tests/support/mutations.py for the fields."""

from tests.support.mutation_spec import Mutation

ONBOARDING = "tests/test_admin_onboarding.py"

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
]
