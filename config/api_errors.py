"""One error body for the whole API: {"error": {"code", "message", "details"}}.

Validation details echo field names, never the values sent for secret fields: any such value is
masked wherever it would appear in the message or details, even if a validator one day quotes its
input. Secret fields are the declared ones (BigCommerce's and each ERP kind's `secret_fields`) and
any key that names a credential.
"""

import functools
import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from audit.redaction import MASK, MIN_SECRET_LENGTH, is_secret_key

logger = logging.getLogger(__name__)

SECRET_WORDS = ("secret", "password", "token")


@functools.cache
def _declared_secret_keys() -> frozenset[str]:
    from connectors.registry import ERP_KINDS, config_form_for
    from tenants.forms import BC_SECRET_FIELDS

    erp = (name for kind in ERP_KINDS for name in config_form_for(kind).secret_fields)
    return frozenset((*BC_SECRET_FIELDS, *erp))


def error_body(code: str, message: str, details=None) -> dict:
    return {"error": {"code": code, "message": message, "details": details or {}}}


def _secret_values(data, inside_secret: bool = False) -> list[str]:
    """String values sent under a key that names a credential (at any depth)."""
    if isinstance(data, dict):
        return [
            v
            for key, value in data.items()
            for v in _secret_values(value, inside_secret or _is_secret_key(key))
        ]
    if isinstance(data, list | tuple):
        return [v for value in data for v in _secret_values(value, inside_secret)]
    # Shorter values are no credential, and masking them would garble every message.
    return [str(data)] if inside_secret and len(str(data)) >= MIN_SECRET_LENGTH else []


def _is_secret_key(key) -> bool:
    key = str(key)
    return (
        key in _declared_secret_keys()
        or is_secret_key(key)
        or any(word in key.lower() for word in SECRET_WORDS)
    )


def _mask(value, secrets: list[str]):
    if isinstance(value, dict):
        return {k: _mask(v, secrets) for k, v in value.items()}
    if isinstance(value, list):
        return [_mask(v, secrets) for v in value]
    if isinstance(value, str):
        for secret in secrets:
            value = value.replace(secret, MASK)
    return value


def _describe(exc: exceptions.APIException) -> tuple[str, str, object]:
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        return "invalid", "The request is not valid; see details.", detail
    codes = exc.get_codes()
    code = codes if isinstance(codes, str) else exc.default_code
    return code, str(exc.detail), {}


def _sent_data(request):
    try:
        return request.data if request is not None else None
    except exceptions.APIException:  # the body itself was the problem (parse, media type)
        return None


def exception_handler(exc, context):
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(serializers.as_serializer_error(exc))
    if not isinstance(exc, exceptions.APIException):
        # Logged with its traceback (through the redacting log filter); the caller gets no
        # internals, which could quote a credential.
        logger.exception("API error", extra={"path": context["request"].path})
        return Response(
            error_body("server_error", "Something went wrong on our side; it has been logged."),
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    response = drf_exception_handler(exc, context)  # keeps WWW-Authenticate, Retry-After, Allow
    code, message, details = _describe(exc)
    secrets = sorted(_secret_values(_sent_data(context.get("request"))), key=len, reverse=True)
    if secrets:  # the code is ours, never input: it stays machine-readable
        message, details = _mask(message, secrets), _mask(details, secrets)
    response.data = error_body(code, message, details)
    return response
