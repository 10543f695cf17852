"""Where a person opens an order's ERP document: a page of the ERP's own web interface.

Only where one address reaches the document from what the connection knows. Today these are the
sandbox ERPs' read-only document pages (the demo's SYSPRO, Business Central and MYOB) and
Acumatica's own record address (real and sandbox); for the others (Exact Online, and the real
SYSPRO, Business Central and MYOB) the Orders view shows the document number without a link."""

from urllib.parse import quote, urlencode

from django.conf import settings

from sync.models import SyncJob

SYSPRO_SANDBOX = "/sandbox/syspro/"
BC_SANDBOX = "/sandbox/bc/"
MYOB_SANDBOX = "/sandbox/myob/"


def document_link(job: SyncJob) -> str | None:
    if not job.erp_document_id:
        return None
    builder = BUILDERS.get(job.connection.erp_kind)
    return builder(job) if builder else None


def _syspro(job: SyncJob) -> str | None:
    values = job.connection.erp_settings or {}
    server = str(values.get("server_url") or "")
    company = str(values.get("company_id") or "").strip()
    if SYSPRO_SANDBOX not in server or not company:
        return None
    base = server.split(SYSPRO_SANDBOX)[0]
    return f"{base}{SYSPRO_SANDBOX}document/{quote(company)}/order/{quote(job.erp_document_id)}/"


def _business_central(job: SyncJob) -> str | None:
    values = job.connection.erp_settings or {}
    api = str(getattr(settings, "BC_API_URL", "") or "").rstrip("/") + "/"
    company = str(values.get("company_id") or "").strip()
    if BC_SANDBOX not in api or not company:
        return None
    base = api.split(BC_SANDBOX)[0]
    invoice = "invoice" in job.erp_document_number.lower() or (
        values.get("document", "sales_invoice") == "sales_invoice"
    )
    entity_set = "salesInvoices" if invoice else "salesOrders"
    return f"{base}{BC_SANDBOX}document/{quote(company)}/{entity_set}/{quote(job.erp_document_id)}/"


def _myob(job: SyncJob) -> str | None:
    api = str(getattr(settings, "MYOB_API_URL", "") or "")
    business = str((job.connection.erp_settings or {}).get("business_id") or "").strip()
    if MYOB_SANDBOX not in api or not business:
        return None
    base = api.split(MYOB_SANDBOX)[0]
    return f"{base}{MYOB_SANDBOX}document/{quote(business)}/{quote(job.erp_document_id)}/"


def _acumatica(job: SyncJob) -> str | None:
    """Acumatica's own address for a form at one record (Main?ScreenId=…&<keys>), on the real
    instance and on the sandbox alike; not yet checked against a live instance. The number is
    "SO 000123" (and ", invoice …" once invoiced): the sales order's type and number."""
    values = job.connection.erp_settings or {}
    instance = str(values.get("instance_url") or "").rstrip("/")
    parts = job.erp_document_number.split(",")[0].split()
    if not instance or len(parts) != 2:
        return None
    query = {"CompanyID": values.get("tenant") or "", "ScreenId": "SO301000",
             "OrderType": parts[0], "OrderNbr": parts[1]}  # fmt: skip
    return f"{instance}/Main?{urlencode({k: v for k, v in query.items() if v})}"


BUILDERS = {
    "syspro": _syspro, "business_central": _business_central, "myob": _myob,
    "acumatica": _acumatica,
}  # fmt: skip
