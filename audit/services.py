"""Writes to the audit log."""

from django.conf import settings

from audit.context import current_correlation
from audit.models import ApiCall
from audit.redaction import redact_body, redact_headers, redact_text, redact_url
from audit.storable import storable


def api_call_record(
    *,
    system: str,
    operation: str,
    method: str,
    url: str,
    connection=None,
    attempt: int = 1,
    duration_ms: int = 0,
    request_headers=None,
    request_body=None,
    response=None,
    error: BaseException | None = None,
) -> ApiCall:
    """Store one attempt of an outside call. Everything passes through redaction first."""
    limit = settings.AUDIT_BODY_LIMIT
    request_headers = dict(request_headers or {})
    call = ApiCall(
        tenant_id=getattr(connection, "tenant_id", None),
        connection=connection,
        system=system,
        operation=operation,
        method=method.upper(),
        url=redact_url(url),
        attempt=attempt,
        duration_ms=duration_ms,
        request_headers=redact_headers(request_headers),
        request_body=redact_body(request_body, request_headers.get("Content-Type", ""), limit),
        correlation_id=current_correlation().label[:100],
        sync_job_id=current_correlation().sync_job_id,
    )
    if response is not None:
        call.status_code = response.status_code
        call.response_headers = redact_headers(response.headers)
        call.response_body = redact_body(
            response.content, response.headers.get("Content-Type", ""), limit
        )
    if error is not None:
        call.error_class = type(error).__name__
        call.error_message = redact_text(str(error))[:2000]
    for name in ("url", "request_headers", "request_body", "response_headers", "response_body",
                 "error_message"):  # fmt: skip
        setattr(call, name, storable(getattr(call, name)))
    call.save()
    return call
