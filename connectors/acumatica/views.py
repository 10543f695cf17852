"""'Connect Acumatica': the sign-in, the endpoint version (from those the instance serves), and
the document settings, as the shared set-up pages configured for Acumatica."""

from django import forms

from connectors.acumatica import setup
from connectors.acumatica.client import instance_url
from connectors.acumatica.config import DOCUMENTS, AcumaticaConfig
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
    """Typed, with the settings form's help (which Acumatica screen holds each value)."""
    said = AcumaticaConfig.base_fields
    return {
        "document": forms.ChoiceField(label="Document for each order", choices=DOCUMENTS,
                                      help_text=DOCUMENT_HELP),
        "order_type": forms.CharField(label="Order type", max_length=2,
                                      help_text=said["order_type"].help_text),
        "customer_class": forms.CharField(label="Customer class for new customers", required=False,
                                          max_length=10, help_text=said["customer_class"].help_text),
        "warehouse": forms.CharField(label="Warehouse", required=False, max_length=30,
                                     help_text=said["warehouse"].help_text),
        "tax_id": forms.CharField(label="Tax ID for the store's tax", required=False, max_length=30,
                                  help_text=said["tax_id"].help_text),
    }  # fmt: skip


DOCUMENT_HELP = (
    "A sales order to fulfil in Acumatica; or that sales order invoiced at once (an AR invoice "
    "prepared from it and released); or only a released AR invoice, with no sales order."
)


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
    mappings_intro="Type each value as it is in Acumatica: it is checked when the first order is "
    "sent, and a value Acumatica does not know fails that order with its name.",
)
