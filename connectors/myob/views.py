"""'Connect MYOB': the sign-in, the company file and its user, and the mapping settings, as the
shared set-up pages configured for MYOB."""

from django import forms

from connectors.config import picker_field
from connectors.errors import PermanentError
from connectors.myob import setup
from connectors.myob.config import INVOICE_NUMBER_CHOICES, TAX_INCLUSIVE_CHOICES
from connectors.myob.mapping import MappingSettings
from connectors.oauth_views import Picker, SetupPages


class CompanyFileForm(forms.Form):
    username = forms.CharField(
        label="Company file user name", required=False, max_length=100,
        help_text="Leave blank if the company file uses your my.MYOB login.",
    )  # fmt: skip
    password = forms.CharField(
        label="Company file password", required=False, max_length=200,
        widget=forms.PasswordInput(render_value=False),
        help_text="Stored encrypted. Leave blank to keep the stored password.",
    )  # fmt: skip


def company_file_form(connection, data=None) -> forms.Form:
    stored = connection.erp_settings or {}
    return CompanyFileForm(data, initial={"username": stored.get("company_file_username", "")})


def company_file_save(connection, values: dict):
    return setup.company_file_credentials_save(
        connection, username=values["username"], password=values["password"]
    )


def company_file_context(connection) -> dict:
    stored = connection.erp_settings or {}
    return {"business_id": stored.get("business_id", ""), "business_name": stored.get("business_name", "")}  # fmt: skip


def chosen_on_consent(query) -> dict:
    """The company file the person picked on MYOB's page comes back with the code."""
    if not query.get("businessId"):
        raise PermanentError("MYOB did not say which company file was chosen: connect again.")
    return {"business_id": query["businessId"], "business_name": query.get("businessName", "")}


def mapping_fields(choices: dict) -> dict:
    return {
        "tax_code_taxable": picker_field("Tax code for taxable lines", choices["tax_codes"]),
        "tax_code_non_taxable": picker_field("Tax code for non-taxable lines", choices["tax_codes"]),
        "freight_tax_code": picker_field("Freight tax code", choices["tax_codes"]),
        "unmapped_sku_account": picker_field(
            "Income account for SKUs without a MYOB item", choices["accounts"], False,
            "Fail the order (no income account)",
        ),
        "category": picker_field("Sale category", choices["categories"], bool(choices["categories"])),
        "tax_inclusive": forms.ChoiceField(label="Invoice prices", choices=TAX_INCLUSIVE_CHOICES),
        "invoice_number": forms.ChoiceField(label="Invoice numbers", choices=INVOICE_NUMBER_CHOICES),
        "invoice_number_prefix": forms.CharField(label="Invoice number prefix", max_length=5, required=False),
        "freight_item": picker_field("Item for a freight line", choices["items"], False, "Use the invoice's freight field"),
    }  # fmt: skip


COMPANY_FILE = Picker(
    slug="company-file", title="MYOB company file", template="connectors_myob/company_file.html",
    button_id="confirm-company-file", button_label="Confirm and test",
    form=company_file_form, save=company_file_save, context=company_file_context,
)  # fmt: skip

PAGES = SetupPages(
    kind="myob",
    label="MYOB",
    books="company file",
    setup=setup,
    picker=COMPANY_FILE,
    mapping_fields=mapping_fields,
    mapping_settings=MappingSettings,
    chosen_on_consent=chosen_on_consent,
)
