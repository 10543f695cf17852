from django import forms

from connectors.config import ErpConfigForm

EXACT_HOSTS = [
    ("nl", "Netherlands — start.exactonline.nl"),
    ("be", "Belgium — start.exactonline.be"),
    ("de", "Germany — start.exactonline.de"),
    ("fr", "France — start.exactonline.fr"),
    ("es", "Spain — start.exactonline.es"),
    ("co.uk", "United Kingdom — start.exactonline.co.uk"),
    ("com", "United States — start.exactonline.com"),
]


class ExactOnlineConfig(ErpConfigForm):
    summary = (
        "Pick the country your Exact Online account lives in, save, then approve access with "
        "'Connect Exact Online' and choose the division (administration)."
    )

    country = forms.ChoiceField(
        label="Exact Online country",
        choices=EXACT_HOSTS,
        initial="nl",
        help_text="The address you sign in at, e.g. start.exactonline.nl. A wrong country holds "
        "none of your data.",
    )
    division = forms.IntegerField(
        label="Division",
        required=False,
        min_value=1,
        help_text="Chosen after 'Connect Exact Online'. In Exact it is the number shown under "
        "the administration name (top left → switch administration).",
    )

    # The mapping settings: each names a record in the division. The 'Exact Online mappings'
    # page lists the real values; here they are checked against the division once connected.
    journal = forms.CharField(
        label="Sales journal", required=False, max_length=10, initial="70",
        help_text="The code of a sales journal (type 20) in the division, e.g. 70.",
    )  # fmt: skip
    gl_revenue = forms.CharField(
        label="Revenue GL account", required=False, max_length=20,
        help_text="The GL account code for product lines; blank: each item's own revenue account.",
    )  # fmt: skip
    vat_taxable = forms.CharField(
        label="VAT code for taxed lines", required=False, max_length=10, initial="2"
    )
    vat_non_taxable = forms.CharField(
        label="VAT code for untaxed lines", required=False, max_length=10, initial="0"
    )
    vat_shipping = forms.CharField(
        label="VAT code for shipping", required=False, max_length=10, initial="2"
    )
    shipping_item = forms.CharField(
        label="Item for the shipping line", required=False, max_length=30, initial="SHIPPING",
        help_text="The item code shipping is posted on.",
    )  # fmt: skip
    shipping_gl = forms.CharField(
        label="GL account for shipping", required=False, max_length=20,
        help_text="Blank: the shipping item's own revenue account.",
    )  # fmt: skip
    cost_center = forms.CharField(label="Default cost centre", required=False, max_length=20)
    cost_center_rules = forms.CharField(
        label="Cost centre rules", required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One a line, first match wins: 'country=GB -> UK', 'currency=USD -> US', "
        "'channel=2 -> WHOLESALE'.",
    )  # fmt: skip
    unmapped_sku_item = forms.CharField(
        label="Item for SKUs Exact does not have", required=False, max_length=30,
        help_text="Blank: such an order fails and names the SKU.",
    )  # fmt: skip

    def clean_cost_center_rules(self):
        from connectors.exact_online.mapping import rules_parse

        text = self.cleaned_data.get("cost_center_rules") or ""
        try:
            rules_parse(text)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return text

    def clean(self):
        from connectors.exact_online.setup import FIELD_CHOICES, is_connected, mapping_problems

        cleaned = super().clean()
        if self.connection is None or self.errors:
            return cleaned
        stored = self.connection.erp_settings or {}
        names = (*FIELD_CHOICES, "cost_center_rules")
        changed = {
            k: cleaned.get(k) for k in names if (cleaned.get(k) or "") != (stored.get(k) or "")
        }
        # Before 'Connect Exact Online' there is no division to check against.
        same_division = stored.get("division") == cleaned.get("division")
        if changed and same_division and is_connected(self.connection):
            for field, message in mapping_problems(self.connection, changed).items():
                self.add_error(None if field == "__all__" else field, message)
        return cleaned
