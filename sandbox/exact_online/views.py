"""The REST side: /api/v1/current/Me and /api/v1/{division}/{service}/{Entity}[(guid'…')]."""

import json
import re
import uuid

from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from sandbox import odata
from sandbox.exact_online import gate
from sandbox.exact_online.errors import ApiError, error_response
from sandbox.exact_online.models import ExactApiRequest, ExactDivision, ExactRecord
from sandbox.exact_online.resources import (
    RESOURCES,
    Resource,
    bad,
    check_properties,
    create,
    naive_utc,
)
from sandbox.exact_online.shapes import LINES, key_literal, parse_select, render

KEY_IN_PATH = re.compile(r"^(?P<path>.+?)\(guid'(?P<guid>[^']+)'\)$")


def _base(request, division: int) -> str:
    return request.build_absolute_uri(f"/sandbox/exact_online/api/v1/{division}/")


def _json(body, status=200, headers=None) -> JsonResponse:
    response = JsonResponse(body, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _entities(division: ExactDivision, spec: Resource) -> list[dict]:
    """The rows an endpoint serves, oldest first (sync/: in Timestamp order)."""
    if spec.entity == "hrm/Divisions":
        return [
            {"Code": d.code, "Description": d.name, "Currency": d.currency}
            for d in ExactDivision.objects.order_by("code")
        ]
    if spec.entity == "salesinvoice/SalesInvoiceLines":
        invoices = ExactRecord.objects.filter(
            division=division, resource="salesinvoice/SalesInvoices"
        ).order_by("created", "pk")
        return [
            {**line, "InvoiceID": invoice.data["InvoiceID"]}
            for invoice in invoices
            for line in invoice.data.get(LINES, [])
        ]
    records = ExactRecord.objects.filter(division=division, resource=spec.entity)
    if spec.sync:
        return [r.data | {"Timestamp": r.timestamp} for r in records.order_by("timestamp")]
    return [record.data for record in records.order_by("created", "pk")]


def _list(request, spec: Resource, division: ExactDivision, base: str) -> dict:
    params = request.GET
    select = parse_select(spec, params.get("$select", ""))
    if spec.needs_select and not select and params.get("$top") != "1":
        raise bad("Please add a $select or a $top=1 statement to the query string.")
    try:
        entities = _entities(division, spec)
        if params.get("$filter"):
            entities = list(filter(odata.compile_filter(params["$filter"]), entities))
        if params.get("$orderby"):
            entities = odata.sort(entities, params["$orderby"])
        top = int(params["$top"]) if "$top" in params else None
    except (odata.ODataError, ValueError) as exc:
        raise bad(str(exc)) from exc
    if top is not None:
        entities = entities[: max(top, 0)]
    start = 0
    if token := params.get("$skiptoken"):
        keys = [key_literal(e.get(spec.key)) for e in entities]
        if token not in keys:
            raise bad("The $skiptoken is not valid.")
        start = keys.index(token) + 1
    page = entities[start : start + spec.page]
    expand = LINES in params.get("$expand", "")
    body = {"results": [render(spec, e, base, select, expand) for e in page]}
    if start + spec.page < len(entities):
        query = params.copy()
        query["$skiptoken"] = key_literal(page[-1].get(spec.key))
        body["__next"] = f"{base}{spec.path}?{query.urlencode(safe='$,()')}"
    return {"d": body}


def _body(request) -> dict:
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError) as exc:
        raise bad("Error reading JSON: the request body is not valid JSON.") from exc
    if isinstance(body, dict) and isinstance(body.get("d"), dict):
        body = body["d"]
    if not isinstance(body, dict):
        raise bad("Error reading JSON: expected an object.")
    body.pop("__metadata", None)  # a fetched entity sent back as it came: its metadata is ignored
    return body


def _create(request, spec: Resource, division: ExactDivision, base: str):
    body = _body(request)
    check_properties(spec, body)
    missing = [name for name in spec.required if body.get(name) in (None, "")]
    if missing:
        raise bad(f"Mandatory: {', '.join(missing)}")
    data = create(division, spec, body).data
    gate.after_create(division, spec.path)  # committed: a fault now leaves the record made
    shown = render(spec, data, base, expand=True)
    if "return=representation" not in request.headers.get("Prefer", ""):
        # Without the Prefer header Exact returns the entity with its properties null.
        shown = dict.fromkeys(shown) | {spec.key: data[spec.key], "__metadata": shown["__metadata"]}
    return {"d": shown}


