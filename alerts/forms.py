"""The channel form: what each way of sending needs, checked before anything is saved."""

from urllib.parse import urlsplit

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from unfold.widgets import UnfoldAdminPasswordWidget, UnfoldAdminTextareaWidget

from alerts.models import AlertChannel
from connectors.errors import UnsafeDestination
from connectors.ssrf import check_destination


def shown_address(url: str) -> str:
    """An address as it may be shown: scheme and host only, the rest hidden (a Slack hook's path
    is its password)."""
    if not url:
        return ""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/… (the rest is hidden)"


class AlertChannelForm(forms.ModelForm):
    url = forms.CharField(
        label="Address",
        required=False,
        widget=UnfoldAdminPasswordWidget(render_value=False),
        help_text="Slack: the incoming webhook address (https://hooks.slack.com/services/…). "
        "Signed webhook: the https:// address of your system that receives our messages. Stored "
        "encrypted and never shown again; leave empty to keep the one saved.",
    )

    class Meta:
        model = AlertChannel
        fields = [
            "tenant", "name", "kind", "active", "email_addresses", "url",
            "on_job_failed", "on_no_orders", "no_orders_hours", "on_reconnect",
            "on_webhooks_off", "on_catalog_held", "daily_digest",
        ]  # fmt: skip
        widgets = {"email_addresses": UnfoldAdminTextareaWidget(attrs={"rows": 2})}

    def clean_url(self):
        url = (self.cleaned_data.get("url") or "").strip()
        if not url and self.instance.pk:
            return self.instance.url  # kept: the field is never filled back in
        return url

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == AlertChannel.Kind.EMAIL:
            self._clean_addresses(data)
        elif kind in (AlertChannel.Kind.SLACK, AlertChannel.Kind.WEBHOOK):
            self._clean_address(data, kind)
        return data

    def _clean_addresses(self, data):
        channel = AlertChannel(email_addresses=data.get("email_addresses") or "")
        if not channel.addresses:
            self.add_error("email_addresses", "Enter at least one e-mail address.")
        for address in channel.addresses:
            try:
                validate_email(address)
            except ValidationError:
                self.add_error("email_addresses", f"“{address}” is not an e-mail address.")

    def _clean_address(self, data, kind):
        url = data.get("url") or ""
        if not url:
            self.add_error("url", "Enter the address to send to.")
            return
        if kind == AlertChannel.Kind.SLACK and "/services/" not in urlsplit(url).path:
            self.add_error(
                "url",
                "A Slack incoming webhook address looks like "
                "https://hooks.slack.com/services/T…/B…/…: copy it from Slack's “Incoming "
                "Webhooks” page for the channel.",
            )
            return
        try:
            check_destination(url)
        except UnsafeDestination as exc:
            self.add_error("url", exc.message)
