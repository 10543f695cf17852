from django import forms

from connectors.config import ErpConfigForm


class MyobConfig(ErpConfigForm):
    summary = (
        "Sign in to MYOB with 'Connect MYOB' after saving; have the company file's user name and "
        "password ready if the file is not linked to your my.MYOB login."
    )
    secret_fields = ("company_file_password",)

    business_id = forms.CharField(
        label="Company file (business) ID",
        required=False,
        max_length=64,
        help_text="Filled in when you approve access with 'Connect MYOB'. In MYOB it is the GUID "
        "in the browser address bar while the company file is open.",
    )
    company_file_username = forms.CharField(
        label="Company file user name",
        required=False,
        max_length=100,
        help_text="The user you sign in to the company file with (Setup → User Access in "
        "AccountRight). Leave blank if the file uses your my.MYOB login.",
    )
    company_file_password = forms.CharField(
        label="Company file password",
        required=False,
        max_length=200,
        help_text="That user's password. Stored encrypted; leave blank to keep the stored one.",
    )
