"""The catalog push settings form: the warehouse → location map as lines a person can type."""

import re

from django import forms

from catalog.models import CatalogSettings

LINE = re.compile(r"^\s*(?P<warehouse>[^=]*?)\s*=\s*(?P<location>\d+)\s*$")


def map_as_lines(location_map: dict) -> str:
    return "\n".join(f"{warehouse} = {location}" for warehouse, location in location_map.items())


class CatalogSettingsForm(forms.ModelForm):
    location_lines = forms.CharField(
        label="Warehouses → store locations",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "MAIN = 1\nSHOPFRONT = 2"}),
        help_text="One line per ERP warehouse: its code, '=', and the store location id it fills. "
        "Leave empty to send the total of all warehouses to the store's default location. "
        "Warehouses not listed are not pushed.",
    )

    class Meta:
        model = CatalogSettings
        fields = [
            "enabled", "interval_minutes", "push_price", "push_sale_price", "push_cost",
            "push_stock", "stock_buffer", "guard_share", "guard_change",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["location_lines"].initial = map_as_lines(self.instance.location_map)

    def clean_location_lines(self) -> dict:
        location_map = {}
        for number, line in enumerate(self.cleaned_data["location_lines"].splitlines(), 1):
            if not line.strip():
                continue
            match = LINE.match(line)
            if match is None:
                raise forms.ValidationError(
                    f"Line {number} ('{line.strip()}') is not 'WAREHOUSE = location id', "
                    "e.g. 'MAIN = 1'."
                )
            location_map[match["warehouse"]] = int(match["location"])
        return location_map

    def save(self, commit=True):
        self.instance.location_map = self.cleaned_data["location_lines"]
        return super().save(commit)
