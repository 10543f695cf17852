"""The comparison itself, pure: the store's orders of a period against the ERP's documents, by
the order reference each document carries. No database, no calls."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from connectors.erp import DocumentSummary
from reconciliation.models import FindingKind

CENT = Decimal("0.01")


@dataclass(frozen=True)
class StoreOrder:
    """An order as the store's own order list gives it."""

    id: str
    placed_at: datetime | None
    status_id: int
    status: str
    total: Decimal
    currency: str = ""


@dataclass(frozen=True)
class Finding:
    order: StoreOrder
    kind: str
    documents: tuple[DocumentSummary, ...] = ()
    note: str = ""

    @property
    def erp_total(self) -> Decimal | None:
        totals = [d.total for d in self.documents if d.total is not None]
        return sum(totals, Decimal(0)) if totals else None

    @property
    def document_numbers(self) -> str:
        return ", ".join(d.number or d.id for d in self.documents)


@dataclass
class Outcome:
    findings: list[Finding]
    matched: int = 0
    store_total: Decimal = Decimal(0)
    erp_total: Decimal = Decimal(0)


def documents_by_reference(documents) -> dict[str, list[DocumentSummary]]:
    found = defaultdict(list)
    for document in documents:
        found[document.reference].append(document)
    return found


def reconcile(
    orders: list[StoreOrder], by_reference: dict[str, list[DocumentSummary]], synced_statuses
) -> Outcome:
    """Each store order once: missing, twice, a total off by more than a cent, or not sent
    because its status is not one the connection syncs; the rest count as matched."""
    synced = {int(s) for s in synced_statuses}
    outcome = Outcome(findings=[])
    for order in orders:
        documents = by_reference.get(order.id, [])
        outcome.store_total += order.total
        outcome.erp_total += sum((d.total or Decimal(0) for d in documents), Decimal(0))
        finding = _finding(order, documents, synced)
        if finding is None:
            outcome.matched += 1
        else:
            outcome.findings.append(finding)
    return outcome


def _finding(order: StoreOrder, documents: list[DocumentSummary], synced: set[int]):
    if not documents:
        if order.status_id not in synced:
            return Finding(
                order, FindingKind.SKIPPED,
                note=f"Its status '{order.status}' is not one of the statuses this connection "
                "sends to the ERP.",
            )  # fmt: skip
        return Finding(
            order, FindingKind.MISSING, note="No document in the ERP carries this order."
        )
    if len(documents) > 1:
        return Finding(
            order, FindingKind.DUPLICATE, tuple(documents),
            note=f"{len(documents)} documents in the ERP carry this order.",
        )  # fmt: skip
    (document,) = documents
    if document.total is not None and abs(document.total - order.total) > CENT:
        difference = document.total - order.total
        return Finding(
            order, FindingKind.TOTAL, (document,),
            note=f"The ERP's total is {difference:+,.2f} against the store's.",
        )  # fmt: skip
    return None
