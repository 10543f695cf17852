"""SYSPRO's settings form in the admin, as a person uses it in a browser: each breakage is one
claim tests/syspro/test_settings_browser.py makes.

See tests/support/mutations.py for the fields."""

from tests.support.mutation_spec import Mutation

BROWSER = ("tests/syspro/test_settings_browser.py::test_the_settings_form_then_test_connection",)

MUTATIONS: list[Mutation] = [
    Mutation(
        name="admin-yes-no-setting-as-text",
        claim="a yes/no ERP setting is a switch in the admin, not a text box reading 'False'",
        path="tenants/forms.py",
        find="        field.widget = UnfoldBooleanSwitchWidget()",
        replace="        field.widget = UnfoldAdminTextInputWidget()",
        tests=BROWSER,
    ),
    Mutation(
        name="admin-statuses-as-a-text-box",
        claim="the order statuses to sync are ticks with their names, not ids typed in a box",
        path="tenants/forms.py",
        find="        widget=UnfoldAdminCheckboxSelectMultipleWidget,\n",
        replace="        widget=forms.Textarea,\n",
        tests=BROWSER,
    ),
    Mutation(
        name="admin-long-address-widens-phone-form",
        claim="a long address in a help text or read-only value wraps on a phone",
        path="static/ml-connector/admin.css",
        find="fieldset .leading-relaxed, fieldset .readonly, fieldset a { overflow-wrap: anywhere; }",
        replace="",
        tests=BROWSER,
    ),
]
