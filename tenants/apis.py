"""/api/v1/connections/: what the connection page of the admin does, over HTTP."""

from dataclasses import asdict

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from config.api_schema import ErrorSerializer
from connectors.checks import connection_check
from sync.selectors import bulk_runs_started, orders_backfill
from sync.serializers import BulkRunSerializer
from tenants import services
from tenants.api_viewsets import ScopedViewSet
from tenants.filters import ConnectionFilter
from tenants.forms import ERP_PREFIX
from tenants.idempotency import idempotent
from tenants.selectors import connection_list, connection_token_status, connection_webhook_health
from tenants.serializers import (
    ActivateInputSerializer,
    ConnectionCreateSerializer,
    ConnectionOutputSerializer,
    ConnectionTestSerializer,
    ConnectionTokensSerializer,
    ConnectionUpdateSerializer,
    WebhookHealthSerializer,
)


class ErpUnavailable(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "erp_unavailable"
    default_detail = (
        "This ERP is not available on this installation: the connection cannot be activated."
    )


def _api_errors(exc: DjangoValidationError) -> dict:
    """The form's error keys as the API names them: `erp_x` → erp_config.x."""
    errors: dict = {}
    for field, messages in exc.message_dict.items():
        if field.startswith(ERP_PREFIX) and field != "erp_kind":
            errors.setdefault("erp_config", {})[field.removeprefix(ERP_PREFIX)] = messages
        elif field == "__all__":
            errors["non_field_errors"] = messages
        else:
            errors[field] = messages
    return errors


def _save(**kwargs):
    try:
        return services.connection_save(**kwargs)
    except DjangoValidationError as exc:
        raise exceptions.ValidationError(_api_errors(exc)) from None


ActivateOutputSerializer = inline_serializer(
    "ConnectionActivated",
    {
        "connection": ConnectionOutputSerializer(),
        "webhook_health": WebhookHealthSerializer(),
        "backfill": BulkRunSerializer(
            allow_null=True, help_text="The orders backfill, when backfill_days was given."
        ),
        "runs": BulkRunSerializer(
            many=True,
            help_text="Every background run the activation started, backfill included "
            "(some ERPs also pull the store's customers once).",
        ),
    },
)
CREATE_EXAMPLE = OpenApiExample(
    "MYOB connection",
    request_only=True,
    value={
        "name": "Acme store", "store_hash": "abc123def", "bc_client_id": "your-client-id",
        "bc_access_token": "your-store-api-token", "bc_client_secret": "your-client-secret",
        "erp_kind": "myob", "erp_config": {"tax_code_taxable": "GST"},
    },
)  # fmt: skip
PUT_EXAMPLE = OpenApiExample(
    "Full update",
    request_only=True,
    value={"name": "Acme store (AU)", "store_hash": "abc123def", "poll_interval_minutes": 15},
)
PATCH_EXAMPLE = OpenApiExample(
    "Rename",
    summary="Rename; every field left out, secrets included, is kept",
    request_only=True,
    value={"name": "Acme store (AU)"},
)


class ConnectionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """A tenant's store-to-ERP connections. Credentials are write-only."""

    serializer_class = ConnectionOutputSerializer
    filterset_class = ConnectionFilter
    cursor_ordering = ("-created_at",)
    read_only_actions = ("test",)
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def scoped_queryset(self, scope):
        return connection_list(scope=scope)

    def _output(self, connection, code=status.HTTP_200_OK) -> Response:
        return Response(ConnectionOutputSerializer(connection).data, status=code)

    @extend_schema(
        request=ConnectionCreateSerializer,
        responses={201: ConnectionOutputSerializer},
        examples=[CREATE_EXAMPLE],
    )
    def create(self, request):
        data = ConnectionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        tenant = self.target_tenant(fields.pop("tenant", None))
        save = {
            "tenant": tenant,
            "erp_kind": fields.pop("erp_kind"),
            "erp_config": fields.pop("erp_config", {}),
            "sync_status_ids": fields.pop("sync_status_ids", None),
            "values": fields,
        }

        def run():
            return self._output(_save(**save), status.HTTP_201_CREATED)

        return idempotent(request, tenant_id=tenant.pk, run=run)

    @extend_schema(
        request=ConnectionUpdateSerializer,
        responses=ConnectionOutputSerializer,
        examples=[PUT_EXAMPLE],
    )
    def update(self, request, pk=None):
        return self._update(request, partial=False)

    @extend_schema(
        request=ConnectionUpdateSerializer,
        responses=ConnectionOutputSerializer,
        examples=[PATCH_EXAMPLE],
    )
    def partial_update(self, request, pk=None):
        return self._update(request, partial=True)

    def _update(self, request, partial: bool) -> Response:
        connection = self.get_object()
        data = ConnectionUpdateSerializer(data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        connection = _save(
            tenant=connection.tenant,
            erp_kind=connection.erp_kind,
            erp_config=fields.pop("erp_config", {}),
            sync_status_ids=fields.pop("sync_status_ids", None),
            values=fields,
            connection=connection,
        )
        return self._output(connection)

    @extend_schema(
        request=ActivateInputSerializer,
        responses={
            200: ActivateOutputSerializer,
            409: OpenApiResponse(
                ErrorSerializer,
                description="The ERP's connector is not installed ('erp_unavailable': the "
                "connection stays a draft), or a request with the same Idempotency-Key is still running.",
            ),
        },
    )
    @action(detail=True, methods=["post"])
    def activate(self, request, pk=None):
        """Start syncing: register the store's webhooks, optionally backfill N days. An ERP whose
        connector has not landed cannot be activated (409 erp_unavailable)."""
        connection = self.get_object()
        data = ActivateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        days = data.validated_data["backfill_days"]

        def run():
            started = timezone.now()
            try:
                activated = services.connection_activate(
                    connection=connection, backfill_days=days, user=self.scope.user
                )
            except services.ActivationRefused as refused:
                raise ErpUnavailable(refused.message) from None
            runs = bulk_runs_started(connection=activated, since=started)
            backfill = orders_backfill(runs)
            body = {
                "connection": ConnectionOutputSerializer(activated).data,
                "webhook_health": WebhookHealthSerializer(
                    connection_webhook_health(activated)
                ).data,
                "backfill": BulkRunSerializer(backfill).data if backfill else None,
                "runs": BulkRunSerializer(runs, many=True).data,
            }
            return Response(body)

        return idempotent(request, tenant_id=connection.tenant_id, run=run)

    @extend_schema(request=None, responses=ConnectionOutputSerializer)
    @action(detail=True, methods=["post"])
    def pause(self, request, pk=None):
        """Stop processing; webhooks are still received and kept for activation."""
        connection = self.get_object()
        return idempotent(
            request,
            tenant_id=connection.tenant_id,
            run=lambda: self._output(services.connection_pause(connection=connection)),
        )

    @extend_schema(request=None, responses=ConnectionTestSerializer)
    @action(detail=True, methods=["post"])
    def test(self, request, pk=None):
        """'Test connection': a real read on each side with the stored credentials. Makes outside
        calls; viewers may run it, as in the admin."""
        connection = self.get_object()

        def run():
            results = [asdict(result) for result in connection_check(connection)]
            ok = all(result["ok"] for result in results)
            return Response(ConnectionTestSerializer({"ok": ok, "results": results}).data)

        return idempotent(request, tenant_id=connection.tenant_id, run=run)

    @extend_schema(responses=WebhookHealthSerializer)
    @action(detail=True, methods=["get"], url_path="webhook-health")
    def webhook_health(self, request, pk=None):
        """The store's webhooks as last checked, and the last webhook received."""
        health = connection_webhook_health(self.get_object())
        return Response(WebhookHealthSerializer(health).data)

    @extend_schema(responses=ConnectionTokensSerializer)
    @action(detail=True, methods=["get"], url_path="token-status")
    def token_status(self, request, pk=None):
        """Whether each stored credential is usable (never the credential itself)."""
        return Response(ConnectionTokensSerializer(connection_token_status(self.get_object())).data)
