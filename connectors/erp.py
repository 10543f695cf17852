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
                  customer_payload(customer, ...), store_customer(record): the store's side
    customers.py  customer_upsert(api, customer, ...): find the ERP's customer, else create it;
                  the customers stream's records (changed since a cursor, one as it is now)
    items.py      the items stream's records for the catalog push (changed since a cursor or
                  all of them, one as it is now), each an ItemChange
    payments.py   the store's payments and refunds posted against the order's document (an ERP
                  that records them: `record_payment` below)
    connector.py  <Kind>Connector(ApiConnector): the ErpConnector below, its api made on first use
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import cached_property

from connectors.canonical import Customer, ErpRecord, Order, Payment
from connectors.checks import CheckResult
from connectors.errors import PermanentError
from connectors.ratelimit import LIVE

# What the job records of an ERP document (SyncJob.erp_document_id and _number are this long).
REF_LENGTH = 100


@dataclass(frozen=True)
class ExternalRef:
    """A document or record in the ERP."""

    id: str
    number: str = ""  # what a person sees (invoice number, customer code)
    posted: bool = False  # posted documents can no longer be changed
    # Said on the job, not an error (Business Central's total with tax differing from the store's).
    warning: str = ""

    def __post_init__(self):
        # Built from an ERP's answer: a ValueError here is read as a malformed answer.
        for name in ("id", "number"):
            value = getattr(self, name)
            if not isinstance(value, str) or len(value) > REF_LENGTH:
                raise ValueError(f"the record's {name} ({value!r:.60}) is not an id")
        if not self.id:
            raise ValueError("the record has no id")


@dataclass(frozen=True)
class PaymentPosting:
    """One of the store's counted payments or refunds to post (sync/payments.py decides which
    count, in which order, and which payments a refund gives back)."""

    payment: Payment
    # A refund: (the store's transaction id, amount) for each payment it gives money back from.
    gives_back: tuple[tuple[str, Decimal], ...] = ()


@dataclass(frozen=True)
class PaymentRef:
    """A payment or refund document in the ERP, posted for one of the store's."""

    source_id: str  # the store's transaction or refund id
    kind: str  # "transaction" or "refund", as canonical.Payment.kind
    id: str
    number: str = ""  # what a person sees (the ERP's reference number)
    released: bool = False


@dataclass(frozen=True)
class DocumentLine:
    """One line of an ERP document as a person reads it (the Orders page, the set-up dry-run)."""

    description: str
    sku: str = ""
    quantity: Decimal = Decimal(1)
    unit_price: Decimal = Decimal(0)
    amount: Decimal = Decimal(0)  # the line's total as the document carries it
    account: str = ""  # the ledger account, tax code or item it posts to, where the ERP says


@dataclass(frozen=True)
class DocumentPreview:
    """The document the connector sends (or would send) for an order, built from the same pure
    payload builders as the create, without any call: what the Orders page shows beside the
    store's lines, and what the set-up dry-run shows before anything is created."""

    kind: str  # "Sales invoice", "Sales order", ...
    customer: str  # the ERP customer it goes to, or what would be created
    lines: tuple[DocumentLine, ...]
    total: Decimal | None = None  # with tax, where the payload says it
    tax: Decimal | None = None
    currency: str = ""
    notes: tuple[str, ...] = ()  # what a person should know (a missing mapping, a cut field)


@dataclass(frozen=True)
class DocumentSummary:
    """An ERP sales document as the ERP lists it, for reconciliation (reconciliation/)."""

    reference: str  # the BigCommerce order id it carries as its external reference
    id: str
    number: str = ""
    total: Decimal | None = None  # with tax, in the document's currency
    currency: str = ""
    date: str = ""  # ISO date as the ERP says it


