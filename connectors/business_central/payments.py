"""The store's refunds in Business Central: each one a sales credit memo, posted, against the
order's posted sales invoice.

What is posted: refunds only (BusinessCentralConnector.posted_payment_kinds). The store's
transactions (the shopper's payments) are recorded on the job (`job.details["payments"]`), not
posted: they are settled in Business Central by its own cash receipts and bank reconciliation,
as for MYOB and Exact Online.

A refund becomes a `salesCreditMemos` record created with its line in one request (deep insert):
the invoice's customer, `invoiceId` (the posted invoice it applies to: Business Central fills
invoiceNumber and, on posting, the applies-to document), `externalDocumentNumber` = "BC-<order>-
R<refund id>" (the refund's own reference), and one G/L account line on the connection's refund
account. One line, not the refunded items: the store's refund (canonical Payment) carries its
total only, not which items or how much of the shipping and tax it gives back. So the refund is
split as the invoice was: its line takes the refund less the invoice's own share of tax (none when
the invoice's prices include tax), and Business Central adds the tax back from the customer's tax
area, which gives back that tax too. The credit memo's total must then equal the refund within a
cent; one that differs (the account's tax is not the invoice's) is not posted, and the job says
so. Then `Microsoft.NAV.post`.

Exactly once: the credit memo is looked up by its externalDocumentNumber before it is created
and before it is posted; a draft found (a run that ended between the create and the post) is
posted, never created again; a posted one is left as it is. A create is never repeated in place
(its lost answer is found by the look-up on the job's next attempt). An order's refunds are
posted one at a time, oldest first: they are posted by the order's job, whose run lease lets one
run of it work at a time (sync/lease.py), and one job per order (sync/payments.py).

In sales-order mode the order has no posted invoice until people in Business Central invoice it
(Post → Ship and Invoice): its refunds wait, with a warning on the job, and are posted by the
next run after that (a replay, or the order's next change in the store), against the invoice
posted from the order (it keeps the order's externalDocumentNumber).
"""

import hashlib
from decimal import Decimal

from connectors.answers import reading
from connectors.business_central import mapping
from connectors.business_central.client import LABEL
from connectors.canonical import Order, Payment
from connectors.erp import ExternalRef, PaymentPosting, PaymentRef, PaymentsNotSetUp
from connectors.errors import PermanentError
from connectors.odata import quoted

money = mapping.money

CREDIT_MEMOS = "salesCreditMemos"
LINES = "salesCreditMemoLines"
POST = "post"  # Microsoft.NAV.post
DRAFT = "Draft"
UNPOSTED = frozenset({DRAFT, "In Review"})  # an invoice before posting
CENT = Decimal("0.01")
# externalDocumentNumber is Code[35] in Business Central; ours are far shorter ("BC-" and two
# store ids); a longer one is shortened by a digest, deterministically.
REFERENCE_LENGTH = 35
DESCRIPTION_LENGTH = 100
NOT_SET_UP = (
    "the connection's Business Central settings have no refund account. Choose the G/L account "
    "refunds are credited to (Chart of Accounts, e.g. a sales returns account), then replay "
    "the order."
)


def refund_reference(order: Order, payment: Payment) -> str:
    """The credit memo's deterministic externalDocumentNumber."""
    reference = f"BC-{order.source_id}-R{payment.source_id}"
    if len(reference) <= REFERENCE_LENGTH:
        return reference
    digest = hashlib.sha256(reference.encode()).hexdigest()
    return "BC-" + digest[: REFERENCE_LENGTH - 3].upper()


def refund_account(stored: dict) -> str:
    return str((stored or {}).get("refund_account") or "").strip()


def _amount(invoice: dict, field: str) -> Decimal:
    value = invoice.get(field) or 0
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise TypeError(f"the invoice's {field} ({value!r:.40}) is not an amount")
    return Decimal(str(value))


def refund_net(amount: Decimal, invoice: dict) -> Decimal:
    """The refund's line amount: the refund less the tax share the invoice has (its tax over its
    total with tax), for Business Central to add the tax back; the whole refund when the
    invoice's prices include tax or it has no tax."""
    if invoice.get("pricesIncludeTax") is True:
        return money(amount)
    ex_tax, tax = _amount(invoice, "totalAmountExcludingTax"), _amount(invoice, "totalTaxAmount")
    if ex_tax <= 0 or tax <= 0:
        return money(amount)
    return money(Decimal(amount) * ex_tax / (ex_tax + tax))


