"""What every call to a sandboxed ERP API passes through, in this order: who is calling and for
what (refusals before the call counts), the vendor's rate limits and their headers, the checks of a
counted call, then the switchable faults. A vendor's Gate fills in each step and names the error
each fault answers; the fault switches are the same columns on every vendor's target row (a MYOB
business, an Exact division): fault_latency_ms, fault_error_rate, counted switches (the next N
calls), fault_create_then_error / fault_create_then_hang and fault_create_resource."""

import random
import time
from dataclasses import dataclass, field

from django.db.models import F


@dataclass
class Admission:
    app: object = None  # the calling app, where the vendor names it (MYOB's API key)
    token: object = None  # the bearer token's IssuedToken
    target: object = None  # the row the call reaches: a MYOB business, an Exact division
    headers: dict = field(default_factory=dict)  # rate-limit headers every answer carries
    log: object = None  # this call's request row, where the vendor keeps one


def bearer(request) -> str:
    """The token of `Authorization: Bearer …`, or "" when there is none."""
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


def take_fault(row, name: str) -> bool:
    """Use up one of a counted fault switch; True when one was left."""
    rows = type(row).objects.filter(pk=row.pk, **{f"{name}__gt": 0})
    return bool(rows.update(**{name: F(name) - 1}))


class Gate:
    error: type[Exception] = Exception  # the vendor's error, answered in its own shape
    # Counted switches, checked in this order after the latency and before the error rate.
    counted_faults: tuple[str, ...] = ()

    # --- hooks ------------------------------------------------------------------------------
    def identify(self, request, *args) -> Admission:
        """The caller and its target; refusals here do not count against the limits."""
        raise NotImplementedError

    def count(self, request, admission: Admission, *args) -> dict:
        """Count the call against the vendor's limits; its rate-limit headers (raise when over)."""
        return {}

    def authorize(self, request, admission: Admission, *args) -> None:
        """Checks of a call that has been counted."""

    def fault(self, name: str, target) -> Exception:
        """The error a fault answers: a counted switch's name, "fault_error_rate" or
        "fault_create_then_error"."""
        raise NotImplementedError

    def faulted(self, admission: Admission, error: Exception) -> None:
        """A fault refused the admitted call (e.g. to keep its headers or its log row right)."""

    def create_counts(self, resource: str, wanted: str) -> bool:
        """Whether a create of `resource` is one fault_create_resource names (both lower case)."""
        return resource == wanted

    # --- the steps --------------------------------------------------------------------------
    def admit(self, request, *args) -> Admission:
        admission = self.identify(request, *args)
        admission.headers = self.count(request, admission, *args)
        self.authorize(request, admission, *args)
        try:
            self.apply_faults(admission.target)
        except self.error as error:
            self.faulted(admission, error)
            raise
        return admission

    def apply_faults(self, target) -> None:
        if target.fault_latency_ms:
            time.sleep(target.fault_latency_ms / 1000)
        for name in self.counted_faults:
            if take_fault(target, name):
                raise self.fault(name, target)
        if target.fault_error_rate and random.random() < target.fault_error_rate:
            raise self.fault("fault_error_rate", target)

    def after_create(self, target, resource: str) -> None:
        """Faults of a create that has committed: the vendor made the record, the answer goes
        wrong (an error, or a hang past the client's read timeout)."""
        wanted = target.fault_create_resource.lower()
        if wanted and not self.create_counts(resource.lower(), wanted):
            return
        if take_fault(target, "fault_create_then_error"):
            raise self.fault("fault_create_then_error", target)
        if take_fault(target, "fault_create_then_hang"):
            time.sleep(target.fault_hang_ms / 1000)
