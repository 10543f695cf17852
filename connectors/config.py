"""What one ERP kind needs to know about a tenant's system, as a plain Django form.

Each ERP package declares a subclass in its `config.py`; the admin's guided connection form shows
exactly those fields. Values in `secret_fields` are stored encrypted and never rendered back.
"""

from dataclasses import fields
from typing import ClassVar

from django import forms


class ErpConfigForm(forms.Form):
    secret_fields: ClassVar[tuple[str, ...]] = ()
    # A sentence for the "pick your ERP" page: what the tenant needs at hand before starting.
    summary: ClassVar[str] = ""

    def __init__(self, *args, connection=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The saved connection when editing (None when adding): lets a kind check its settings
        # against the ERP itself.
        self.connection = connection

    def split(self) -> tuple[dict, dict]:
        """(settings, secrets) from a valid form; secrets go to encrypted storage."""
        settings = {k: v for k, v in self.cleaned_data.items() if k not in self.secret_fields}
        secrets = {k: v for k, v in self.cleaned_data.items() if k in self.secret_fields}
        return settings, secrets


def https_url_field(**kwargs) -> forms.URLField:
    """A base URL the tenant types; the SSRF guard checks it again at call time."""
    return forms.URLField(assume_scheme="https", max_length=300, **kwargs)


def picker_field(label: str, options, required: bool = True, empty: str = "—") -> forms.ChoiceField:
    """A mapping picker listing the ERP's real values, so only those can be saved; an optional
    one starts with `empty` (what a blank choice means)."""
    choices = ([] if required else [("", empty)]) + list(options)
    return forms.ChoiceField(label=label, choices=choices, required=required)


class StoredSettings:
    """A connection's mapping settings as a frozen dataclass of text fields: `from_settings` reads
    the stored values, stripped; a missing or blank one keeps the field's default."""

    @classmethod
    def from_settings(cls, stored: dict | None):
        stored = stored or {}
        values = {
            f.name: str(stored[f.name]).strip()
            for f in fields(cls)
            if stored.get(f.name) not in (None, "")
        }
        return cls(**values)
