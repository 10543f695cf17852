from django import forms

from connectors.config import ErpConfigForm

TAX_INCLUSIVE_CHOICES = [
    ("order", "As the store priced the order"),
    ("inclusive", "Always tax inclusive"),
    ("exclusive", "Always tax exclusive"),
]
INVOICE_NUMBER_CHOICES = [
    ("myob", "MYOB's next invoice number"),
    ("order", "The BigCommerce order number (with the prefix below)"),
]
# The mapping settings: each names a record in the company file. The 'MYOB mappings' page lists
# the real values; here they are checked against the file when it is connected.
MAPPING_FIELDS = (
    "tax_code_taxable", "tax_code_non_taxable", "freight_tax_code", "unmapped_sku_account",
    "category", "freight_item",
)  # fmt: skip


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
    tax_code_taxable = forms.CharField(
        label="Tax code for taxable lines",
        required=False,
        max_length=3,
        initial="GST",
        help_text="A MYOB tax code, e.g. GST. Also the customer card's tax code.",
    )
    tax_code_non_taxable = forms.CharField(
        label="Tax code for non-taxable lines",
        required=False,
        max_length=3,
        initial="FRE",
        help_text="For lines (and shipping) BigCommerce charged no tax on, e.g. FRE.",
    )
    freight_tax_code = forms.CharField(
        label="Freight tax code",
        required=False,
        max_length=3,
        initial="GST",
        help_text="For taxed shipping; also the customer card's freight tax code.",
    )
    unmapped_sku_account = forms.CharField(
        label="Income account for SKUs without a MYOB item",
        required=False,
        max_length=15,
        help_text="An account number such as 4-1000: an order with a SKU that is not a MYOB item "
        "becomes a service invoice on this account. Leave blank to fail such orders instead.",
    )
    category = forms.CharField(
        label="Sale category",
        required=False,
        max_length=15,
        help_text="Only for company files that track categories: the category ID for web sales.",
    )
    tax_inclusive = forms.ChoiceField(
        label="Invoice prices",
        required=False,
        choices=TAX_INCLUSIVE_CHOICES,
        initial="order",
    )
    invoice_number = forms.ChoiceField(
        label="Invoice numbers",
        required=False,
        choices=INVOICE_NUMBER_CHOICES,
        initial="myob",
    )
    invoice_number_prefix = forms.CharField(
        label="Invoice number prefix",
        required=False,
        max_length=5,
        help_text="With BigCommerce order numbers, e.g. 'W' gives W1001. MYOB allows 13 characters.",
    )
    freight_item = forms.CharField(
        label="Item for a freight line",
        required=False,
        max_length=30,
        help_text="For company files whose invoice layout has no freight field: the item number "
        "shipping is posted on. Leave blank to use the invoice's freight field.",
    )

    def clean(self):
        from connectors.myob.setup import is_connected, mapping_problems

        cleaned = super().clean()
        if self.connection is None or self.errors:
            return cleaned
        stored = self.connection.erp_settings or {}
        changed = {
            k: cleaned.get(k)
            for k in MAPPING_FIELDS
            if (cleaned.get(k) or "") != (stored.get(k) or "")
        }
        # Before 'Connect MYOB' there is no file to check against; posting checks them anyway.
        same_file = stored.get("business_id") == cleaned.get("business_id")
        if changed and same_file and is_connected(self.connection):
            for field, message in mapping_problems(self.connection, changed).items():
                self.add_error(field, message)
        return cleaned
