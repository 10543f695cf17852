"""The one interface every ERP connector implements. Vendor quirks stay inside.

Each ERP package (`connectors/<kind>/`) names the parts that play the same role the same way:

    auth.py       SYSTEM, token_manager(connection)  (its refresh is connectors.auth.RefreshGrant)
    client.py     RULES (VendorRules), NotConnected, the audited client of the connection's books
    api.py        <Kind>Api: pages/list/first/get/create/update on connectors.odata, quoted(value)
    setup.py      redirect_uri(), authorize_url(connection, state), code_exchange(connection, code),
                  connection_connect(connection, tokens=..., ...), is_connected(connection),
                  picker_choices(connection), mapping_problems(connection, values)
    views.py      PAGES: the set-up pages (connectors.oauth_views.SetupPages) and their form fields
    urls.py       app_name = kind; PAGES.urlpatterns() (connect, connect-callback, picker, mappings)
    mapping.py    MappingSettings, Resolved, order_reference(order), pure payload builders:
                  invoice_payload(order, customer_id, settings, resolved, ...),
                  customer_payload(customer, ...)
    customers.py  customer_upsert(api, customer, ...): find the ERP's customer, else create it
    connector.py  <Kind>Connector, the ErpConnector below
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from connectors.canonical import Customer, ItemChange, Order
from connectors.checks import CheckResult

# What the job records of an ERP document (SyncJob.erp_document_id and _number are this long).
REF_LENGTH = 100


@dataclass(frozen=True)
class ExternalRef:
    """A document or record in the ERP."""

    id: str
    number: str = ""  # what a person sees (invoice number, customer code)
    posted: bool = False  # posted documents can no longer be changed

    def __post_init__(self):
        # Built from an ERP's answer: a ValueError here is read as a malformed answer.
        for name in ("id", "number"):
            value = getattr(self, name)
            if not isinstance(value, str) or len(value) > REF_LENGTH:
                raise ValueError(f"the record's {name} ({value!r:.60}) is not an id")
        if not self.id:
            raise ValueError("the record has no id")


class UpdateNotAllowed(Exception):
    """The ERP document exists but cannot be changed any more (posted, closed)."""


class ErpConnector:
    label = "ERP"
    # ERPs with no customer feed of their own get every store customer once, on activation.
    pull_customers_on_activate = False

    def __init__(self, connection):
        self.connection = connection

    def check(self) -> CheckResult:
        raise NotImplementedError

    def upsert_customer(self, customer: Customer) -> ExternalRef:
        raise NotImplementedError

    def find_sales_document(self, order: Order) -> ExternalRef | None:
        """Look the document up by its external reference (the BigCommerce order id)."""
        raise NotImplementedError

    def create_sales_document(self, order: Order, customer: ExternalRef) -> ExternalRef:
        raise NotImplementedError

    def update_sales_document(
        self, ref: ExternalRef, order: Order, customer: ExternalRef
    ) -> ExternalRef:
        """Bring an existing document up to date; raise UpdateNotAllowed where the ERP forbids it."""
        raise UpdateNotAllowed(f"{self.label} documents are not updated after they are created.")

    def changed_items(self, since: datetime | None) -> Iterator[ItemChange]:
        return iter(())
