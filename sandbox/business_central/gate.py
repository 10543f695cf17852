"""What every API call passes through (sandbox.gate, in BC's order): the bearer token (none,
unknown, expired, or another tenant's → 401), the environment (404), the app's access in
Business Central (not on the "Microsoft Entra Applications" page → 401), then the call is
counted against the app principal's limits (throttle.py) and the environment's fault
switches apply: latency, 503 with Retry-After, 429 storms, 500s."""

from sandbox.business_central import clock, entra, throttle
from sandbox.business_central.errors import (
    BcError,
    invalid_token,
    no_access,
    no_environment,
    server_error,
    too_many_requests,
    unavailable,
)
from sandbox.business_central.models import BcApp, BcEnvironment
from sandbox.gate import Admission, Gate, bearer
from sandbox.models import IssuedToken


class BusinessCentralGate(Gate):
    """admit(request, tenant segment, environment name) → Admission(app, token, target=the
    environment, log=the BcCall row)."""

    error = BcError
    counted_faults = ("fault_unavailable", "fault_rate_limited")

    def identify(self, request, tenant_segment, environment_name):
        value = bearer(request)
        token = None
        if value:
            token = IssuedToken.objects.filter(app__vendor=BcApp.VENDOR, access_token=value).first()
        if token is None or token.dead or token.expires_at <= clock.now():
            raise invalid_token(tenant_segment)
        app = BcApp.objects.select_related("tenant").get(pk=token.app_id)
        tenant = entra.tenant_of(tenant_segment)
        if tenant is None or app.tenant_id != tenant.pk:
            raise invalid_token(tenant_segment)
        environment = BcEnvironment.objects.filter(
            tenant=tenant, name__iexact=environment_name
        ).first()
        if environment is None:
            raise no_environment(environment_name)
        if not app.bc_access:
            raise no_access(tenant_segment)
        return Admission(app=app, token=token, target=environment)

    def count(self, request, admission, *args):
        admission.log = throttle.enter(request, admission.target, admission.app)
        request.bc_call = admission.log  # a fault's refusal is still answered and let go
        return {}

    def fault(self, name, target):
        if name == "fault_unavailable":
            return unavailable(target.fault_retry_after)
        if name == "fault_rate_limited":
            return too_many_requests()
        if name == "fault_error_rate":
            return server_error()
        return server_error("An unexpected error occurred after the record was saved.")

    def apply_faults(self, target):
        super().apply_faults(BcEnvironment.objects.get(pk=target.pk))  # switches set since

    def create_counts(self, resource, wanted):
        return resource == wanted


GATE = BusinessCentralGate()
admit, after_create = GATE.admit, GATE.after_create
