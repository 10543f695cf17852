from django import forms

from connectors.config import ErpConfigForm, https_url_field


class SysproConfig(ErpConfigForm):
    summary = (
        "SYSPRO 8 with the e.net Communications Load Balancer (WCF) service and its REST "
        "binding published over HTTPS; an operator licensed for Sales Orders."
    )
    secret_fields = ("operator_password", "company_password")

    server_url = https_url_field(
        label="e.net REST service URL",
        help_text="The REST address of the SYSPRO WCF service, e.g. "
        "https://syspro.example.com:40001/SYSPROWCFService/Rest (ask your SYSPRO partner).",
    )
    operator = forms.CharField(
        label="Operator",
        max_length=20,
        help_text="A SYSPRO operator reserved for ml-connector: SYSPRO allows one session per "
        "operator, so a person signing in with it would end ours.",
    )
    operator_password = forms.CharField(
        label="Operator password", required=False, max_length=100, help_text="Stored encrypted."
    )
    company_id = forms.CharField(
        label="Company ID", max_length=10, help_text="The company code, e.g. EDU1."
    )
    company_password = forms.CharField(
        label="Company password",
        required=False,
        max_length=100,
        help_text="Only if the company has a password. Stored encrypted.",
    )
    warehouse = forms.CharField(
        label="Default warehouse",
        max_length=10,
        initial="WH01",
        help_text="Warehouse that sales order lines ship from.",
    )
