"""Shapes of the connections API. Validation beyond types is the admin form's (tenants.forms)."""

from django import forms
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from connectors.registry import ERP_CHOICES, ERP_KINDS, config_form_for
from tenants.forms import BC_SECRET_FIELDS
from tenants.models import Connection, OAuthToken, store_hash_validator
from webhooks.destination import webhook_destination


def _form_field_schema(field: forms.Field, secret: bool) -> dict:
    if isinstance(field, forms.IntegerField):
        schema = {"type": "integer"}
        if field.min_value is not None:
            schema["minimum"] = field.min_value
        if field.max_value is not None:
            schema["maximum"] = field.max_value
    elif isinstance(field, forms.ChoiceField):
        schema = {"type": "string", "enum": [value for value, _ in field.choices]}
    elif isinstance(field, forms.UUIDField):
        schema = {"type": "string", "format": "uuid"}
    elif isinstance(field, forms.URLField):
        schema = {"type": "string", "format": "uri"}
    elif isinstance(field, forms.RegexField):
        schema = {"type": "string", "pattern": field.regex.pattern}
    else:
        schema = {"type": "string"}
    if getattr(field, "max_length", None):
        schema["maxLength"] = field.max_length
    schema["description"] = f"{field.label}. {field.help_text}".strip()
    if secret:
        schema["writeOnly"] = True
    return schema


def erp_config_schema() -> dict:
    """Each ERP kind's settings, from its config form: the one place they are declared."""
    variants = []
    for kind, spec in ERP_KINDS.items():
        config = config_form_for(kind)
        variants.append(
            {
                "type": "object",
                "title": f"{kind}: {spec.label}",
                "properties": {
                    name: _form_field_schema(field, name in config.secret_fields)
                    for name, field in config.base_fields.items()
                },
            }
        )
    return {
        "anyOf": variants,
        "description": "The chosen ERP's settings (see each variant). Secret ones are write-only; "
        "on update, leave a secret out to keep the stored value.",
    }


@extend_schema_field(erp_config_schema())
class ErpConfigField(serializers.DictField):
    def __init__(self, **kwargs):
        child = serializers.CharField(allow_blank=True, allow_null=True, trim_whitespace=False)
        super().__init__(child=child, **kwargs)


@extend_schema_field(
    {"type": "string", "pattern": store_hash_validator.regex.pattern, "maxLength": 20}
)
class StoreHashField(serializers.CharField):
    """Checked by the admin form with the other fields (one answer lists every mistake); the
    schema states the rule too."""


class ConnectionOutputSerializer(serializers.ModelSerializer):
    tenant = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    webhook_url = serializers.SerializerMethodField()
    secrets_stored = serializers.SerializerMethodField(
        help_text="Write-only fields that hold a value, e.g. 'bc_access_token' or "
        "'erp_config.client_secret'. The values themselves are never returned."
    )

    class Meta:
        model = Connection
        fields = [
            "id", "tenant", "name", "status", "last_error", "last_error_at", "store_hash",
            "bc_api_url", "bc_client_id", "erp_kind", "erp_settings", "secrets_stored",
            "poll_interval_minutes", "sync_status_ids", "next_poll_at", "webhook_url",
            "created_at", "updated_at",
        ]  # fmt: skip

    def get_webhook_url(self, obj) -> str:
        return webhook_destination(obj)

    @extend_schema_field({"type": "array", "items": {"type": "string"}})
    def get_secrets_stored(self, obj) -> list[str]:
        stored = [name for name in BC_SECRET_FIELDS if getattr(obj, name)]
        return stored + [f"erp_config.{k}" for k, v in (obj.erp_secrets or {}).items() if v]


class _ConnectionWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    store_hash = StoreHashField(max_length=20)
    bc_api_url = serializers.URLField(max_length=200, required=False)
    bc_client_id = serializers.CharField(max_length=100, required=False, allow_blank=True)
    bc_access_token = serializers.CharField(write_only=True, style={"input_type": "password"})
    bc_client_secret = serializers.CharField(
        write_only=True, required=False, allow_blank=True, style={"input_type": "password"}
    )
    poll_interval_minutes = serializers.IntegerField(min_value=1, max_value=24 * 60, required=False)
    sync_status_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=100), required=False, max_length=50
    )
    erp_config = ErpConfigField(required=False)


class ConnectionCreateSerializer(_ConnectionWriteSerializer):
    tenant = serializers.SlugField(
        required=False,
        help_text="Only for people in several tenants (session sign-in); a token always acts on "
        "its own tenant.",
    )
    erp_kind = serializers.ChoiceField(choices=ERP_CHOICES)


class ConnectionUpdateSerializer(_ConnectionWriteSerializer):
    """The ERP kind and tenant are fixed once created. Secrets left out or blank are kept."""

    bc_access_token = serializers.CharField(
        write_only=True, required=False, allow_blank=True, style={"input_type": "password"}
    )


class ActivateInputSerializer(serializers.Serializer):
    backfill_days = serializers.IntegerField(
        min_value=0,
        max_value=365,
        default=0,
        help_text="Also fetch the orders of the last N days (0: only what happens from now).",
    )


class CheckResultSerializer(serializers.Serializer):
    system = serializers.CharField()
    ok = serializers.BooleanField()
    message = serializers.CharField()
    hint = serializers.CharField(allow_blank=True)


class ConnectionTestSerializer(serializers.Serializer):
    ok = serializers.BooleanField(help_text="Both sides answered as expected.")
    results = CheckResultSerializer(many=True)


class HookSerializer(serializers.Serializer):
    scope = serializers.CharField()
    id = serializers.IntegerField(allow_null=True)
    is_active = serializers.BooleanField()


class LastDeliverySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    scope = serializers.CharField()
    state = serializers.CharField()
    received_at = serializers.DateTimeField()


class WebhookHealthSerializer(serializers.Serializer):
    webhook_url = serializers.CharField()
    checked_at = serializers.DateTimeField(
        allow_null=True, help_text="When the store's hooks were last checked; null: never."
    )
    error = serializers.CharField(allow_blank=True)
    actions = serializers.ListField(child=serializers.CharField())
    hooks = HookSerializer(many=True)
    last_delivery = LastDeliverySerializer(allow_null=True)


class TokenStatusSerializer(serializers.ModelSerializer):
    state = serializers.SerializerMethodField(
        help_text="valid, expired (refreshed automatically when possible) or missing."
    )
    has_refresh_token = serializers.SerializerMethodField()

    class Meta:
        model = OAuthToken
        fields = [
            "system", "state", "expires_at", "obtained_at", "refresh_count",
            "last_refresh_error", "has_refresh_token", "updated_at",
        ]  # fmt: skip

    @extend_schema_field(OpenApiTypes.STR)
    def get_state(self, obj) -> str:
        return obj.state  # set by the selector

    def get_has_refresh_token(self, obj) -> bool:
        return bool(obj.refresh_token)


class ConnectionTokensSerializer(serializers.Serializer):
    bigcommerce_token_stored = serializers.BooleanField(
        help_text="BigCommerce store tokens do not expire; this says one is stored."
    )
    oauth = TokenStatusSerializer(many=True, help_text="The ERP side's OAuth tokens, if any.")
