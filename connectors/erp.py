"""The one interface every ERP connector implements (DESIGN §4). Vendor quirks stay inside."""

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
