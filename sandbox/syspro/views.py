"""e.net over REST at /sandbox/syspro/SYSPROWCFService/Rest/<method>: every call a GET with query
parameters, every answer HTTP 200 application/octet-stream (recorded), failures as `ERROR: …`
bodies or inside the XML. Method paths and parameter names are matched case-insensitively
(SYSPRO 7 clients send /logon, SYSPRO 8 ones /Logon: UNCONFIRMED that the server ignores case).
Every call is kept (SysproCall), without its passwords."""

from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from sandbox.gate import take_fault
from sandbox.syspro import comfnd, customers, gate, invoicing, orders, queries, sessions, xmlio
from sandbox.syspro.errors import SysproError
from sandbox.syspro.models import SysproCall, SysproCompany, SysproSession

VERSION = "8.0.0.4"  # getversion's answer (recorded: "7.0.0.6" from a SYSPRO 7 server)
QUERIES = {"COMFND": comfnd.query, "ARSQRY": queries.arsqry, "INVQRY": queries.invqry,
           "SORQRY": queries.sorqry}  # fmt: skip
POSTS = {"SORTOI": orders.post, "SORTIC": invoicing.sortic, "ARSTIN": invoicing.arstin,
         "APSTIN": invoicing.apstin}  # fmt: skip
WRITES = {"SORTOI", "SORTIC", "ARSTIN", "ARSSCS"}  # the create faults' candidates


# HTTP.sys's own answer (its wording as Windows serves it; UNCONFIRMED for a SYSPRO host).
REQUEST_TOO_LONG = (
    b'<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN""http://www.w3.org/TR/html4/strict.dtd">'
    b'\r\n<HTML><HEAD><TITLE>Bad Request</TITLE>\r\n<META HTTP-EQUIV="Content-Type" '
    b'Content="text/html; charset=us-ascii"></HEAD>\r\n<BODY><h2>Bad Request - Request Too Long'
    b"</h2>\r\n<hr><p>HTTP Error 400. The size of the request headers is too long.</p>\r\n"
    b"</BODY></HTML>\r\n"
)


def too_long(request) -> bool:
    """The request line and headers are over the company's max_request_bytes (when set): the
    company is the one CompanyId names, or the session's."""
    size = (
        len(request.get_full_path())
        + 15
        + sum(len(k) + len(str(v)) + 4 for k, v in request.META.items() if k.startswith("HTTP_"))
    )
    params = {key.lower(): value for key, value in request.GET.items()}
    session = sessions.find(params.get("userid", ""))
    company = session.company if session else SysproCompany.objects.filter(
        company_id__iexact=params.get("companyid", "")).first()  # fmt: skip
    return bool(company and company.max_request_bytes and size > company.max_request_bytes)


class Call:
    """One call's facts as it goes, for its SysproCall row."""

    def __init__(self, method: str, params: dict):
        self.method, self.params = method, params
        self.company = None
        self.session = None
        self.outcome = "ok"
        self.business_object = params.get("businessobject", "").strip().upper()[:10]


@csrf_exempt
def rest(request, service: str, rest: str):
    if service.lower() != "sysprowcfservice/rest":
        return HttpResponse(b"Endpoint not found.", status=404, content_type="text/plain")
    if too_long(request):
        return HttpResponse(
            REQUEST_TOO_LONG, status=400, content_type="text/html; charset=us-ascii"
        )
    method = rest.strip("/").lower()
    params = {key.lower(): value for key, value in request.GET.items()}
    call = Call(method, params)
    status = 200
    if request.method not in ("GET", "HEAD"):
        body, status, call.outcome = b"Method not allowed.", 405, "error"
    else:
        try:
            body = _dispatch(call)
        except SysproError as error:
            body, status = error.body.encode("cp1252", errors="replace"), error.status
            call.outcome = "fault" if error.status != 200 else "error"
    _log(call, status, body)
    return HttpResponse(body, status=status, content_type="application/octet-stream")


