"""The ERP made the record but the answer never came (or came as a 5xx): what the end-to-end tests
of items "a create is never repeated blindly" share."""

from audit.models import ApiCall

READ_TIMEOUT = 2  # seconds: the test worker's HTTP_READ_TIMEOUT
HANG_MS = (READ_TIMEOUT + 2) * 1000  # the sandbox answers only after the client gave up
# Three of them: a client that retried the POST in place would make three documents.
FAULTS = {
    "hang": {"fault_create_then_hang": 3, "fault_hang_ms": HANG_MS},
    "5xx": {"fault_create_then_error": 3},
}


def posted_once_then_found(job, *, create_operation: str, lookup: str, document_id: str):
    """The job's audit log: exactly one create, unanswered or 5xx; after it, a look-up by the
    order's reference (`lookup` in its URL) whose answer holds the document."""
    calls = ApiCall.objects.filter(sync_job=job).order_by("created_at", "id")
    creates = list(calls.filter(operation=create_operation))
    assert len(creates) == 1, [(c.status_code, c.error_class) for c in creates]
    create = creates[0]
    assert create.status_code is None or create.status_code >= 500, create
    later = calls.filter(method="GET", url__contains=lookup, created_at__gt=create.created_at)
    assert later.exists(), "no look-up by reference after the unconfirmed create"
    assert document_id.lower() in later.last().response_body.lower(), "the look-up missed it"
