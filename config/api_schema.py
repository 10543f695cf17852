"""The OpenAPI generator, told about what every operation shares: the error body, the statuses it
can answer with, and the Idempotency-Key header on POST. Documented once here, not per view."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from tenants.idempotency import HEADER, KEY_PATTERN


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable, machine-readable, e.g. 'not_found'.")
    message = serializers.CharField(help_text="For people; never quotes a secret.")
    details = serializers.DictField(help_text="Per-field messages for 'invalid'; else empty.")


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


ERROR_DESCRIPTIONS = {
    "400": "The request is not valid (fields, filters, cursor or Idempotency-Key).",
    "401": "No credentials, or an unknown or revoked API token.",
    "403": "Signed in, but the role allows reading only (or no tenant at all).",
    "404": "No such object in your tenant.",
    "406": "Ask for JSON (Accept: application/json).",
    "409": "A request with the same Idempotency-Key is still running.",
    "415": "Send JSON (Content-Type: application/json).",
    "422": "The Idempotency-Key was already used for a different request.",
}


class ApiAutoSchema(AutoSchema):
    def _is_post(self) -> bool:
        return self.method == "POST"

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if self._is_post():
            parameters.append(
                OpenApiParameter(
                    HEADER,
                    {"type": "string", "pattern": KEY_PATTERN, "maxLength": 255},
                    location=OpenApiParameter.HEADER,
                    required=False,
                    description="Send a unique value (e.g. a UUID) to make the request safe to "
                    "retry: a repeat within 24 hours gets the first answer and does nothing new.",
                )
            )
        return parameters

    def _error_statuses(self) -> list[str]:
        statuses = ["401", "403", "406"]
        if "{" in self.path:
            statuses.append("404")
        if self.method != "GET" or self._is_list_view():
            statuses.append("400")
        if self.method in ("POST", "PUT", "PATCH"):
            statuses.append("415")
        if self._is_post():
            statuses += ["409", "422"]
        return statuses

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code in self._error_statuses():
            if code not in responses:
                response = self._get_response_for_code(ErrorSerializer, code, direction=direction)
                response["description"] = ERROR_DESCRIPTIONS[code]
                responses[code] = response
        return responses


PAGINATION_PARAMETERS = {"cursor", "page_size"}


def allow_empty_filters(result, generator, request, public):
    """django-filter reads `?state=` as "no filter" (the browsable API's filter form sends empty
    fields): say so in the schema, so clients and schema-driven tests know an empty value is fine."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query" and parameter["name"] not in PAGINATION_PARAMETERS:
                    parameter["allowEmptyValue"] = True
    return result
