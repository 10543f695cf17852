"""The API at /sandbox/bc/v2.0/<tenant>/<environment>/api/v2.0/…: `companies`, and under
`companies(<id>)` each entity set of schema.py: GET a collection (OData query options, paging)
or one `(<id>)`, POST (201, deep insert of a document's lines), PATCH (If-Match; no deep
patch), DELETE (If-Match), a document's lines at `<documents>(<id>)/<lines>` and bound actions
`<documents>(<id>)/Microsoft.NAV.<action>` (204)."""

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from sandbox.business_central import (
    batch,
    documents,
    gate,
    query,
    records,
    subscription_views,
    throttle,
    writes,
)
from sandbox.business_central.errors import (
    BcError,
    bad_request,
    error_response,
    no_company,
    no_resource,
    record_not_found,
)
from sandbox.business_central.models import BcCompany, BcEnvironment, BcRecord
from sandbox.business_central.schema import ENTITY_SETS, LINES

SEGMENT = re.compile(r"^(?P<name>[A-Za-z$][\w.$]*)(?:\((?P<key>[^()]*)\))?$")
PUBLIC_API = "https://api.businesscentral.dynamics.com"
ODATA_JSON = ("application/json; odata.metadata=minimal; odata.streaming=true; "
              "IEEE754Compatible=false; charset=utf-8")  # fmt: skip


class Call:
    """One API call: the request, its environment and what the URL named."""

    def __init__(self, request, tenant: str, environment: BcEnvironment, rest: str):
        self.request, self.tenant, self.environment = request, tenant, environment
        self.segments = []
        for part in [p for p in rest.split("/") if p]:
            match = SEGMENT.match(part)
            if match is None:
                raise no_resource(request.build_absolute_uri())
            self.segments.append((match["name"], match["key"]))

    def context(self, path: str) -> str:
        base = f"{PUBLIC_API}/v2.0/{self.tenant}/{self.environment.name}/api/v2.0/$metadata"
        return f"{base}#{path}"


def _key(key: str | None) -> str:
    key = (key or "").strip()
    if key.startswith("'") and key.endswith("'"):
        key = key[1:-1]
    return key


def _company(call: Call, key: str | None) -> BcCompany:
    company_id = _key(key)
    try:
        company = BcCompany.objects.filter(environment=call.environment, id=company_id).first()
    except ValidationError:  # not a GUID
        company = None
    if company is None:
        raise no_company(company_id)
    return company


def _named_company(call: Call) -> BcCompany:
    """An entity set addressed without companies(<id>): the company from `?company=<id>` or a
    `Company: <name>` header (as $batch's inner requests do)."""
    if company_id := call.request.GET.get("company"):
        return _company(call, company_id)
    name = call.request.headers.get("Company", "")
    company = call.environment.companies.filter(name=name).first() if name else None
    if company is None:
        raise BcError(400, "Internal_CompanyNotFound",
                      "Cannot process the request because the default company cannot be found. "
                      "You can specify a default company in the service configuration file, or "
                      "specify one for each tenant, or you can add a query string in the form "
                      'of "company=[name]".')  # fmt: skip
    return company


def _record(company: BcCompany, entity_set: str, key: str | None) -> BcRecord:
    spec = ENTITY_SETS[entity_set]
    record = records.find(company, entity_set, record_id=_key(key))
    if record is None:
        raise record_not_found(spec.table, "SystemId", _key(key))
    return record


def _entity_response(body: dict, status: int = 200, context: str = "") -> JsonResponse:
    response = JsonResponse({"@odata.context": context, **body} if context else body, status=status)
    if "@odata.etag" in body:
        response["ETag"] = body["@odata.etag"]
    return response


def _collection(call: Call, rows: list[dict], context: str, select=()) -> JsonResponse:
    """Filter, order, $skip/$top, a server-driven page with @odata.nextLink, then $select;
    $count=true adds @odata.count."""
    request = call.request
    params = request.GET
    if text := params.get("$filter"):
        keep = query.compile_filter(text)
        rows = [row for row in rows if keep(row)]
    if orderby := params.get("$orderby"):
        try:
            from sandbox import odata

            rows = odata.sort(rows, orderby)
        except odata.ODataError as exc:
            raise bad_request(str(exc)) from exc
    matched = len(rows)
    top, skip = query.whole_numbers(params, "$top", "$skip")
    rows = rows[skip or 0 :]
    if top is not None:
        rows = rows[:top]
    size, preferred = query.max_page_size(request, call.environment.max_page_size)
    offset = query.offset_of(params.get("$skiptoken"))
    page = _shaped(rows[offset : offset + size], select)
    body = {"@odata.context": context, "value": page}
    count = params.get("$count", "").lower()
    if count not in ("", "true", "false"):
        raise bad_request(f"Invalid value '{params['$count']}' for the query option '$count'.")
    if count == "true":  # the matches before $top/$skip
        body = {"@odata.context": context, "@odata.count": matched, "value": page}
    if offset + size < len(rows):
        body["@odata.nextLink"] = query.next_link(request, offset + size)
    response = JsonResponse(body)
    if preferred:
        response["Preference-Applied"] = f"odata.maxpagesize={size}"
    return response


