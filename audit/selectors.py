"""Reads of the call log for the API, always through the caller's tenant scope."""

from audit.models import ApiCall
from audit.redaction import MASK
from tenants.selectors import secret_values_of


def api_call_list(*, scope):
    return scope.filter(ApiCall.objects.select_related("connection"))


def api_call_for_display(call: ApiCall) -> ApiCall:
    """The call with its connection's current secrets masked once more. Bodies were redacted
    when recorded; this also catches a credential entered after the call was made."""
    if call.connection is None:
        return call
    secrets = sorted(set(secret_values_of(call.connection)), key=len, reverse=True)

    def mask(text: str) -> str:
        for secret in secrets:
            text = text.replace(secret, MASK)
        return text

    for name in ("url", "request_body", "response_body", "error_message"):
        setattr(call, name, mask(getattr(call, name) or ""))
    for name in ("request_headers", "response_headers"):
        headers = getattr(call, name) or {}
        setattr(call, name, {k: mask(str(v)) for k, v in headers.items()})
    return call
