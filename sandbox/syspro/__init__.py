"""The sandbox SYSPRO: e.net Solutions over REST (the WCF service's REST binding) at
/sandbox/syspro/SYSPROWCFService/Rest/…, with the read-only OData service beside it. Wire format
from recorded exchanges with a SYSPRO 7 server; what no source proves is marked UNCONFIRMED."""