def credit_memo_payload(
    order: Order, payment: Payment, reference: str, invoice: dict, account: str
) -> dict:
    """A pure builder: the credit memo to create, with its one line (deep insert)."""
    description = (
        f"BigCommerce refund {payment.source_id} of order {order.number or order.source_id}"
    )
    body = {
        "customerId": invoice["customerId"],
        "invoiceId": invoice["id"],
        "externalDocumentNumber": reference,
        LINES: [
            {
                "lineType": "Account",
                "lineObjectNumber": account,
                "description": description[:DESCRIPTION_LENGTH],
                "quantity": Decimal(1),
                "unitPrice": refund_net(payment.amount, invoice),
            }
        ],
    }
    if invoice.get("currencyCode"):  # the invoice's currency, for the credit to apply to it
        body["currencyCode"] = invoice["currencyCode"]
    return body


class InvoiceNotPosted(PaymentsNotSetUp):
    """The order's document has no posted invoice yet (sales-order mode): the refund waits, and
    the job says so (a warning, as for a connection not set up)."""


class Refunds:
    """The refunds of one run (one order): the order's invoice is read once."""

    def __init__(self, api, connection):
        self.api = api
        self.connection = connection
        self._invoices: dict[str, dict] = {}

    @reading(LABEL, "the credit memo")
    def record(self, document: ExternalRef, order: Order, posting: PaymentPosting) -> PaymentRef:
        payment = posting.payment
        account = refund_account(self.connection.erp_settings)
        if not account:
            raise PaymentsNotSetUp(NOT_SET_UP)  # before any call
        reference = refund_reference(order, payment)
        found = self._by_reference(reference)
        if found is None:
            invoice = self._invoice(document, order)
            body = credit_memo_payload(order, payment, reference, invoice, account)
            found = self.api.create(CREDIT_MEMOS, body)
        return self._posted(payment, found)

    def _by_reference(self, reference: str) -> dict | None:
        return self.api.first(CREDIT_MEMOS, filter=f"externalDocumentNumber eq {quoted(reference)}")

    def _posted(self, payment: Payment, memo: dict) -> PaymentRef:
        """The draft posted, once its total is the refund's; a posted one as it is."""
        if memo.get("status") == DRAFT:
            total = money(memo["totalAmountIncludingTax"])
            if abs(total - money(payment.amount)) > CENT:
                raise PermanentError(
                    f"Business Central's draft credit memo {memo.get('number')} totals {total}, "
                    f"not the refund's {money(payment.amount)}: Business Central's tax on the "
                    f"refund account {refund_account(self.connection.erp_settings)} is not the "
                    "order's invoice's. Correct the draft's line in Business Central so that it "
                    "totals the refund (or delete the draft), then replay the order.",
                    status=422,
                )
            self.api.action(CREDIT_MEMOS, memo["id"], POST)
        return PaymentRef(
            source_id=payment.source_id, kind=payment.kind, id=str(memo["id"]),
            number=f"credit memo {memo.get('number') or memo['id']}", released=True,
        )  # fmt: skip

    def _invoice(self, document: ExternalRef, order: Order) -> dict:
        if document.id not in self._invoices:
            self._invoices[document.id] = self._posted_invoice(document, order)
        return self._invoices[document.id]

    def _posted_invoice(self, document: ExternalRef, order: Order) -> dict:
        """The order's posted sales invoice: the document itself in invoice mode; in sales-order
        mode the invoice posted from the sales order, which keeps the order's
        externalDocumentNumber (Business Central deletes the order once fully invoiced)."""
        if self._settings().document == mapping.SALES_ORDER:
            reference = quoted(mapping.order_reference(order))
            invoice = self.api.first(
                mapping.INVOICES,
                filter=f"externalDocumentNumber eq {reference} and status ne {quoted(DRAFT)}",
            )  # fmt: skip
            if invoice is None:
                raise InvoiceNotPosted(
                    f"sales order {document.number or document.id} has no posted invoice in "
                    "Business Central yet, and a refund is credited against the invoice. Invoice "
                    "the order there (Post → Ship and Invoice), then replay the order."
                )
            return invoice
        invoice = self.api.get(mapping.INVOICES, document.id)
        if invoice is None:
            raise PermanentError(
                f"the order's invoice ({document.number or document.id}) is no longer in "
                "Business Central."
            )
        if invoice.get("status") in UNPOSTED:
            raise InvoiceNotPosted(
                f"the order's invoice {invoice.get('number')} is still a draft in Business "
                "Central, and a refund is credited against a posted invoice. Post it there, then "
                "replay the order."
            )
        return invoice

    def _settings(self) -> mapping.MappingSettings:
        return mapping.MappingSettings.from_settings(self.connection.erp_settings)