def _shaped(rows: list[dict], select: list[str]) -> list[dict]:
    if not select:
        return rows
    return [{k: v for k, v in row.items() if k == "@odata.etag" or k in select} for row in rows]


# --- companies ------------------------------------------------------------------------------------
def _company_body(company: BcCompany) -> dict:
    return {"id": str(company.id), "systemVersion": "27.0.38460.42419",
            "timestamp": 0, "name": company.name, "displayName": company.display_name or company.name,
            "businessProfileId": "", "systemCreatedAt": "2024-01-01T00:00:00Z",
            "systemCreatedBy": "00000000-0000-0000-0000-000000000001",
            "systemModifiedAt": "2024-01-01T00:00:00Z",
            "systemModifiedBy": "00000000-0000-0000-0000-000000000001"}  # fmt: skip


def _companies(call: Call, key):
    if call.request.method != "GET":
        raise _not_allowed(call)
    if key is None:
        rows = [_company_body(c) for c in call.environment.companies.order_by("name")]
        return _collection(call, rows, call.context("companies"))
    return _entity_response(_company_body(_company(call, key)),
                            context=call.context("companies/$entity"))  # fmt: skip


def _not_allowed(call: Call) -> BcError:
    return BcError(405, "BadRequest_MethodNotAllowed",
                   f"'{call.request.method}' requests for '{call.segments[-1][0]}' of EdmType "
                   "'Entity' are not allowed within Dynamics 365 Business Central OData web "
                   "services.")  # fmt: skip


# --- entity sets ----------------------------------------------------------------------------------
def _options(request) -> tuple[list[str], list[str]]:
    return query.names(request.GET.get("$expand", "")), query.names(request.GET.get("$select", ""))


def _check_expand(spec, expand):
    for name in expand:
        if name != spec.lines or not spec.lines:
            raise bad_request(f"Could not find a property named '{name}' on type "
                              f"'Microsoft.NAV.{spec.type}'.")  # fmt: skip


def _entity_set(call: Call, company: BcCompany, name: str, key, rest: list):
    spec = ENTITY_SETS[name]
    request = call.request
    method = request.method
    context = f"companies({company.id})/{name}"
    expand, select = _options(request)
    if spec.parent and key is None and method == "GET" and not rest:
        return _all_lines(call, company, spec, context, select)
    if spec.parent:
        raise _not_allowed(call)  # lines are reached through their document
    _check_expand(spec, expand)
    if key is None and not rest:
        if method == "GET":
            rows = [records.render(r, expand=expand) for r in records.listed(company, name)]
            return _collection(call, rows, call.context(context), select)
        if method == "POST":
            with transaction.atomic():
                record = writes.create(company, spec, writes.body_of(request))
            gate.after_create(call.environment, name)
            body = records.render(record, expand=expand or ([spec.lines] if spec.lines else []))
            return _entity_response(body, 201, call.context(f"{context}/$entity"))
        raise _not_allowed(call)
    if key is None:
        raise no_resource(request.build_absolute_uri())
    if rest:
        return _below(call, company, spec, key, rest, context)
    with transaction.atomic():
        record = records.locked(_record(company, name, key))
        if method == "GET":
            body = records.render(record, expand=expand, select=select)
            return _entity_response(body, context=call.context(f"{context}/$entity"))
        if method == "PATCH":
            writes.check_etag(request, records.record_etag(record))
            record = writes.patch(record, spec, writes.body_of(request))
            body = records.render(record, expand=expand, select=select)
            return _entity_response(body, context=call.context(f"{context}/$entity"))
        if method == "DELETE":
            writes.check_etag(request, records.record_etag(record))
            writes.not_posted(record)
            records.delete(record)
            return HttpResponse(status=204)
    raise _not_allowed(call)


