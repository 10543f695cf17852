"""The store's money an ERP is given: which of an order's transactions and refunds count, the
order they are posted in, which payments each refund gives back, and the posting itself.

One place for every ERP that records payments (`ErpConnector.record_payment`, for the kinds
it names in `posted_payment_kinds`); the others keep the payments in the job only
(`job.details["payments"]`)."""

from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal

from connectors.canonical import Order, Payment
from connectors.erp import ExternalRef, PaymentPosting, PaymentRef, PaymentsNotSetUp
from connectors.errors import ConnectorError, PermanentError, Wait
from sync.lease import job_owned
from sync.models import SyncJob

CENT = Decimal("0.01")
# A purchase is an authorisation and capture in one; a capture takes an authorisation's money.
COUNTED_EVENTS = frozenset({"purchase", "capture"})
# In job.details: what was posted, one entry per payment or refund, for the job page.
POSTED = "erp_payments"


def cents(amount) -> Decimal:
    return Decimal(str(amount)).quantize(CENT, rounding=ROUND_HALF_UP)


def counts(payment: Payment) -> bool:
    """Money that moved. Transactions: a successful ("ok") purchase or capture. Not an
    authorization (no money yet: its capture counts), a void, a pending, a settled (the
    settlement of a purchase or capture already counted) or a declined one (status "error").
    Refunds come from the order's refunds list (kind "refund"), never from the transactions'
    `refund` events: a refund is in both, and counting both would give it back twice."""
    if cents(payment.amount) <= 0:
        return False
    if payment.kind == "refund":
        return payment.status.lower() != "declined"
    return (
        payment.kind == "transaction"
        and payment.event.lower() in COUNTED_EVENTS
        and payment.status.lower() == "ok"
    )


def _oldest_first(payment: Payment) -> tuple:
    try:
        when = datetime.fromisoformat(payment.created_at)
    except ValueError:
        when = datetime.max
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    number = int(payment.source_id) if payment.source_id.isdigit() else 0
    # At the same second a payment goes before the refund that may give it back.
    return when, payment.kind == "refund", number, payment.source_id


def postings(payments: list[Payment]) -> list[PaymentPosting]:
    """The counted payments and refunds, oldest first. A refund gives back from the order's
    counted payments, oldest first, what is left of each after earlier refunds (BigCommerce's
    refund names its gateway, not the transaction, so this is our deterministic choice)."""
    left: dict[str, Decimal] = {}  # transaction id -> not yet given back
    planned = []
    for payment in sorted((p for p in payments if counts(p)), key=_oldest_first):
        if payment.kind == "transaction":
            left[payment.source_id] = cents(payment.amount)
            planned.append(PaymentPosting(payment))
            continue
        wanted, gives_back = cents(payment.amount), []
        for source_id, available in left.items():
            taken = min(wanted, available)
            if taken > 0:
                gives_back.append((source_id, taken))
                left[source_id] -= taken
                wanted -= taken
        planned.append(PaymentPosting(payment, tuple(gives_back)))
    return planned


def digest_key(payments: list[Payment]) -> list[list[str]]:
    """What an order's counted money is, for "already synced as it is" to compare."""
    return [
        [x.payment.kind, x.payment.source_id, str(cents(x.payment.amount))]
        for x in postings(payments)
    ]


def describe(payment: Payment) -> str:
    """How a message names it: 'Transaction 12 (49.50 AUD)'."""
    what = "Refund" if payment.kind == "refund" else "Transaction"
    currency = f" {payment.currency}" if payment.currency else ""
    return f"{what} {payment.source_id} ({cents(payment.amount)}{currency})"


def payments_post(
    job: SyncJob, erp, document: ExternalRef, order: Order, payments: list[Payment]
) -> str:
    """Post the counted payments and refunds after the document exists (those of the kinds the
    ERP posts, `posted_payment_kinds`), one at a time, oldest first. One run per order at a time
    (one job per order, and the job's run lease), so two runs never post an order's money at
    once; the connector looks each one up by its own reference before it creates or
    releases it, so a retry, a redelivery or a replay finds what an earlier run posted. Each
    posting is recorded as soon as it is done; a failed one fails the job naming the payment,
    the document and the ERP's words, and leaves the document and earlier postings as they are.
    Returns a warning when the connection is not set up to post them (they stay in the job)."""
    where = document.number or document.id
    kinds = erp.posted_payment_kinds
    for posting in postings(payments):
        payment = posting.payment
        if payment.kind not in kinds:
            continue  # kept in the job only (job.details["payments"])
        given_back = sum((amount for _, amount in posting.gives_back), Decimal(0))
        # A refund is applied to the payments it gives back only where those are posted too.
        gives_back_posted = "transaction" in kinds
        if payment.kind == "refund" and gives_back_posted and given_back != cents(payment.amount):
            raise PermanentError(
                f"{describe(payment)} could not be posted against {where}: the order's payments "
                f"in the ERP hold only {given_back} to give back. Record it in the ERP by hand."
            )
        try:
            ref = erp.record_payment(document, order, posting)
        except PaymentsNotSetUp as exc:
            return f"The order's payments were not posted to {erp.label}: {exc}"
        except Wait:
            raise  # no room yet: nothing was sent
        except ConnectorError as exc:
            # The same error (its kind decides retry or failure), named for the finance team.
            exc.message = f"{describe(payment)} could not be posted against {where}: {exc.message}"
            exc.args = (exc.message,)
            raise
        _record(job, payment, ref)
    return ""


def _record(job: SyncJob, payment: Payment, ref: PaymentRef) -> None:
    job.refresh_from_db(fields=["details"])
    rows = [r for r in job.details.get(POSTED, []) if r.get("source_id") != payment.source_id
            or r.get("kind") != payment.kind]  # fmt: skip
    rows.append({
        "kind": payment.kind, "source_id": payment.source_id, "amount": str(cents(payment.amount)),
        "erp_id": ref.id, "erp_number": ref.number, "released": ref.released,
    })  # fmt: skip
    job_owned(job).update(details={**job.details, POSTED: rows})