def _dispatch(call: Call) -> bytes:
    p = call.params
    if call.method == "getversion":
        return VERSION.encode()
    if call.method == "logon":
        company = SysproCompany.objects.filter(company_id__iexact=p.get("companyid", "")).first()
        call.company = company
        if company is not None:
            gate.admit(None, company)
        session = sessions.logon(p.get("operator", ""), p.get("operatorpassword", ""),
                                 p.get("companyid", ""), p.get("companypassword", ""))  # fmt: skip
        call.session = session
        return (session.session_id + "  ").encode()
    handler = HANDLERS.get(call.method)
    if handler is None:
        raise SysproError("Endpoint not found.", status=404)
    session = sessions.find(p.get("userid", ""))
    call.session = session
    call.company = session.company if session else None
    if session is not None:
        gate.admit(None, session.company)
        if take_fault(session.company, "fault_session_kill"):
            sessions.end(SysproSession.objects.filter(pk=session.pk), "killed (fault switch)")
            session.ended_at = timezone.now()
    sessions.use(session)
    return handler(call, session)


def _logoff(call, session) -> bytes:
    sessions.logoff(session)
    return b"0"


def _profile(call, session) -> bytes:
    """GetLogonProfile: element names from a SYSPRO 7 client's parser; the root is UNCONFIRMED."""
    company, operator = session.company, session.operator
    answer = xmlio.root("Profile", attributes=False)
    for name, value in [
        ("CompanyName", company.name), ("CompanyId", company.company_id),
        ("OperatorCode", operator.code), ("OperatorEmailAddress", operator.email),
        ("CompanyDate", timezone.localdate().isoformat()),
        ("DefaultWarehouse", (company.warehouses or [""])[0]),
        ("LocalCurrencyCode", company.currency), ("SysproVersion", VERSION),
        ("EnetVersion", VERSION),
    ]:  # fmt: skip
        xmlio.add(answer, name, value)
    return xmlio.document(answer)


def _query(call, session) -> bytes:
    handler = QUERIES.get(call.business_object)
    if handler is None:
        raise _unknown_object(call.business_object)
    return handler(session.company, _xml(call, "xmlin", "XmlIn"))


def _setup(call, session) -> bytes:
    if call.business_object != "ARSSCS":
        raise _unknown_object(call.business_object)
    verb = call.method.split("/")[1]
    if verb not in ("add", "update"):
        raise SysproError(f"Setup method '{verb}' is not supported by ARSSCS in this sandbox")
    _xml(call, "xmlparameters", "XmlParameters", required=False)
    body, applied = customers.setup(session.company, verb.title(), _xml(call, "xmlin", "XmlIn"))
    return _written(call, session, body, applied, create=verb == "add")


def _post(call, session) -> bytes:
    handler = POSTS.get(call.business_object)
    if handler is None:
        raise _unknown_object(call.business_object)
    parameters = _xml(call, "xmlparameters", "XmlParameters", required=False)
    body, applied = handler(session.company, parameters, _xml(call, "xmlin", "XmlIn"))
    return _written(call, session, body, applied, create=call.business_object in WRITES)


def _written(call, session, body: bytes, applied: bool, *, create: bool) -> bytes:
    if not applied:
        call.outcome = "error"
    elif create:
        gate.after_create(session.company, call.business_object)
    return body


def _xml(call, key: str, name: str, *, required: bool = True):
    value = call.params.get(key, "")
    if not value.strip() and not required:
        return None
    try:
        return xmlio.parse(value, name)
    except xmlio.BadXml as error:
        raise SysproError(str(error)) from None


def _unknown_object(name: str) -> SysproError:
    # UNCONFIRMED wording.
    return SysproError(f"Business object '{name}' is not available to this operator")


HANDLERS = {"logoff": _logoff, "getlogonprofile": _profile, "query/query": _query,
            "setup/add": _setup, "setup/update": _setup, "setup/delete": _setup,
            "transaction/post": _post}  # fmt: skip


def _log(call: Call, status: int, body: bytes) -> None:
    session = call.session if isinstance(call.session, SysproSession) else None
    SysproCall.objects.create(
        company=call.company, method=call.method, business_object=call.business_object,
        session_id=(session.session_id if session else call.params.get("userid", "").strip())[:40],
        operator=(session.operator.code if session else call.params.get("operator", ""))[:20],
        outcome=call.outcome, status_code=status,
        xml_in=call.params.get("xmlin", "")[:100_000],
        xml_parameters=call.params.get("xmlparameters", "")[:20_000],
        answer=body[:2000].decode("cp1252", errors="replace"), at=timezone.now(),
    )  # fmt: skip
