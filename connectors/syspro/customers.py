"""BigCommerce customers as SYSPRO ArCustomer records.

Found by their link (the customer code, `connectors/links.py`), else by e-mail (COMFND on
ArCustomer: `customer_by_email`, the one lookup an OData path may stand in for), else by the code
ml-connector would give them (a lost ARSSCS Add answer, found again), else added (ARSSCS
Setup/Add) with the store's name, contact, e-mail and addresses. The Add is never repeated in
place (a timeout is an AmbiguousWrite: the job's next attempt finds the customer by e-mail or
code). An existing customer is brought up to date (ARSSCS Setup/Update of the managed fields)
only with store data newer than what we last wrote, and only when a field differs.
"""

import logging

from connectors.causes import CUSTOMER_INVALID
from connectors.erp import ExternalRef
from connectors.errors import ConnectorError, PermanentError, UnreadableAnswer
from connectors.links import customer_link, customer_link_save
from connectors.syspro import mapping, xml
from connectors.syspro.odata import odata_customer_by_email, odata_url

logger = logging.getLogger(__name__)

TABLE = "ArCustomer"
COLUMNS = ["Customer", *mapping.MANAGED]
SETUP = "ARSSCS"


def _one(api, where: list[tuple], operation: str) -> dict | None:
    rows = api.comfnd(TABLE, COLUMNS, where, max_rows=1, order_by="Customer", operation=operation)
    return rows[0] if rows and rows[0].get("Customer") else None


def customer_by_code(api, code: str) -> dict | None:
    if not code:
        return None
    return _one(api, [("Customer", "EQ", code)], "customers.get")


def customer_by_email(
    api, email: str, settings: mapping.MappingSettings, said: list[str] | None = None
) -> dict | None:
    """The first ArCustomer with this e-mail (SYSPRO's EQ ignores case on SQL Server's default
    collation: UNCONFIRMED for every site), or None. Read from SYSPRO's OData service when the
    connection sets one up (odata.py); when that fails, from COMFND, with a warning in `said`."""
    email = email.strip().lower()
    if not email:
        return None
    if url := odata_url(api.connection):
        try:
            return odata_customer_by_email(api.connection, url, email, COLUMNS)
        except ConnectorError as exc:
            warning = (
                f"SYSPRO's OData service did not answer the customer lookup ({exc.message}); "
                "the customer was looked up through e.net instead. Check the OData service URL "
                "in the connection's settings."
            )
            logger.warning("%s", warning, extra={"connection": str(api.connection.pk)})
            if said is not None:
                said.append(warning)
    return _one(api, [("Email", "EQ", email)], "customers.find")


def _newer(customer, link) -> bool:
    """Only store data modified after what we last wrote may overwrite the record (a guest's
    never does: it has no modification time)."""
    if customer.modified_at is None:
        return False
    return (
        link is None
        or link.source_modified_at is None
        or customer.modified_at > link.source_modified_at
    )


def _refused(root, what: str) -> None:
    """SYSPRO's field errors in a setup answer, in its own words."""
    problems = xml.errors(root)
    invalid = xml.text(root, "StatusOfItems", "RecordsInvalid", default="0")
    if problems or invalid.strip("0 "):
        said = "; ".join(problems) or f"{invalid} record(s) invalid, without a reason"
        raise PermanentError(
            f"SYSPRO refused {what}: {said}. Correct the customer in BigCommerce or in SYSPRO "
            "(Accounts Receivable → Customers), then replay.",
            cause=CUSTOMER_INVALID,
        )


def _written(api, method: str, customer, code: str, settings) -> tuple[str, dict, list[str]]:
    """(code, the fields written, what was cut to fit): ARSSCS Add or Update."""
    cuts = mapping.Cuts()
    document = mapping.customer_xml(customer, code, settings, cuts)
    what = (
        f"the new customer {code or '(next number)'}"
        if method == "Add"
        else f"the update of customer {code}"
    )
    root = api.setup(method, SETUP, mapping.customer_parameters(), document,
                     operation=f"customers.{method.lower()}")  # fmt: skip
    _refused(root, what)
    if method == "Add":
        code = xml.text(root, "Item", "Key", "Customer") or code
        if not code:
            raise UnreadableAnswer(
                "SYSPRO added the customer but its answer names no customer code (Item/Key/"
                "Customer): find the customer by its e-mail in SYSPRO. The answer is kept in the "
                "API call log."
            )
    return code, dict(mapping.customer_fields(customer, mapping.Cuts())), cuts.said


def customer_upsert(api, customer, settings: mapping.MappingSettings) -> ExternalRef:
    connection = api.connection
    link = customer_link(connection, customer.source_id)
    row = customer_by_code(api, link.erp_id) if link is not None else None
    if link is not None and row is None:
        link.delete()  # gone from SYSPRO: match again
        link = None
    said = []  # the OData lookup's failure, said on the order's job
    if row is None:
        row = customer_by_email(api, customer.email, settings, said)
    if row is None:
        row = customer_by_code(api, mapping.customer_code(customer, settings))
    fields, cuts = {}, []
    if row is None:
        code = mapping.customer_code(customer, settings)
        code, written, cuts = _written(api, "Add", customer, code, settings)
    else:
        code, written = row["Customer"], None
        if _newer(customer, link) and mapping.customer_differs(row, customer):
            code, written, cuts = _written(api, "Update", customer, code, settings)
    if written is not None:
        fields["written_version"] = mapping.customer_version(written)
        if customer.modified_at:
            fields["source_modified_at"] = customer.modified_at
    # What was cut is said on the order's job with its document (ExternalRef.warning). Made
    # first: a code too long to be one is a malformed answer, not a link.
    said += [f"Customer {code}: {cut}" for cut in cuts]
    ref = ExternalRef(id=code, number=code, warning=" ".join(said))
    customer_link_save(connection, customer.source_id, erp_id=code, erp_number=code, **fields)
    return ref
