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
