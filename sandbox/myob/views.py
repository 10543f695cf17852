"""The company-file API of api.myob.com/accountright/{business_id}/…, served from the database.

Collections answer `{Items, NextPageLink, Count}` with OData $filter/$orderby/$top/$skip; POST
answers 201 with the new entity's URI in `Location` (and the entity with ?returnBody=true); PUT
needs the current RowVersion (409 IncorrectRowVersionSupplied otherwise); UID or RowVersion on a
POST is a 409. Paths are matched without regard to case or a trailing slash (pymyob adds one).
"""

import json
import re
from datetime import UTC, timedelta
from decimal import Decimal
from urllib.parse import quote, urlencode

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from sandbox import odata
from sandbox.gate import take_fault
from sandbox.myob import gate
from sandbox.myob.errors import ApiError, error_item, error_response
from sandbox.myob.models import MyobApiRequest, MyobBusiness, MyobRecord, new_row_version
from sandbox.myob.resources import RESOURCES, Resource, myob_datetime

COMPANY_SCOPES = ("sme-company-file", "sme-company-settings")


def _base(request, business: MyobBusiness) -> str:
    return request.build_absolute_uri(f"/sandbox/myob/accountright/{business.uid}")


def _absolute(value, base: str):
    """Links are stored with paths relative to the file; answers carry absolute URIs."""
    if isinstance(value, dict):
        return {
            k: (base + v if k == "URI" and isinstance(v, str) and v.startswith("/") else _absolute(v, base))
            for k, v in value.items()
        }  # fmt: skip
    if isinstance(value, list):
        return [_absolute(v, base) for v in value]
    return value


def render(record: MyobRecord, base: str) -> dict:
    entity = {"UID": str(record.uid), **record.data}
    entity = _absolute(entity, base)
    entity["URI"] = f"{base}/{record.resource}/{record.uid}"
    entity["RowVersion"] = record.row_version
    entity["LastModified"] = myob_datetime(record.last_modified)
    return entity


def _json(data, status=200, **headers) -> JsonResponse:
    response = JsonResponse(data, status=status, safe=False)
    for name, value in headers.items():
        response[name] = value
    return response


def _logged(view):
    """Answer MYOB errors in MYOB's shape and keep a line per call for the tests."""

    def wrapper(request, business_id, *args, **kwargs):
        try:
            response = view(request, business_id, *args, **kwargs)
            name = ""
        except ApiError as exc:
            response, name = error_response(exc), exc.name
        MyobApiRequest.objects.create(
            api_key=request.headers.get("x-myobapi-key", "")[:100],
            business_id=str(business_id),
            method=request.method,
            path=request.path[:300],
            status_code=response.status_code,
            error_name=name,
        )
        return response

    return wrapper


# --- the company file itself ----------------------------------------------------------------
@csrf_exempt
@_logged
def company_file(request, business_id):
    """GET {cf_uri}: the file's details, wrapped in "CompanyFile" (as pymyob 3 reads them)."""
    business = gate.admit(request, business_id, COMPANY_SCOPES).target
    base = _base(request, business)
    return _json({
        "CompanyFile": {
            "Id": str(business.uid), "Name": business.name, "LibraryPath": business.name,
            "ProductVersion": "2026.10", "ProductLevel": {"Code": 30, "Name": "Plus"},
            "CheckedOutDate": None, "CheckedOutBy": None, "Uri": base,
            "Country": business.country, "SerialNumber": business.serial_number,
        },
        "Resources": [f"{base}/{r.path}" for r in RESOURCES.values()],
    })  # fmt: skip


def company(request, business_id, section=""):
    """GET {cf_uri}/Company: the company information shown in Setup → Company Information."""
    business = gate.admit(request, business_id, COMPANY_SCOPES).target
    base = _base(request, business)
    if section.lower() == "preferences":
        return _json(
            {"System": {"LastMonthInFinancialYear": 6}, "URI": f"{base}/Company/Preferences"}
        )
    return _json({
        "CompanyName": business.name, "SerialNumber": business.serial_number,
        "ABN": "11 222 333 444", "Address": "1 Ledger Lane, Sydney NSW 2000",
        "CurrentFinancialYear": timezone.now().year + (1 if timezone.now().month > 6 else 0),
        "LastMonthInFinancialYear": 6, "URI": f"{base}/Company", "RowVersion": "7745327153413734400",
    })  # fmt: skip


