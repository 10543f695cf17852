"""What every entity call passes through (sandbox.gate, in Acumatica's order): the licence's
queue (throttle.py), who is calling (a bearer token or the session cookie; 401), the session the
call runs in (an OAuth grant's first call opens one: 429 "API Login Limit" beyond the licence's
API users), then the tenant's fault switches: latency, 429 storms, expired tokens, 500s."""

from django.utils import timezone

from sandbox.acumatica import sessions, throttle
from sandbox.acumatica.errors import AcuError, server_error, too_many_requests, unauthorized
from sandbox.acumatica.models import AcuApp, AcuCall, AcuInstance, AcuTenant, AcuUser
from sandbox.gate import Admission, Gate, bearer
from sandbox.models import IssuedToken


def call_row(request, instance: AcuInstance) -> AcuCall:
    return AcuCall.objects.create(
        instance=instance, method=request.method, path=request.path[-200:],
        created_at=timezone.now(),
    )  # fmt: skip


def token_of(request, instance: AcuInstance) -> IssuedToken | None:
    value = bearer(request)
    if not value:
        return None
    token = IssuedToken.objects.filter(app__vendor=AcuApp.VENDOR, access_token=value).first()
    if token is None or token.dead or token.expires_at <= timezone.now():
        raise unauthorized()
    app = AcuApp.objects.select_related("tenant").get(pk=token.app_id)
    if app.tenant.instance_id != instance.pk:
        raise unauthorized()
    return token


class AcumaticaGate(Gate):
    """admit(request, instance, call) → Admission(token, target=the tenant, log=the AcuCall row,
    app=the session)."""

    error = AcuError
    counted_faults = ("fault_rate_limited", "fault_expired_token")

    def identify(self, request, instance, call):
        throttle.enter(instance, call)  # the licence queues every request, signed in or not
        token = token_of(request, instance)
        if token is not None:
            app = AcuApp.objects.select_related("tenant__instance").get(pk=token.app_id)
            user = AcuUser.objects.filter(pk=int(token.grant or 0)).first()
            session = sessions.by_chain(app.tenant, token.chain, user)
        else:
            session = sessions.by_cookie(instance, request.COOKIES.get(sessions.COOKIE, ""))
            if session is None:
                raise unauthorized()
        sessions.touch(session)
        AcuCall.objects.filter(pk=call.pk).update(tenant=session.tenant)
        return Admission(app=session, token=token, target=session.tenant, log=call)

    def fault(self, name, target):
        if name == "fault_rate_limited":
            return too_many_requests()
        if name == "fault_expired_token":
            return unauthorized()
        if name == "fault_error_rate":
            return server_error()
        return server_error("An error has occurred. (sandbox fault after the record was saved)")

    def faulted(self, admission, error):
        if error.status != 401:
            return
        if admission.token is not None:  # the token has expired: it stays so, as a real one would
            IssuedToken.objects.filter(pk=admission.token.pk).update(expires_at=timezone.now())
        else:  # a cookie's session timed out
            sessions.end(admission.app)

    def apply_faults(self, target):
        super().apply_faults(AcuTenant.objects.get(pk=target.pk))  # switches set since the read

    def create_counts(self, resource, wanted):
        return resource == wanted


GATE = AcumaticaGate()
admit, after_create = GATE.admit, GATE.after_create
