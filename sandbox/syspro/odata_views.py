"""SYSPRO's read-only OData 4 service at /sandbox/syspro/odata/<CompanyId>/<table>: basic
authentication with an operator's code and password, the tables ArCustomer, SorMaster and
InvMaster as entity sets, $filter (sandbox/odata.py: strings compared ignoring case), $orderby,
$top and $skip, answered as {"@odata.context", "value": […]}. The research (§3.2) confirms the
service (OData 4.0, basic auth, read-only tables); its URL pattern and entity-set names are
UNCONFIRMED."""

import base64
import binascii
import secrets

from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from sandbox import odata
from sandbox.syspro import gate, tables
from sandbox.syspro.errors import SysproError
from sandbox.syspro.models import SysproCall, SysproCompany, SysproOperator

ENTITY_SETS = ("ArCustomer", "SorMaster", "InvMaster")


def _error(status: int, message: str, **headers) -> JsonResponse:
    answer = JsonResponse({"error": {"code": str(status), "message": message}}, status=status)
    for name, value in headers.items():
        answer[name.replace("_", "-")] = value
    return answer


def _operator(request, company) -> SysproOperator | None:
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        code, _, password = base64.b64decode(value.strip(), validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    operator = SysproOperator.objects.filter(company=company, code__iexact=code).first()
    if operator is None or not secrets.compare_digest(
        password.encode(), operator.password.encode()
    ):
        return None
    return operator


@require_GET
def entity_set(request, company_id: str, name: str):
    company = SysproCompany.objects.filter(company_id__iexact=company_id).first()
    if company is None:
        return _error(404, f"Company '{company_id}' not found")
    operator = _operator(request, company)
    answer = _answer(request, company, operator, name)
    SysproCall.objects.create(
        company=company, method=f"odata/{name}"[:40], operator=operator.code if operator else "",
        outcome="ok" if answer.status_code == 200 else "error", status_code=answer.status_code,
        xml_in=request.GET.get("$filter", "")[:100_000], at=timezone.now(),
    )  # fmt: skip
    return answer


def _answer(request, company, operator, name: str):
    if operator is None:
        return _error(401, "Authorization has been denied for this request.",
                      WWW_Authenticate='Basic realm="SYSPRO OData"')  # fmt: skip
    table = tables.table_name(name)
    if table not in ENTITY_SETS:
        return _error(404, f"No entity set '{name}'")
    try:
        gate.admit(None, company)
    except SysproError as error:
        return _error(error.status, error.message)
    rows = tables.rows(company, table)
    try:
        if request.GET.get("$filter"):
            keep = odata.compile_filter(request.GET["$filter"])
            rows = [row for row in rows if keep(row)]
        if request.GET.get("$orderby"):
            rows = odata.sort(rows, request.GET["$orderby"])
        top, skip = odata.page_args(request.GET)
    except (odata.ODataError, RecursionError) as error:
        return _error(400, f"The query is not valid: {error}")
    context = request.build_absolute_uri(f"/sandbox/syspro/odata/{company.company_id}/$metadata")
    return JsonResponse({"@odata.context": f"{context}#{table}", "value": rows[skip : skip + top]})
