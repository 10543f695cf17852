"""'Connect Acumatica': the sign-in, the endpoint version (from those the instance serves), and
the document settings, as the shared set-up pages configured for Acumatica."""

from django import forms

from connectors.acumatica import setup
from connectors.acumatica.client import instance_url
from connectors.acumatica.config import DOCUMENTS
from connectors.acumatica.mapping import MappingSettings
from connectors.acumatica.versions import served_versions
from connectors.oauth_connect import erp_settings_merge
from connectors.oauth_views import Picker, SetupPages


def version_form(connection, data=None) -> forms.Form:
    """The Default endpoint versions the instance serves; the check then signs in on it."""
    served = served_versions(instance_url(connection), connection)
    stored = (connection.erp_settings or {}).get("endpoint_version")
    field = forms.ChoiceField(
        label="Endpoint version", choices=[(v, f"Default/{v}") for v in served]
    )
    form_class = type("VersionForm", (forms.Form,), {"endpoint_version": field})
    return form_class(
        data,
        initial={"endpoint_version": stored if stored in served else served[0] if served else None},
    )


def version_save(connection, values: dict):
    return erp_settings_merge(connection, {"endpoint_version": values["endpoint_version"]})


def mapping_fields(choices: dict) -> dict:
    return {
        "document": forms.ChoiceField(label="Document for each order", choices=DOCUMENTS),
        "order_type": forms.CharField(label="Order type", max_length=2),
        "customer_class": forms.CharField(label="Customer class for new customers", required=False, max_length=10),
        "warehouse": forms.CharField(label="Warehouse", required=False, max_length=30),
        "tax_id": forms.CharField(label="Tax ID for the store's tax", required=False, max_length=30),
    }  # fmt: skip


VERSION = Picker(
    slug="version", title="Acumatica endpoint version",
    template="connectors_acumatica/version.html", button_id="save-version",
    button_label="Use this version", form=version_form, save=version_save,
    unreadable="The instance's endpoint versions could not be read",
)  # fmt: skip

PAGES = SetupPages(
    kind="acumatica",
    label="Acumatica",
    books="instance",
    setup=setup,
    picker=VERSION,
    mapping_fields=mapping_fields,
    mapping_settings=MappingSettings,
)
