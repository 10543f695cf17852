"""The guided connection form: the common fields plus exactly the chosen ERP's fields.

ERP fields come from the kind's ErpConfigForm and appear here prefixed `erp_`. Secrets (the
BigCommerce token and secret, and each kind's `secret_fields`) are write-only: never rendered back,
and a blank entry keeps the stored value.
"""

import copy

from django import forms
from unfold.widgets import (
    UnfoldAdminCheckboxSelectMultipleWidget,
    UnfoldAdminIntegerFieldWidget,
    UnfoldAdminPasswordWidget,
    UnfoldAdminSelectWidget,
    UnfoldAdminTextareaWidget,
    UnfoldAdminTextInputWidget,
    UnfoldAdminURLInputWidget,
    UnfoldBooleanSwitchWidget,
)

from connectors.bigcommerce.statuses import STATUS_NAMES
from connectors.registry import ERP_KINDS, config_form_for
from tenants.models import Connection, default_sync_status_ids

ERP_PREFIX = "erp_"
BC_SECRET_FIELDS = ("bc_access_token", "bc_client_secret")


def admin_styled(field: forms.Field) -> forms.Field:
    """Give a plain form field the admin theme's widget (model fields get it automatically)."""
    if isinstance(field.widget, forms.PasswordInput):
        field.widget = UnfoldAdminPasswordWidget(render_value=False)
    elif isinstance(field.widget, forms.Textarea):
        field.widget = UnfoldAdminTextareaWidget(attrs={"rows": field.widget.attrs.get("rows", 4)})
    elif isinstance(field, forms.BooleanField):
        field.widget = UnfoldBooleanSwitchWidget()  # a text box would show "False"
    elif isinstance(field, forms.ChoiceField):
        field.widget = UnfoldAdminSelectWidget(choices=field.choices)
    elif isinstance(field, forms.IntegerField):
        field.widget = UnfoldAdminIntegerFieldWidget()
    elif isinstance(field, forms.URLField):
        field.widget = UnfoldAdminURLInputWidget()
    else:
        field.widget = UnfoldAdminTextInputWidget()
    return field


def _write_only(field: forms.Field) -> forms.Field:
    field.widget = UnfoldAdminPasswordWidget(render_value=False)
    return field


class HttpsURLField(forms.URLField):
    """A URL typed without a scheme means https (Django 6's default, asked for explicitly)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("assume_scheme", "https")
        super().__init__(**kwargs)


def status_choices_field() -> forms.TypedMultipleChoiceField:
    """BigCommerce's order statuses as ticks with their names, not a list of ids to type."""
    return forms.TypedMultipleChoiceField(
        label="Order statuses to sync",
        choices=[(status_id, f"{name} ({status_id})") for status_id, name in STATUS_NAMES.items()],
        coerce=int,
        initial=default_sync_status_ids,  # a new connection's (a declared field has no default)
        widget=UnfoldAdminCheckboxSelectMultipleWidget,
        error_messages={
            "required": "Tick at least one status: with none, no order would reach the ERP.",
            "invalid_choice": "%(value)s is not a BigCommerce order status.",
        },
        help_text="Orders in a ticked status are sent to the ERP. Incomplete, Cancelled, "
        "Declined and Refunded start unticked (an order that was never paid for, was cancelled "
        "or was refunded before it was sent is not a sale for the ledger); tick only Shipped, "
        "Completed and Awaiting Fulfillment to send paid orders only.",
    )


class ConnectionForm(forms.ModelForm):
    erp_kind_value: str = ""
    config_form = None
    sync_status_ids = status_choices_field()

    class Meta:
        model = Connection
        fields = [
            "tenant",
            "name",
            "store_hash",
            "bc_api_url",
            "bc_client_id",
            "bc_access_token",
            "bc_client_secret",
            "poll_interval_minutes",
            "sync_status_ids",
        ]
        field_classes = {"bc_api_url": HttpsURLField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        editing = self.instance._state.adding is False
        for name in BC_SECRET_FIELDS:
            if name in self.fields:
                field = _write_only(self.fields[name])
                # The token is needed once; after that a blank entry keeps what is stored.
                field.required = name == "bc_access_token" and not editing
                if editing and name == "bc_access_token":
                    field.help_text += " Leave blank to keep the stored token."
        stored = self.instance.erp_settings or {}
        for name in self.erp_field_names():
            key = name.removeprefix(ERP_PREFIX)
            if key in self.config_form.secret_fields:
                if editing and (self.instance.erp_secrets or {}).get(key):
                    self.fields[name].required = False
                    self.fields[name].help_text += " Leave blank to keep the stored value."
            elif key in stored:
                self.fields[name].initial = stored[key]

    @classmethod
    def erp_field_names(cls) -> list[str]:
        return [name for name in cls.base_fields if name.startswith(ERP_PREFIX)]

    def _clean_secret(self, name):
        value = self.cleaned_data.get(name)
        return value if value else getattr(self.instance, name, "") or ""

    def clean_sync_status_ids(self):
        return sorted(set(self.cleaned_data.get("sync_status_ids") or []))

    def clean_bc_access_token(self):
        return self._clean_secret("bc_access_token")

    def clean_bc_client_secret(self):
        return self._clean_secret("bc_client_secret")

    def clean(self):
        cleaned = super().clean()
        spec = ERP_KINDS.get(self.erp_kind_value)
        if spec is not None and not spec.available:
            # Saved, it would look like a connection that works and never send an order.
            raise forms.ValidationError(spec.unavailable_message, code="erp_unavailable")
        stored_secrets = self.instance.erp_secrets or {}
        data = {}
        for name in self.erp_field_names():
            key = name.removeprefix(ERP_PREFIX)
            value = cleaned.get(name)
            if key in self.config_form.secret_fields and value in (None, ""):
                value = stored_secrets.get(key, "")
            data[key] = value
        config = self.config_form(
            data=data, connection=None if self.instance._state.adding else self.instance
        )
        if not config.is_valid():
            for key, errors in config.errors.items():
                target = f"{ERP_PREFIX}{key}" if key != "__all__" else None
                for error in errors:
                    self.add_error(target if target in self.fields else None, error)
            return cleaned
        settings, secrets = config.split()
        self.instance.erp_kind = self.erp_kind_value
        self.instance.erp_settings = settings
        self.instance.erp_secrets = secrets
        return cleaned


def connection_form_for(kind: str, base: type[ConnectionForm] = ConnectionForm):
    """A ConnectionForm subclass carrying the fields of one ERP kind."""
    config_form = config_form_for(kind)
    attrs = {"erp_kind_value": kind, "config_form": config_form, "__module__": __name__}
    for name, field in config_form.base_fields.items():
        field = copy.deepcopy(field)
        _write_only(field) if name in config_form.secret_fields else admin_styled(field)
        attrs[f"{ERP_PREFIX}{name}"] = field
    return type(f"{config_form.__name__}ConnectionForm", (base,), attrs)
