"""The fault switches every call of a company passes (sandbox.gate): latency, a share of calls
answered HTTP 500 (as the WCF host answers an unhandled fault; its body UNCONFIRMED), and
for writes of the business object fault_create_resource names (SORTOI, ARSSCS; blank: any)
the committed write answered 500 or held past the client's timeout. A killed session (the next
N calls find theirs ended) is SYSPRO's own failure: sessions.py's ERROR: answer."""

from sandbox.gate import Admission, Gate
from sandbox.syspro.errors import SysproError
from sandbox.syspro.models import SysproCompany

SERVER_FAULT = "The server encountered an error processing the request."


class SysproGate(Gate):
    error = SysproError

    def identify(self, request, company):
        return Admission(target=SysproCompany.objects.get(pk=company.pk))  # switches set since

    def fault(self, name, target):
        return SysproError(SERVER_FAULT, status=500)


GATE = SysproGate()
admit, after_create = GATE.admit, GATE.after_create
