"""POST api/v2.0/$batch with a JSON body {"requests": [{id, method, url, headers, body}]}:
each inner request answered in "responses" [{id, status, headers, body}] in order, at most 100
of them. Inner URLs are relative to api/v2.0/ (`companies(<id>)/customers`, or `customers` with
a `Company` header naming the company) or absolute. With `Isolation: snapshot` the whole batch
runs in one transaction: when an inner request fails, every change of the batch is undone (the
answers are still given, as the docs' example shows). The batch counts as one call against the
limits (UNCONFIRMED: how BC counts a batch's operations)."""

import json
from urllib.parse import urlsplit

from django.db import transaction
from django.http import JsonResponse
from django.test import RequestFactory

from sandbox.business_central.errors import BcError, bad_request, error_body

MOST = 100
_factory = RequestFactory()


def _inner(request, item: dict, prefix: str):
    if not isinstance(item, dict):
        raise bad_request("Each batch request must be a JSON object.")
    method = str(item.get("method") or "GET").upper()
    url = str(item.get("url") or "")
    parts = urlsplit(url)
    path = parts.path
    if parts.scheme:  # absolute: keep what follows api/v2.0/
        _, found, tail = path.partition("/api/v2.0/")
        if not found:
            raise bad_request(f"The batch request URL '{url}' is not of this API.")
        path = tail
    path = path.lstrip("/")
    headers = {str(k): str(v) for k, v in (item.get("headers") or {}).items()}
    body = item.get("body")
    data = json.dumps(body) if body is not None else ""
    extra = {f"HTTP_{name.upper().replace('-', '_')}": value for name, value in headers.items()
             if name.lower() != "content-type"}  # fmt: skip
    inner = _factory.generic(
        method, f"{prefix}{path}" + (f"?{parts.query}" if parts.query else ""), data,
        content_type="application/json", SERVER_NAME=request.get_host().split(":")[0],
        SERVER_PORT=request.get_port(), **extra,
    )  # fmt: skip
    return inner, path


def run(request, call, dispatch) -> JsonResponse:
    """`dispatch(call)` answers one request; `call` makes a Call of an inner request."""
    if request.method != "POST":
        raise BcError(405, "BadRequest_MethodNotAllowed", "$batch takes POST only.")
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise bad_request("Invalid Request Body: the batch is not valid JSON.") from None
    requests = body.get("requests") if isinstance(body, dict) else None
    if not isinstance(requests, list):
        raise bad_request('Invalid Request Body: expected {"requests": [...]}.')
    if len(requests) > MOST:
        raise bad_request(f"The batch has {len(requests)} operations: at most {MOST} are allowed.")
    prefix = request.path.removesuffix("$batch")
    snapshot = request.headers.get("Isolation", "").strip().lower() == "snapshot"
    answers = []
    with transaction.atomic():
        for item in requests:
            answers.append(_answer(request, item, prefix, call, dispatch, snapshot))
        if snapshot and any(answer["status"] >= 400 for answer in answers):
            transaction.set_rollback(True)
    return JsonResponse({"responses": answers})


def _answer(request, item, prefix, call, dispatch, snapshot) -> dict:
    ident = item.get("id") if isinstance(item, dict) else None
    try:
        inner, path = _inner(request, item, prefix)
        if snapshot:
            response = dispatch(call(inner, path))
        else:
            with transaction.atomic():  # each inner request is its own
                response = dispatch(call(inner, path))
    except BcError as error:
        return {"id": ident, "status": error.status, "headers": _json_headers(),
                "body": error_body(error)}  # fmt: skip
    answer = {"id": ident, "status": response.status_code, "headers": {}}
    if response.content:
        answer["headers"] = _json_headers()
        if response.has_header("ETag"):
            answer["headers"]["etag"] = response["ETag"]
        answer["body"] = json.loads(response.content)
    return answer


def _json_headers() -> dict:
    return {"content-type": "application/json; odata.metadata=minimal", "odata-version": "4.0"}