# --- resources ------------------------------------------------------------------------------
def _resolve(path: str) -> tuple[Resource, str | None]:
    """ "Sale/Invoice/Item/<uid>" → (the resource, the uid)."""
    parts = [p for p in path.strip("/").split("/") if p]
    for size in range(len(parts), 0, -1):
        resource = RESOURCES.get("/".join(parts[:size]).lower())
        if resource is not None:
            rest = parts[size:]
            if len(rest) > 1:
                break
            return resource, (rest[0] if rest else None)
    raise ApiError(404, "NotFound", f"No resource at {path}", "URI", 150)


@csrf_exempt
@_logged
def resource(request, business_id, path):
    head, _, section = path.strip("/").partition("/")
    if head.lower() == "company" and request.method == "GET":
        return company(request, business_id, section)
    spec, uid = _resolve(path)
    business = gate.admit(request, business_id, (spec.scope,)).target
    base = _base(request, business)
    if request.method == "GET":
        return _get_one(spec, business, uid, base) if uid else _list(request, spec, business, base)
    if spec.prepare is None:
        raise ApiError(405, "MethodNotAllowed", f"{spec.path} is read only; use a typed URI", "URI")
    if request.method == "POST" and uid is None:
        return _create(request, spec, business, base)
    if request.method == "PUT" and uid:
        return _update(request, spec, business, uid, base)
    if request.method == "DELETE" and uid:
        record = _find(spec, business, uid)
        record.delete()
        return HttpResponse(status=200)
    raise ApiError(405, "MethodNotAllowed", f"{request.method} is not supported here", "URI")


def _find(spec: Resource, business, uid: str, *, lock=False) -> MyobRecord:
    qs = MyobRecord.objects.filter(business=business, resource__in=spec.stored_as)
    if lock:
        qs = qs.select_for_update()
    try:
        record = qs.filter(uid=uid).first()
    except ValidationError:  # not a GUID
        record = None
    if record is None:
        raise ApiError(404, "NotFound", f"No {spec.path} with UID {uid}", "UID", 150)
    return record


def _get_one(spec, business, uid, base):
    return _json(render(_find(spec, business, uid), base))


def _list(request, spec: Resource, business, base):
    text = request.GET.get("$filter", "")
    if not business.po_number_filterable and "customerpurchaseordernumber" in text.lower():
        raise ApiError(
            400, "InvalidQuery", "CustomerPurchaseOrderNumber cannot be filtered", "$filter"
        )
    try:
        top, skip = odata.page_args(request.GET)
        matches = (
            odata.compile_filter(request.GET["$filter"]) if request.GET.get("$filter") else None
        )
        records = MyobRecord.objects.filter(business=business, resource__in=spec.stored_as)
        if since := _changed_after(text):  # a stream's poll: only those records are rendered
            records = records.filter(last_modified__gte=since)
        entities = [render(r, base) for r in records.order_by("created", "pk")]
        if matches:
            entities = [e for e in entities if matches(e)]
        if request.GET.get("$orderby"):
            entities = odata.sort(entities, request.GET["$orderby"])
    except odata.ODataError as exc:
        raise ApiError(400, "InvalidQuery", str(exc), "$filter") from exc
    count = len(entities)
    next_link = None
    if skip + top < count:
        params = dict(request.GET.items())
        params.update({"$top": str(top), "$skip": str(skip + top)})
        next_link = f"{base}/{spec.path}?{urlencode(params, quote_via=quote, safe='$')}"
    return _json({"Items": entities[skip : skip + top], "NextPageLink": next_link, "Count": count})


