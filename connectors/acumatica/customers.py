"""The order's customer in Acumatica: found by its link or by `MainContact/Email`, else created
with the settings' customer class under a deterministic CustomerID (mapping.customer_code), and
linked in ExternalLink. The pipeline runs this under its find-or-create claim for the customer,
so two orders of one new buyer make one record."""

from connectors.acumatica import mapping
from connectors.acumatica.api import AcumaticaApi, quoted
from connectors.erp import ExternalRef
from connectors.errors import PermanentError
from connectors.links import customer_link, customer_link_save

CUSTOMERS = "Customer"
SELECT = "CustomerID,CustomerName"


def _find(api: AcumaticaApi, customer) -> dict | None:
    link = customer_link(api.connection, customer.source_id)
    if link is not None:
        found = api.get(CUSTOMERS, link.erp_number or link.erp_id)
        if found is not None:
            return found
        link.delete()  # the customer was deleted in Acumatica: match again
    email = (customer.email or "").strip().lower()
    if email:
        found = api.first(
            CUSTOMERS, filter=f"MainContact/Email eq {quoted(email)}", select=SELECT,
        )  # fmt: skip
        if found is not None:
            return found
    # A create whose answer was lost made this record: its ID is deterministic.
    return api.get(CUSTOMERS, mapping.customer_code(customer))


def customer_upsert(api: AcumaticaApi, customer, settings: mapping.MappingSettings) -> ExternalRef:
    found = _find(api, customer)
    if found is None:
        body = mapping.customer_payload(customer, settings)
        try:
            found = api.put(CUSTOMERS, body, create=True)
        except PermanentError as exc:
            if exc.status != 412:
                raise
            found = api.get(CUSTOMERS, body["CustomerID"])  # made meanwhile: it exists
            if found is None:
                raise
    code = str(found["CustomerID"]).strip()
    customer_link_save(
        api.connection, customer.source_id, erp_id=str(found.get("id") or code), erp_number=code
    )
    return ExternalRef(code, number=code)
