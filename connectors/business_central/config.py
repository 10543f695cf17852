import uuid

from django import forms

from connectors.config import ErpConfigForm


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
        help_text="Picked after the first successful test; or from the API's companies list.",
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

    def clean(self):
        data = super().clean()
        # JSON-friendly: UUIDs are stored as strings.
        for name in ("tenant_id", "company_id", "client_id"):
            if isinstance(data.get(name), uuid.UUID):
                data[name] = str(data[name])
        return data