class PaymentsNotSetUp(Exception):
    """The connection's settings do not say how to post payments (say no cash account is
    chosen): the order syncs, its payments stay in the job, with this as a warning."""


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

    def close(self) -> None:
        """Whoever made the connector calls this in a `finally` when its run is over. Nothing for
        most ERPs; SYSPRO ends its session there when no more of the connection's jobs are due."""

    def slot_reserve(self) -> None:
        """Take a slot of our budget for the ERP now, for the run's first ERP call: while the
        ERP has no room, a run waits before it reads anything from the store (BudgetWait), instead
        of spending the store's scarce budget on reads it would repeat once room came. Nothing for
        an ERP we keep no budget for."""

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

    def document_preview(self, order: Order) -> DocumentPreview:
        """The document `create_sales_document` sends for the order, as a person reads it, from
        the connection's settings alone: no call to the ERP is made."""
        raise NotImplementedError

    def sales_documents(self, since: datetime, until: datetime) -> Iterator[list[DocumentSummary]]:
        """Pages of the sales documents this connection created in the ERP dated in
        [since, until), read from the ERP (not our records), for reconciliation."""
        raise NotImplementedError

    # -- payments: an ERP that records the store's money overrides `record_payment`; the others
    # keep the payments in the job only (MYOB, Exact: settled by their bank reconciliation).
    # Which of the store's money it posts (canonical.Payment.kind): the others stay in the job
    # only (Business Central posts refunds, as credit memos, and not the shopper's payments).
    posted_payment_kinds: frozenset[str] = frozenset({"transaction", "refund"})

    def record_payment(
        self, document: ExternalRef, order: Order, posting: PaymentPosting
    ) -> PaymentRef:
        """Post one payment or refund against the order's document, released. Looks it up by
        its own reference first, so a retry, a redelivery or a replay finds what was posted.
        Raises PaymentsNotSetUp, before any call, while the settings cannot post one."""
        raise NotImplementedError

    # -- ERP → store: one stream per entity (the flow table). A connector supports a stream when
    # it implements both of the stream's methods; the stream's poll skips the others.
    def changed_customers(self, since: datetime | None) -> Iterator[list[ErpRecord]]:
        """Pages of the customer records changed after `since` (None: the stream's first poll),
        oldest first; each record's data is a bigcommerce.customers.StoreCustomer."""
        raise NotImplementedError

    def customer_record(self, erp_id: str) -> ErpRecord | None:
        """The customer record as it is now (None once deleted): the run reads it again."""
        raise NotImplementedError

    def changed_items(self, since: datetime | None) -> Iterator[list[ErpRecord]]:
        """Pages of the item records changed after `since`, oldest first; `since` None lists
        every item (a catalog push's first run). Each record's erp_id is the ERP's item id, its
        data a canonical.ItemChange whose sku is the store's SKU."""
        raise NotImplementedError

    def item_record(self, erp_id: str) -> ErpRecord | None:
        """The item as it is now (None once deleted), as changed_items yields it."""
        raise NotImplementedError


class ApiConnector(ErpConnector):
    """A connector whose calls go through one vendor API object (`api_class`), made on first use:
    making it raises NotConnected while the sign-in is not done, and only then."""

    api_class: type

    def __init__(self, connection, *, lane: str = LIVE):
        super().__init__(connection)
        self.lane = lane

    @cached_property
    def api(self):
        return self.api_class(self.connection, lane=self.lane)

    def close(self) -> None:
        api = self.__dict__.get("api")  # only an api that was made has anything to end
        if api is not None and hasattr(api, "close"):
            api.close()

    def slot_reserve(self) -> None:
        try:
            http = self.api.http
        except PermanentError:  # not signed in: the run says so where it needs the ERP
            return
        http.slot_reserve()


def records_payments(connector_class) -> bool:
    """The connector posts the store's payments and refunds (it overrides `record_payment`)."""
    return connector_class.record_payment is not ErpConnector.record_payment


def supports_stream(connector_class, stream: str) -> bool:
    """The connector lists changes of this stream (it overrides `changed_<stream>`)."""
    method = f"changed_{stream}"
    return getattr(connector_class, method) is not getattr(ErpConnector, method)
