import uuid

from django import forms

from connectors.business_central.mapping import SALES_INVOICE, SALES_ORDER
from connectors.config import ErpConfigForm

DOCUMENTS = [
    (SALES_INVOICE, "Sales invoice, posted"),
    (SALES_ORDER, "Sales order (to ship and invoice in Business Central)"),
]
DOCUMENT_HELP = (
    "A posted sales invoice for each order (Microsoft.NAV.post), or a sales order that is "
    "shipped and invoiced in Business Central."
)
TAX_CHECK_HELP = (
    "Business Central computes tax from the customer's tax area: when its total with tax differs "
    "from the store's by more than a cent, the order's job says so (the document stays)."
)
TAX_CHECKS = [
    ("warn", "Warn when the total differs by more than a cent"),
    ("off", "Off"),
]


class BusinessCentralConfig(ErpConfigForm):
    summary = (
        "Register an app in Microsoft Entra ID with the API.ReadWrite.All application "
        "permission, grant admin consent, and add it on Business Central's 'Microsoft Entra "
        "Applications' page with State = Enabled."
    )
    secret_fields = ("client_secret",)

    tenant_id = forms.UUIDField(
        label="Entra tenant ID",
        help_text="Azure portal → Microsoft Entra ID → Overview → Tenant ID.",
    )
    environment = forms.RegexField(
        label="Environment name",
        regex=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,29}$",
        initial="Production",
        help_text="Business Central admin center → Environments, e.g. Production or Sandbox.",
    )
    company_id = forms.UUIDField(
        label="Company ID",
        required=False,
        help_text="Picked on the connection's 'Company' page once these settings are saved.",
    )
    client_id = forms.UUIDField(
        label="Application (client) ID",
        help_text="Azure portal → App registrations → your app → Application (client) ID.",
    )
    client_secret = forms.CharField(
        label="Client secret",
        max_length=200,
        help_text="App registration → Certificates & secrets → the secret's Value (not its ID). "
        "Stored encrypted.",
    )

    # How orders are posted: also on the 'Business Central documents' page, with pickers.
    document = forms.ChoiceField(
        label="Document for each order", choices=DOCUMENTS, initial=SALES_INVOICE, required=False,
        help_text=DOCUMENT_HELP,
    )  # fmt: skip
    shipping_account = forms.CharField(
        label="G/L account for shipping", max_length=20, required=False,
        help_text="The G/L account No. the shipping line is posted to (Chart of Accounts).",
    )  # fmt: skip
    customer_template = forms.CharField(
        label="Customer template", max_length=20, required=False,
        help_text="A customer No. whose tax area, tax liability, payment terms and currency new "
        "customers copy. Blank: Business Central's defaults.",
    )  # fmt: skip
    tax_check = forms.ChoiceField(
        label="Tax check", choices=TAX_CHECKS, initial="warn", required=False,
        help_text=TAX_CHECK_HELP,
    )  # fmt: skip
    refund_account = forms.CharField(
        label="Refund account", required=False, max_length=20,
        help_text="The G/L account number each store refund is credited to on a posted sales "
        "credit memo (Chart of Accounts, e.g. sales returns). Blank: refunds are not posted.",
    )  # fmt: skip

    def clean(self):
        data = super().clean()
        for name in ("document", "tax_check"):  # blank (an API client left it out): the default
            data[name] = data.get(name) or self.fields[name].initial
        # JSON-friendly: UUIDs are stored as strings.
        for name in ("tenant_id", "company_id", "client_id"):
            if isinstance(data.get(name), uuid.UUID):
                data[name] = str(data[name])
        return data
