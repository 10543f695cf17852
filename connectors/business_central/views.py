"""The company picker and the document settings, as the shared set-up pages configured for
Business Central (its app signs itself in: there is no 'Connect' page)."""

from django import forms

from connectors.business_central import setup
from connectors.business_central.config import DOCUMENT_HELP, DOCUMENTS, TAX_CHECK_HELP, TAX_CHECKS
from connectors.business_central.mapping import MappingSettings
from connectors.config import picker_field
from connectors.oauth_views import Picker, SetupPages


def company_form(connection, data=None) -> forms.Form:
    choices = setup.company_choices(connection)
    stored = str((connection.erp_settings or {}).get("company_id") or "")
    field = forms.ChoiceField(label="Company", choices=choices)
    form_class = type("CompanyForm", (forms.Form,), {"company_id": field})
    known = {value for value, _ in choices}
    return form_class(
        data,
        initial={"company_id": stored if stored in known else choices[0][0] if choices else None},
    )


def company_save(connection, values: dict):
    return setup.company_save(connection, values["company_id"])


def company_context(connection) -> dict:
    return {"environment": (connection.erp_settings or {}).get("environment", "")}


def mapping_fields(choices: dict) -> dict:
    return {
        "document": forms.ChoiceField(label="Document for each order", choices=DOCUMENTS,
                                      help_text=DOCUMENT_HELP),
        "shipping_account": picker_field(
            "G/L account for shipping", choices["accounts"], False,
            "None: an order that charges shipping fails until one is chosen",
        ),
        "customer_template": forms.CharField(
            label="Customer template", max_length=20, required=False,
            help_text="A customer No. whose tax area, tax liability, payment terms and currency "
            "new customers copy (Customers page). Blank: Business Central's defaults.",
        ),
        "tax_check": forms.ChoiceField(label="Tax check", choices=TAX_CHECKS,
                                       help_text=TAX_CHECK_HELP),
    }  # fmt: skip


COMPANY = Picker(
    slug="company", title="Business Central company",
    template="connectors_business_central/company.html", button_id="save-company",
    button_label="Use this company", form=company_form, save=company_save,
    context=company_context, unreadable="The environment's companies could not be read",
)  # fmt: skip

PAGES = SetupPages(
    kind="business_central",
    label="Business Central",
    books="company",
    setup=setup,
    picker=COMPANY,
    mapping_fields=mapping_fields,
    mapping_settings=MappingSettings,
    mappings_intro="The G/L accounts listed are the company's that take postings now; the "
    "customer template is checked against its customers when you save.",
)
