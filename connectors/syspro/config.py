from django import forms

from connectors.config import ErpConfigForm, https_url_field
from connectors.syspro.mapping import (
    BILLING,
    NORMAL,
    PREFIX_LENGTH,
    PRICE_STORE,
    PRICE_SYSPRO,
    SCHEME_NEXT,
    SCHEME_PREFIX,
    tax_rules,
)

ORDER_MODES = [
    (BILLING, "Billing order, invoiced at once"),
    (NORMAL, "Normal order, left for SYSPRO's users to dispatch and invoice"),
]
ORDER_MODE_HELP = (
    "Billing: each order becomes a SYSPRO billing order (status 8, ready to invoice) that "
    "ml-connector invoices at once, so the customer's invoice is in Accounts Receivable and the "
    "invoice number is on the order's job. Normal: the order stays open (status 1) for your team "
    "to dispatch and invoice in SYSPRO."
)
CODE_SCHEMES = [
    (SCHEME_PREFIX, "Prefix + the store's customer number (guests: prefix + G + a code)"),
    (SCHEME_NEXT, "SYSPRO's next customer number"),
]
PRICES = [
    (PRICE_STORE, "The store's prices (before tax)"),
    (PRICE_SYSPRO, "SYSPRO's own prices (its price lists)"),
]


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
    order_mode = forms.ChoiceField(
        label="Orders become", choices=ORDER_MODES, initial=BILLING, required=False,
        help_text=ORDER_MODE_HELP,
    )  # fmt: skip
    product_class = forms.CharField(
        label="Product class for charges", max_length=20, required=False,
        help_text="The SYSPRO product class of handling fees and of discounts that are not on a "
        "product line (they are sent as non-stock charges). Its sales GL account, set in "
        "SYSPRO's GL integration, is where that revenue is posted. Needed only for orders with "
        "such charges.",
    )  # fmt: skip
    tax_codes = forms.CharField(
        label="Tax codes", max_length=200, required=False,
        help_text="Which SYSPRO tax code each of the store's tax rates becomes, as 'rate=code' "
        "separated by commas, e.g. '10=A, 0=E'. A rate not listed (or a blank field) is left to "
        "SYSPRO's default tax code for the stock item or customer.",
    )  # fmt: skip
    customer_code_scheme = forms.ChoiceField(
        label="New customers' codes", choices=CODE_SCHEMES, initial=SCHEME_PREFIX,
        required=False,
        help_text="A shopper not yet in SYSPRO (matched by e-mail) is added with this code. "
        "SYSPRO's next number relies on the company's automatic customer numbering (not "
        "confirmed on every SYSPRO release).",
    )  # fmt: skip
    customer_code_prefix = forms.RegexField(
        label="Customer code prefix", regex=r"^[A-Za-z0-9]*$", max_length=PREFIX_LENGTH,
        initial="BC", required=False,
        help_text="Letters or digits, up to 5: customer 123 of the store becomes BC123. Choose "
        "one no other SYSPRO customer code starts with: a customer whose code is the one "
        "ml-connector would give is taken to be that shopper.",
    )  # fmt: skip
    price_handling = forms.ChoiceField(
        label="Prices", choices=PRICES, initial=PRICE_STORE, required=False,
        help_text="The store's prices make SYSPRO's invoice match what the shopper paid. "
        "SYSPRO's own prices come from its price lists and may differ.",
    )  # fmt: skip

    price_code = forms.CharField(
        label="Price code for the store", max_length=10, required=False,
        help_text="The SYSPRO price code (price list) whose selling price the store's products "
        "take, e.g. A. Blank: the stock item's selling price as SYSPRO's inventory query gives "
        "it.",
    )  # fmt: skip
    use_odata = forms.BooleanField(
        label="Look customers up through SYSPRO's OData service", required=False,
        help_text="Only if your site runs the SYSPRO OData service (read-only): ml-connector "
        "then finds customers by e-mail there, with the operator's name and password. Writes "
        "always go through e.net.",
    )  # fmt: skip
    odata_url = https_url_field(
        label="OData service URL", required=False,
        help_text="The SYSPRO OData service's address, e.g. https://syspro.example.com/odata "
        "(its exact form on your site: ask your SYSPRO partner).",
    )  # fmt: skip

    def clean_tax_codes(self):
        value = self.cleaned_data.get("tax_codes") or ""
        try:
            tax_rules(value)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None
        return value.strip()

    def clean(self):
        data = super().clean()
        for name in (
            "order_mode",
            "customer_code_scheme",
            "price_handling",
            "customer_code_prefix",
        ):
            if not data.get(name) and name in self.fields:  # blank: the default
                data[name] = self.fields[name].initial
        if data.get("customer_code_prefix"):
            data["customer_code_prefix"] = data["customer_code_prefix"].upper()
        return data
