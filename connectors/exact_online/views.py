"""'Connect Exact Online': the sign-in, the division, and the mapping settings, as the shared
set-up pages configured for Exact Online."""

from django import forms

from connectors.config import picker_field
from connectors.exact_online import setup
from connectors.exact_online.mapping import MappingSettings
from connectors.oauth_views import Picker, SetupPages


def division_form(connection, data=None) -> forms.Form:
    """The divisions the signed-in user may use; the check reads the chosen one (current/Me and
    its sales journals)."""
    choices = setup.division_choices(connection)
    stored = (connection.erp_settings or {}).get("division")
    field = forms.TypedChoiceField(label="Division", choices=choices, coerce=int)
    form_class = type("DivisionForm", (forms.Form,), {"division": field})
    return form_class(data, initial={"division": stored or choices[0][0]})


def division_save(connection, values: dict):
    return setup.division_save(connection, values["division"])


def mapping_fields(choices: dict) -> dict:
    return {
        "journal": picker_field("Sales journal", choices["journals"]),
        "gl_revenue": picker_field("Revenue GL account", choices["gl_accounts"], False, "Each item's own"),
        "vat_taxable": picker_field("VAT code for taxed lines", choices["vat_codes"]),
        "vat_non_taxable": picker_field("VAT code for untaxed lines", choices["vat_codes"]),
        "vat_shipping": picker_field("VAT code for shipping", choices["vat_codes"]),
        "shipping_item": picker_field("Item for the shipping line", choices["items"]),
        "shipping_gl": picker_field("GL account for shipping", choices["gl_accounts"], False, "The item's own"),
        "cost_center": picker_field("Default cost centre", choices["cost_centers"], False, "None"),
        "cost_center_rules": forms.CharField(
            label="Cost centre rules", required=False, widget=forms.Textarea(attrs={"rows": 4}),
            help_text="One a line, first match wins: 'country=GB -> UK', 'currency=USD -> US', "
                      "'channel=2 -> WHOLESALE' (the BigCommerce channel id).",
        ),
        "unmapped_sku_item": picker_field(
            "Item for SKUs Exact does not have", choices["items"], False,
            "Fail the order and name the SKU",
        ),
    }  # fmt: skip


DIVISION = Picker(
    slug="division", title="Exact Online division",
    template="connectors_exact_online/division.html", button_id="save-division",
    button_label="Use this division", form=division_form, save=division_save,
    unreadable="The divisions could not be read",
)  # fmt: skip

PAGES = SetupPages(
    kind="exact_online",
    label="Exact Online",
    books="division",
    setup=setup,
    picker=DIVISION,
    mapping_fields=mapping_fields,
    mapping_settings=MappingSettings,
)
