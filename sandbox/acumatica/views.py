"""The instance's HTTP surface: GET entity (endpoints), swagger.json, entity/auth/login|logout,
and the contract-based REST API under entity/Default/<version>/."""

import copy
import json

from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from sandbox import odata
from sandbox.acumatica import actions, gate, oauth, records, sessions, throttle, wire
from sandbox.acumatica.contract import CONTRACT_VERSION, document
from sandbox.acumatica.errors import AcuError, bad_request, error_response, not_found
from sandbox.acumatica.models import AcuAction, AcuInstance, AcuTenant, AcuUser
from sandbox.acumatica.rules import ENTITIES

ENDPOINT = "Default"


def _instance(slug: str) -> AcuInstance:
    return get_object_or_404(AcuInstance, slug=slug)


def _base(request, instance: AcuInstance, version: str) -> str:
    return request.build_absolute_uri(
        f"/sandbox/acumatica/{instance.slug}/entity/{ENDPOINT}/{version}/"
    )


def _no_resource(request) -> AcuError:
    # ASP.NET Web API's own 404 for an address no controller serves.
    return not_found(f"No HTTP resource was found that matches the request URI "
                     f"'{request.build_absolute_uri()}'.")  # fmt: skip


# --- the instance -------------------------------------------------------------------------------
@require_GET
def endpoints(request, instance):
    instance = _instance(instance)
    return JsonResponse({
        "version": {"acumaticaBuildVersion": instance.build, "databaseVersion": instance.build},
        "endpoints": [
            {"name": ENDPOINT, "version": version,
             "href": f"/sandbox/acumatica/{instance.slug}/entity/{ENDPOINT}/{version}/"}
            for version in instance.versions
        ],
    })  # fmt: skip


@require_GET
def swagger(request, instance, endpoint, version):
    instance = _instance(instance)
    if endpoint != ENDPOINT or version not in instance.versions:
        return error_response(_no_resource(request))
    spec = document()
    if version != CONTRACT_VERSION:
        # The sandbox has the official file of 24.200.001 only: an older endpoint is served the
        # same contract under its own title and address (a real one lacks the newer fields).
        spec = copy.copy(spec) | {"info": {**spec["info"], "title": f"{ENDPOINT}/{version}"}}
    return JsonResponse(
        spec | {"servers": [{"url": _base(request, instance, version).rstrip("/")}]}
    )


def _json_body(request):
    try:
        return json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise bad_request("The request body is not valid JSON.") from None


@csrf_exempt
@require_POST
def login(request, instance):
    """POST entity/auth/login {name, password, tenant (or company), branch, locale} → 204 and the
    session cookies; 429 "API Login Limit" beyond the licence's API users."""
    instance = _instance(instance)
    call = gate.call_row(request, instance)
    status = 500
    try:
        throttle.enter(instance, call)
        body = _json_body(request)
        if not isinstance(body, dict):
            raise bad_request("Expected the credentials as a JSON object.")
        tenants = AcuTenant.objects.filter(instance=instance)
        name = body.get("tenant") or body.get("company")
        tenant = tenants.filter(name=name).first() if name else (
            tenants.first() if tenants.count() == 1 else None)  # fmt: skip
        user = AcuUser.objects.filter(
            tenant=tenant, username=body.get("name") or "", password=body.get("password") or ""
        ).first()
        if tenant is None or user is None:
            # Status and wording UNCONFIRMED (a PXException: "Invalid credentials").
            raise AcuError(500, "An error has occurred.", kind="PX.Data.PXException",
                           exception="Invalid credentials. Please try again.")  # fmt: skip
        branch = body.get("branch") or user.branch
        if branch not in (tenant.reference.get("branches") or [branch]):
            raise AcuError(500, "An error has occurred.", kind="PX.Data.PXException",
                           exception=f"The branch '{branch}' is not available.")  # fmt: skip
        session = sessions.open_session(tenant, user, branch=branch)
    except AcuError as error:
        throttle.leave(call, error.status)
        return error_response(error)
    status = 204
    throttle.leave(call, status)
    response = HttpResponse(status=status)
    response.set_cookie(sessions.COOKIE, session.key, httponly=True, samesite="Lax")
    response.set_cookie("ASP.NET_SessionId", f"sbx{session.pk:020d}", httponly=True, samesite="Lax")
    response.set_cookie("UserBranch", session.branch)
    response.set_cookie("Locale", body.get("locale") or "en-US")
    return response


@csrf_exempt
@require_POST
def logout(request, instance):
    """POST entity/auth/logout → 204: the cookie's session (or the bearer grant's) ends."""
    instance = _instance(instance)
    try:
        token = gate.token_of(request, instance)
    except AcuError as error:
        return error_response(error)
    if token is not None:
        found = sessions.live(instance).filter(chain=token.chain).first()
    else:
        found = sessions.by_cookie(instance, request.COOKIES.get(sessions.COOKIE, ""))
    if found is not None:
        sessions.end(found)
    response = HttpResponse(status=204)
    for name in (sessions.COOKIE, "ASP.NET_SessionId", "UserBranch", "Locale"):
        response.delete_cookie(name)
    return response


@csrf_exempt  # the vendor's own endpoints: not ours to protect
def identity_views(request, instance, which):
    instance = _instance(instance)
    if which == "discovery":
        return oauth.discovery(request, instance)
    authorize, token = oauth.views(instance)
    return authorize(request) if which == "authorize" else token(request)


# --- the REST API -------------------------------------------------------------------------------
def _query(request):
    params = request.GET
    return wire.names(params.get("$expand", "")), wire.names(params.get("$select", ""))