def _find(spec: Resource, division: ExactDivision, guid: str, *, lock=False) -> ExactRecord:
    try:
        guid = str(uuid.UUID(guid))
    except ValueError:
        raise ApiError(404, "Not found") from None
    records = ExactRecord.objects.filter(division=division, resource=spec.path)
    if lock:
        records = records.select_for_update()
    found = records.filter(guid=guid).first()
    if found is None:
        raise ApiError(404, "Not found")
    return found


def _read(request, spec: Resource, division: ExactDivision, guid: str, base: str) -> dict:
    select = parse_select(spec, request.GET.get("$select", ""))
    expand = LINES in request.GET.get("$expand", "")
    if spec.writable:
        data = _find(spec, division, guid).data
    else:  # lines and other derived rows are looked up among what the collection serves
        data = next(
            (e for e in _entities(division, spec) if str(e.get(spec.key)) == guid.lower()), None
        )
        if data is None:
            raise ApiError(404, "Not found")
    return {"d": render(spec, data, base, select, expand)}


@transaction.atomic
def _update(request, spec: Resource, division: ExactDivision, guid: str):
    record = _find(spec, division, guid, lock=True)
    body = {k: v for k, v in _body(request).items() if k != spec.key}
    check_properties(spec, body)
    data = spec.prepare(division, body, record.data)
    now = timezone.now()
    record.data = data | {"Modified": naive_utc(now)}
    record.modified = now
    record.save()


def _dispatch(request, spec: Resource, division: ExactDivision, guid: str | None):
    base = _base(request, division.code)
    if request.method == "GET":
        if guid is None:
            return _list(request, spec, division, base)
        return _read(request, spec, division, guid, base)
    if not spec.writable:
        raise ApiError(405, "The resource is read only.")
    if request.method == "POST" and guid is None:
        return _create(request, spec, division, base)
    if request.method == "PUT" and guid:
        _update(request, spec, division, guid)
        return None
    if request.method == "DELETE" and guid:
        _find(spec, division, guid).delete()
        return None
    raise ApiError(405, f"{request.method} is not allowed here.")


@csrf_exempt
def resource(request, division, path):
    division = int(division)
    match = KEY_IN_PATH.match(path)
    guid = match.group("guid") if match else None
    name = (match.group("path") if match else path).strip("/")
    endpoint = name.lower()
    admission = None
    try:
        spec = RESOURCES.get(endpoint)
        admission = gate.admit(request, division, endpoint)
        if spec is None:
            raise ApiError(404, f"The resource {name} does not exist.")
        body = _dispatch(request, spec, admission.target, guid)
    except ApiError as error:
        status = error.status
        if admission is not None:
            error.headers = admission.headers | error.headers
            ExactApiRequest.objects.filter(pk=admission.log.pk).update(status_code=status)
        elif status not in (429,) and not error.headers:
            gate.log_refusal(division, request.method, endpoint, status)
        return error_response(error)
    status = 204 if body is None else (201 if request.method == "POST" else 200)
    ExactApiRequest.objects.filter(pk=admission.log.pk).update(status_code=status)
    if body is None:
        response = HttpResponse(status=204)
        for header, value in admission.headers.items():
            response[header] = value
        return response
    return _json(body, status, admission.headers)


def current_me(request):
    """The signed-in user and the division they last picked; not counted against the limits."""
    try:
        token, division = gate.token_of(request)
    except ApiError as error:
        return error_response(error)
    me = {
        "__metadata": {"uri": request.build_absolute_uri(), "type": "Exact.Web.Api.System.Me"},
        "UserID": str(uuid.uuid5(uuid.NAMESPACE_URL, f"sandbox-exact-user/{token.app_id}")),
        "UserName": "sandbox@example.com", "FullName": "Sandbox User",
        "Email": "sandbox@example.com", "LanguageCode": "en-GB", "Language": "EN",
        "CurrentDivision": division.code, "DivisionCustomerName": division.name,
    }  # fmt: skip
    select = [f.strip() for f in request.GET.get("$select", "").split(",") if f.strip()]
    if select:
        me = {k: v for k, v in me.items() if k in select or k == "__metadata"}
    return _json({"d": {"results": [me]}})