def _all_lines(call, company, spec, context, select):
    """GET <lines> at the company level: every document's lines (filter by documentId)."""
    rows = []
    for record in records.listed(company, spec.parent):
        rows.extend(records.render_line(record, line) for line in records.lines_of(record))
    return _collection(call, rows, call.context(context), select)


def _below(call: Call, company, spec, key, rest, context):
    """<documents>(<id>)/Microsoft.NAV.<action> or <documents>(<id>)/<lines>[(<line id>)]."""
    request = call.request
    (name, line_key), *deeper = rest
    if deeper:
        raise no_resource(request.build_absolute_uri())
    if name.startswith("Microsoft.NAV.") and line_key is None:
        action = name.removeprefix("Microsoft.NAV.")
        if action not in spec.actions:
            raise no_resource(request.build_absolute_uri())
        if request.method != "POST":
            raise _not_allowed(call)
        run = documents.ACTIONS.get((spec.name, action))
        if run is None:
            raise BcError(501, "BadRequest_NotImplemented",
                          f"The sandbox does not perform {spec.name}/{action}.")  # fmt: skip
        with transaction.atomic():
            run(_record(company, spec.name, key))
        return HttpResponse(status=204)
    if name != spec.lines or not spec.lines:
        raise no_resource(request.build_absolute_uri())
    lines_spec = ENTITY_SETS[spec.lines]
    lines_context = call.context(f"companies({company.id})/{spec.name}({_key(key)})/{spec.lines}")
    _, select = _options(request)
    with transaction.atomic():
        record = records.locked(_record(company, spec.name, key))
        lines = records.lines_of(record)
        if line_key is None:
            if request.method == "GET":
                rows = [records.render_line(record, line) for line in lines]
                return _collection(call, rows, lines_context, select)
            if request.method == "POST":
                line = writes.line_create(record, writes.body_of(request))
                return _entity_response(records.render_line(record, line), 201,
                                        f"{lines_context}/$entity")  # fmt: skip
            raise _not_allowed(call)
        line = next((x for x in lines if x["id"] == _key(line_key).lower()), None)
        if line is None:
            raise record_not_found(lines_spec.table, "SystemId", _key(line_key))
        if request.method == "GET":
            body = records.render_line(record, line, select=select)
            return _entity_response(body, context=f"{lines_context}/$entity")
        writes.check_etag(request, records.line_etag(record, line))
        if request.method == "PATCH":
            line = writes.line_patch(record, line["id"], writes.body_of(request))
            return _entity_response(records.render_line(record, line),
                                    context=f"{lines_context}/$entity")  # fmt: skip
        if request.method == "DELETE":
            writes.line_delete(record, line["id"])
            return HttpResponse(status=204)
    raise _not_allowed(call)


# --- dispatch -------------------------------------------------------------------------------------
# Environment-level resources other than companies: name → handler(call, key, rest).
ENVIRONMENT_RESOURCES: dict = {"subscriptions": subscription_views.subscriptions_resource}


def _dispatch(call: Call):
    if not call.segments:
        raise no_resource(call.request.build_absolute_uri())
    (name, key), *rest = call.segments
    if name == "companies":
        if not rest:
            return _companies(call, key)
        company = _company(call, key)
        (set_name, set_key), *deeper = rest
        if set_name not in ENTITY_SETS or (set_name in LINES and set_key is not None):
            raise no_resource(call.request.build_absolute_uri())
        return _entity_set(call, company, set_name, set_key, deeper)
    if name in ENVIRONMENT_RESOURCES:
        return ENVIRONMENT_RESOURCES[name](call, key, rest)
    if name in ENTITY_SETS and name not in LINES:
        return _entity_set(call, _named_company(call), name, key, rest)
    raise no_resource(call.request.build_absolute_uri())


def _batch(call: Call, key, rest):
    if key is not None or rest:
        raise no_resource(call.request.build_absolute_uri())
    return batch.run(call.request,
                     lambda inner, path: Call(inner, call.tenant, call.environment, path),
                     _dispatch)  # fmt: skip


ENVIRONMENT_RESOURCES["$batch"] = _batch


@csrf_exempt
def api(request, tenant, environment, rest):
    status = 500
    try:
        admission = gate.admit(request, tenant, environment)
        call = Call(request, tenant, admission.target, rest)
        call.app = admission.app  # who subscribes
        response = _dispatch(call)
        status = response.status_code
        response["OData-Version"] = "4.0"
        if response.content:
            response["Content-Type"] = ODATA_JSON
        return response
    except BcError as error:
        status = error.status
        return error_response(error)
    finally:
        throttle.leave(getattr(request, "bc_call", None), status)
