import socket

from django import forms

from connectors.config import ErpConfigForm, https_url_field

SIGN_INS = [
    ("connect", "Connect Acumatica (a person signs in on the instance's consent page)"),
    ("api_user", "A dedicated API user (its name and password, stored encrypted)"),
]
DOCUMENTS = [
    ("sales_order", "Sales order"),
    ("order_invoice", "Sales order, then AR invoice (prepared from the order and released)"),
    ("invoice", "AR invoice (SalesInvoice) directly, released"),
]


class AcumaticaConfig(ErpConfigForm):
    summary = (
        "Register a connected application in Acumatica (System → Integration → Connected "
        "Applications, SM303010) with a shared secret and either the Authorization Code flow "
        "('Connect Acumatica') or the Resource Owner Password flow with a dedicated API user."
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
        "Endpoints, SM207060), e.g. 24.200.001. Checked against the versions the instance "
        "serves when saved.",
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
    sign_in = forms.ChoiceField(
        label="Sign-in", choices=SIGN_INS, initial="connect", required=False,
        help_text="'Connect Acumatica' needs the Authorization Code flow on the connected "
        "application; an API user needs the Resource Owner Password flow.",
    )  # fmt: skip
    username = forms.CharField(
        label="API user name",
        required=False,
        max_length=100,
        help_text="For the API user sign-in: a dedicated Acumatica user for ml-connector "
        "(Users, SM201010).",
    )
    password = forms.CharField(
        label="API user password",
        required=False,
        max_length=200,
        help_text="That user's password. Stored encrypted.",
    )
    document = forms.ChoiceField(label="Document for each order", choices=DOCUMENTS,
                                 initial="sales_order", required=False)  # fmt: skip
    order_type = forms.CharField(
        label="Order type", max_length=2, initial="SO", required=False,
        help_text="The sales order type (Order Types, SO201000), e.g. SO.",
    )  # fmt: skip
    customer_class = forms.CharField(
        label="Customer class for new customers", required=False, max_length=10,
        help_text="Customer Classes (AR201000). Blank: the instance's default class.",
    )  # fmt: skip
    warehouse = forms.CharField(
        label="Warehouse", required=False, max_length=30,
        help_text="Warehouse ID for order lines. Blank: each item's default warehouse.",
    )  # fmt: skip
    tax_id = forms.CharField(
        label="Tax ID for the store's tax", required=False, max_length=30,
        help_text="The store's tax is posted as given, on this Tax ID (Taxes, TX205000). Blank: "
        "Acumatica computes tax from the customer's tax zone.",
    )  # fmt: skip
    payment_method = forms.CharField(
        label="Payment method", required=False, max_length=10,
        help_text="For payments recorded against the documents (Payment Methods, CA204000).",
    )  # fmt: skip
    cash_account = forms.CharField(
        label="Cash account", required=False, max_length=10,
        help_text="For payments recorded against the documents (Cash Accounts, CA202000).",
    )  # fmt: skip
    requests_per_minute = forms.IntegerField(
        label="Licence: API requests per minute", required=False, min_value=2,
        help_text="Maximum Number of Web Services API Requests per Minute (License Monitoring "
        "Console, SM604000). ml-connector stays under half of it, where Acumatica starts "
        "delaying requests. Blank: 100.",
    )  # fmt: skip
    concurrent_requests = forms.IntegerField(
        label="Licence: concurrent API requests", required=False, min_value=1,
        help_text="Maximum Number of Concurrent Web Services API Requests. Blank: 3.",
    )  # fmt: skip

    def clean(self):
        from connectors.acumatica.versions import served_versions, version_problem
        from connectors.errors import ConnectorError, TransientError, UnsafeDestination

        cleaned = super().clean()
        # Blank (an API client that leaves them out): the defaults the form shows.
        for name in ("sign_in", "document", "order_type"):
            cleaned[name] = cleaned.get(name) or self.fields[name].initial
        if cleaned.get("sign_in") == "api_user":
            for name in ("username", "password"):
                if not cleaned.get(name):
                    self.add_error(name, "Needed for the API user sign-in.")
        url, version = cleaned.get("instance_url"), cleaned.get("endpoint_version")
        if self.errors or not url or not version:
            return cleaned
        # The version is checked against the instance when saved: one it does not serve is
        # refused with the list it serves.
        try:
            served = served_versions(url)
        except (UnsafeDestination, TransientError) as exc:
            if isinstance(exc, TransientError) or isinstance(exc.__cause__, socket.gaierror):
                # Not reachable from here now (a name not yet in DNS, an instance down): saved
                # as a draft; Test connection says what fails until it answers.
                return cleaned
            self.add_error("instance_url", exc.message)
            return cleaned
        except ConnectorError as exc:
            self.add_error(
                "instance_url", f"The instance did not list its endpoints: {exc.message}"
            )
            return cleaned
        if problem := version_problem(version, served):
            self.add_error("endpoint_version", problem)
        return cleaned