MILLISECOND = timedelta(milliseconds=1)
CHANGED_AFTER = re.compile(r"\s*LastModified\s+gt\s+datetime'([^']*)'\s*", re.IGNORECASE)


def _changed_after(text: str):
    """For a filter that is only `LastModified gt datetime'…'`: the first stored moment whose
    answered LastModified (cut to the millisecond) is after it, else None."""
    match = CHANGED_AFTER.fullmatch(text)
    if not match:
        return None
    moment = odata.parse_datetime(match.group(1)).replace(tzinfo=UTC)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000) + MILLISECOND


def _body(request) -> dict:
    try:
        body = json.loads(request.body or b"null", parse_float=Decimal)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError(
            400, "SerializationError", "The request body could not be read as JSON", "Body", 50
        ) from exc
    if not isinstance(body, dict):
        raise ApiError(400, "SerializationError", "Expected a JSON object", "Body", 50)
    return body


def _wants_body(request) -> bool:
    return request.GET.get("returnBody", "").lower() == "true"


def _create(request, spec: Resource, business, base):
    body = _body(request)
    if body.get("UID") or body.get("RowVersion"):
        # "Sending a UID, RowID or RowVersion in a POST will cause a conflict" (MYOB support).
        raise ApiError(409, "Conflict", "UID and RowVersion cannot be sent when creating", "UID")
    with transaction.atomic():
        data = spec.prepare(business, body, None)
        now = timezone.now()
        record = MyobRecord.objects.create(
            business=business, resource=spec.path, data=data, created=now, last_modified=now
        )
    gate.after_create(business, spec.path)  # committed: a fault now leaves the record made
    location = f"{base}/{spec.path}/{record.uid}"
    if _wants_body(request):
        return _json(render(record, base), status=201, Location=location)
    response = HttpResponse(status=201)
    response["Location"] = location
    return response


def _update(request, spec: Resource, business, uid, base):
    body = _body(request)
    forced = take_fault(business, "fault_conflicts")  # outside: a 409 rolls back the rest
    with transaction.atomic():
        record = _find(spec, business, uid, lock=True)
        if body.get("UID") and str(body["UID"]).lower() != str(record.uid):
            raise ApiError(
                400, "InvalidValue", "The UID in the body is not the one in the URI", "UID"
            )
        stale = str(body.get("RowVersion") or "") != record.row_version
        if stale or forced:
            raise ApiError(
                409,
                "IncorrectRowVersionSupplied",
                "The request could not be processed because an update operation requires a "
                "valid RowVersion from the current entity being modified",
                "RowVersion",
                more=[] if body.get("RowVersion") else [error_item("Required", "RowVersion is required", "RowVersion", 100)],
            )  # fmt: skip
        record.data = spec.prepare(business, body, record)
        record.row_version = new_row_version()
        record.last_modified = timezone.now()
        record.save(update_fields=["data", "row_version", "last_modified"])
    if _wants_body(request):
        return _json(render(record, base))
    return HttpResponse(status=200)


# --- the legacy company-file list -----------------------------------------------------------
@csrf_exempt
def company_files(request):
    """GET /accountright/: the files a token may open (MYOB stopped listing them for keys made
    after March 2025; the businessId comes back on the consent redirect instead)."""
    try:
        key = gate.api_key_of(request)
        gate.count_call(key)
        token = gate.token_of(request, key)
        gate.check_version(request)
    except ApiError as exc:
        return error_response(exc)
    files = MyobBusiness.objects.all()
    if token.grant:
        files = files.filter(uid=token.grant)
    base = request.build_absolute_uri("/sandbox/myob/accountright/")
    return _json([
        {"Id": str(b.uid), "Name": b.name, "LibraryPath": b.name, "ProductVersion": "2026.10",
         "ProductLevel": {"Code": 30, "Name": "Plus"}, "CheckedOutDate": None, "CheckedOutBy": None,
         "Uri": f"{base}{b.uid}", "Country": b.country, "SerialNumber": b.serial_number}
        for b in files
    ])  # fmt: skip
