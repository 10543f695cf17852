from django import forms

from connectors.config import ErpConfigForm, https_url_field


class AcumaticaConfig(ErpConfigForm):
    summary = (
        "Register a connected application in Acumatica (System → Integration → Connected "
        "Applications, SM303010) with the Resource Owner Password flow and a shared secret, and "
        "create an API user for ml-connector."
    )
    secret_fields = ("client_secret", "password")

    instance_url = https_url_field(
        label="Instance URL",
        help_text="The address you open Acumatica at, including the instance name if there is "
        "one, e.g. https://mycompany.acumatica.com or https://erp.example.com/AcumaticaERP.",
    )
    endpoint_version = forms.RegexField(
        label="Endpoint version",
        regex=r"^\d{2}\.\d{3}\.\d{3}$",
        initial="24.200.001",
        help_text="The Default endpoint version to use (System → Integration → Web Service "
        "Endpoints, SM207060), e.g. 24.200.001.",
    )
    tenant = forms.CharField(
        label="Tenant (company login name)",
        max_length=100,
        help_text="The tenant shown on the Acumatica sign-in page; the client ID ends in "
        "@{tenant}.",
    )
    branch = forms.CharField(
        label="Branch",
        required=False,
        max_length=30,
        help_text="Branch ID documents are created in (Organization → Branches). Blank uses "
        "the API user's default branch.",
    )
    client_id = forms.CharField(
        label="Client ID",
        max_length=200,
        help_text="From the connected application (SM303010), e.g. 0B4D…C30F6@MyTenant.",
    )
    client_secret = forms.CharField(
        label="Client secret",
        max_length=200,
        help_text="Shared secret added on the connected application's Secrets tab. Stored "
        "encrypted.",
    )
    username = forms.CharField(
        label="API user name",
        max_length=100,
        help_text="A dedicated Acumatica user for ml-connector (Users, SM201010).",
    )
    password = forms.CharField(
        label="API user password",
        max_length=200,
        help_text="That user's password. Stored encrypted.",
    )