def _list(request, tenant: AcuTenant, name: str):
    expand, select = _query(request)
    found = records.listed(tenant, name)
    try:
        if text := request.GET.get("$filter"):
            keep = odata.compile_filter(text)
            found = [r for r in found if keep(wire.unwrap(name, r.data))]
        top, skip = odata.page_args(request.GET, default=10**9, most=10**9)
    except odata.ODataError as exc:
        raise bad_request(str(exc)) from exc
    page = found[skip : skip + top]
    return [wire.render(name, r.data, expand=expand, select=select) for r in page]


def _write(request, tenant: AcuTenant, name: str, *, patch: bool, path: str = ""):
    spec, _ = ENTITIES[name]
    body = _json_body(request)
    wire.check(name, body)
    expand, select = _query(request)
    if spec.inquiry:
        answer = records.inquire(tenant, name, body)
        return wire.render(name, answer, expand=expand, select=select)
    if path:  # PATCH <Entity>/<id or keys>
        body = {**body, "id": str(records.get(tenant, name, path).guid)}
    new = not patch and not records.find(tenant, name, guid=body.get("id")) and not (
        records.find(tenant, name, keys=records.key_of(name, body)))  # fmt: skip
    record, _ = records.save(
        tenant, name, body, patch=patch,
        if_match=request.headers.get("If-Match") == "*",
        if_none_match=request.headers.get("If-None-Match") == "*",
    )  # fmt: skip
    if new:
        gate.after_create(tenant, name)  # committed: a fault now leaves the record made
    sent = {n for n in body if n not in ("id", "rowNumber", "note", "custom")}
    shown = sent | set(spec.keys)
    return wire.render(name, record.data, shown=shown, expand=expand | sent, select=select)


def _action(request, tenant, name, action, version, instance):
    if action not in actions.contract_actions(name):
        raise _no_resource(request)
    body = _json_body(request)
    if not isinstance(body, dict) or not isinstance(body.get("entity"), dict):
        raise bad_request('Expected {"entity": {…}, "parameters": {…}}.')
    wire.check(name, body["entity"])
    target = records.find(tenant, name, guid=body["entity"].get("id")) or records.find(
        tenant, name, keys=records.key_of(name, body["entity"]))  # fmt: skip
    if target is None:
        raise not_found()
    if (name, action) not in actions.ACTIONS:
        raise AcuError(500, "An error has occurred.", kind="System.NotImplementedException",
                       exception=f"The sandbox does not perform {name}/{action}.")  # fmt: skip
    actions.run(tenant, name, action, target)
    job = AcuAction.objects.create(tenant=tenant, entity=name, action=action,
                                   polls_left=tenant.action_polls)  # fmt: skip
    response = HttpResponse(status=202)
    response["Location"] = f"{_base(request, instance, version)}{name}/{action}/status/{job.guid}"
    return response


def _status(request, tenant, name, action, guid, version, instance):
    try:
        job = AcuAction.objects.filter(tenant=tenant, entity=name, action=action, guid=guid).first()
    except Exception:  # not a GUID
        job = None
    if job is None:
        raise _no_resource(request)
    location = f"{_base(request, instance, version)}{name}/{action}/status/{job.guid}"
    if job.polls_left:
        AcuAction.objects.filter(pk=job.pk).update(polls_left=job.polls_left - 1)
        response = HttpResponse(status=202)
    else:
        response = HttpResponse(status=204)
    response["Location"] = location
    return response


def _dispatch(request, tenant, instance, version, rest: str):
    parts = [part for part in rest.split("/") if part]
    name = parts[0] if parts else ""
    if name not in ENTITIES:
        raise _no_resource(request)
    spec, _ = ENTITIES[name]
    method = request.method
    if method == "GET" and len(parts) == 4 and parts[2] == "status":
        return _status(request, tenant, name, parts[1], parts[3], version, instance)
    if method == "GET" and len(parts) == 1 and not spec.inquiry:
        return JsonResponse(_list(request, tenant, name), safe=False)
    if method == "GET" and len(parts) > 1 and not spec.inquiry:
        expand, select = _query(request)
        record = records.get(tenant, name, "/".join(parts[1:]))
        return JsonResponse(wire.render(name, record.data, expand=expand, select=select))
    if method == "PUT" and len(parts) == 1:
        return JsonResponse(_write(request, tenant, name, patch=False))
    if method == "PATCH" and not spec.inquiry:
        return JsonResponse(_write(request, tenant, name, patch=True, path="/".join(parts[1:])))
    if method == "DELETE" and len(parts) > 1 and not spec.inquiry:
        records.delete(tenant, name, "/".join(parts[1:]))
        return HttpResponse(status=204)
    if method == "POST" and len(parts) == 2:
        return _action(request, tenant, name, parts[1], version, instance)
    raise AcuError(405, f"The requested resource does not support http method '{method}'.",
                   kind="System.Web.Http.HttpResponseException")  # fmt: skip


@csrf_exempt
def api(request, instance, endpoint, version, rest):
    instance = _instance(instance)
    if endpoint != ENDPOINT or version not in instance.versions:
        return error_response(_no_resource(request))
    call = gate.call_row(request, instance)
    status = 500
    try:
        admission = gate.admit(request, instance, call)
        response = _dispatch(request, admission.target, instance, version, rest)
        status = response.status_code
        return response
    except AcuError as error:
        status = error.status
        return error_response(error)
    finally:
        throttle.leave(call, status)
