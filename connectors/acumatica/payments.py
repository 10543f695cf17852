"""The store's payments and refunds in Acumatica (AR302000, the `Payment` entity), released.

A counted transaction (sync/payments.py) becomes a Payment of Type "Payment": the document's
customer, PaymentAmount, the connection's PaymentMethod and CashAccount, PaymentRef = the
store's transaction id (what people match to the gateway) and ExternalRef = "BC-<order>-T<id>",
applied to the order's document (OrdersToApply for a sales order, DocumentsToApply for the AR
invoice when the connection makes one), then ReleasePayment.

A refund becomes a Payment of Type "Refund" (a customer refund), ExternalRef "BC-<order>-R<id>",
applied through DocumentsToApply to the Payments it gives back (DocType "Payment"), released.
Why a customer refund and not a credit memo: the Default contract's Payment takes Type "Refund"
and DocType "Payment" applications, and a refund gives money back through the gateway, which is
what a customer refund records (the fact sheet lists no credit memo for the Payment entity; a
credit memo is for a sales return, which the store does not tell us of). UNCONFIRMED: real
Acumatica may refuse a refund of a payment whose whole amount is applied to an invoice until
that application is reversed; the sandbox reverses it on release.

Exactly once: each one is looked up by its ExternalRef before it is created, and before it is
released (an unreleased one is released, a released one is left as it is), so a retry, a
timeout after the save, a redelivery or a replay never posts twice.
"""

import hashlib
from decimal import Decimal

from connectors.acumatica import mapping
from connectors.acumatica.api import quoted
from connectors.acumatica.client import LABEL
from connectors.answers import reading
from connectors.canonical import Order, Payment
from connectors.erp import ExternalRef, PaymentPosting, PaymentRef, PaymentsNotSetUp
from connectors.errors import PermanentError

PAYMENT = "Payment"
REFUND = "Refund"
# A released document's statuses: left as they are (a voided one too: a person voided it).
RELEASED = frozenset({"Open", "Closed", "Voided", "Reserved"})
# UNCONFIRMED: ExternalRef's length on AR302000; 40 is the usual reference length, and our
# references are far shorter ("BC-" + two store ids); a longer one is shortened by a digest.
REFERENCE_LENGTH = 40
NOT_SET_UP = (
    "the connection's Acumatica settings have no payment method or cash account. Choose the "
    "ones payments are recorded with (Payment Methods, CA204000; Cash Accounts, CA202000), then "
    "replay the order."
)


def payment_reference(order: Order, payment: Payment) -> str:
    """The deterministic ExternalRef of one of the store's payments or refunds."""
    letter = "R" if payment.kind == "refund" else "T"
    return _fit(f"{mapping.order_reference(order)}-{letter}{payment.source_id}")


def _fit(reference: str) -> str:
    if len(reference) <= REFERENCE_LENGTH:
        return reference
    return "BC-" + hashlib.sha256(reference.encode()).hexdigest()[: REFERENCE_LENGTH - 3].upper()


def payment_payload(
    payment: Payment, reference: str, customer_id: str, stored: dict, applications: dict
) -> dict:
    """A pure builder: the Payment (or Refund) to create, `applications` its
    DocumentsToApply / OrdersToApply."""
    method, account = _setting(stored, "payment_method"), _setting(stored, "cash_account")
    if not (method and account):
        raise PaymentsNotSetUp(NOT_SET_UP)
    refund = payment.kind == "refund"
    return {
        "Type": REFUND if refund else PAYMENT,
        "CustomerID": customer_id,
        "PaymentAmount": mapping.money(payment.amount),
        "PaymentMethod": method,
        "CashAccount": account,
        "PaymentRef": payment.source_id,
        "ExternalRef": reference,
        "Description": f"BigCommerce {'refund' if refund else 'transaction'} {payment.source_id}",
        "Hold": False,
        **applications,
    }


def _setting(stored: dict, name: str) -> str:
    return str((stored or {}).get(name) or "").strip()


class Payments:
    """The payments of one run (one order): the document's keys are read once."""

    def __init__(self, api, connection):
        self.api = api
        self.connection = connection
        self._targets: dict[str, tuple[str, dict]] = {}

    @reading(LABEL, "the payment")
    def record(self, document: ExternalRef, order: Order, posting: PaymentPosting) -> PaymentRef:
        payment = posting.payment
        stored = self.connection.erp_settings or {}
        if not (_setting(stored, "payment_method") and _setting(stored, "cash_account")):
            raise PaymentsNotSetUp(NOT_SET_UP)  # before any call
        reference = payment_reference(order, payment)
        kind = REFUND if payment.kind == "refund" else PAYMENT
        found = self._by_reference(kind, reference)
        if found is None:
            customer_id, applications = self._applications(document, order, posting)
            body = payment_payload(
                payment, reference, customer_id, self.connection.erp_settings, applications
            )
            # Insert only, never sent twice in place: a lost answer is found by its
            # ExternalRef on the job's next attempt.
            found = self.api.put(PAYMENT, body, create=True)
        return self._released(payment, found)

    def _by_reference(self, kind: str, reference: str) -> dict | None:
        # UNCONFIRMED: ExternalRef is filterable on Payment (it is a plain field of the entity).
        return self.api.first(
            PAYMENT, filter=f"Type eq {quoted(kind)} and ExternalRef eq {quoted(reference)}",
            select="id,Type,ReferenceNbr,Status,Hold,ExternalRef",
        )  # fmt: skip

    def _released(self, payment: Payment, record: dict) -> PaymentRef:
        if record.get("Status") not in RELEASED:
            if record.get("Hold") is not False:  # taken off hold by a PUT: no action for it
                self.api.put(PAYMENT, {"id": record["id"], "Hold": False})
            keys = {"Type": record["Type"], "ReferenceNbr": record["ReferenceNbr"]}
            self.api.action(PAYMENT, "ReleasePayment", keys)
        return PaymentRef(
            source_id=payment.source_id, kind=payment.kind, id=str(record["id"]),
            number=f"{record['Type']} {record['ReferenceNbr']}", released=True,
        )  # fmt: skip

    def _applications(self, document, order, posting) -> tuple[str, dict]:
        """(CustomerID, the applications) of a new payment or refund."""
        customer_id, target = self._target(document, order)
        if posting.payment.kind != "refund":
            return customer_id, target
        lines = []
        for source_id, amount in posting.gives_back:
            reference = _fit(f"{mapping.order_reference(order)}-T{source_id}")
            paid = self._by_reference(PAYMENT, reference)
            if paid is None:
                raise PermanentError(
                    f"the payment it gives back (transaction {source_id}, ExternalRef "
                    f"{reference}) is not in Acumatica."
                )
            lines.append({"DocType": PAYMENT, "ReferenceNbr": paid["ReferenceNbr"],
                          "AmountPaid": Decimal(amount)})  # fmt: skip
        return customer_id, {"DocumentsToApply": lines}

    def _target(self, document: ExternalRef, order: Order) -> tuple[str, dict]:
        """The document's customer and the application line of a payment to it: the AR invoice
        when the connection makes one (it holds the balance), else the sales order. The amount
        is left to Acumatica, which applies what is owed (at most the payment's amount)."""
        if document.id not in self._targets:
            self._targets[document.id] = self._read_target(document, order)
        return self._targets[document.id]

    def _read_target(self, document: ExternalRef, order: Order) -> tuple[str, dict]:
        settings = mapping.MappingSettings.from_settings(self.connection.erp_settings)
        if settings.document == mapping.SALES_ORDER:
            found = self.api.get("SalesOrder", document.id)
            if found is None:
                raise PermanentError(f"sales order {document.number} is no longer in Acumatica.")
            line = {"OrderType": found["OrderType"], "OrderNbr": found["OrderNbr"]}
            return str(found["CustomerID"]), {"OrdersToApply": [line]}
        found = self.api.first(
            "SalesInvoice",
            filter=f"Type eq 'Invoice' and ExternalRef eq {quoted(mapping.order_reference(order))}",
            select="Type,ReferenceNbr,CustomerID,Status",
        )  # fmt: skip
        if found is None:
            raise PermanentError(f"the order's invoice ({document.number}) is not in Acumatica.")
        line = {"DocType": "Invoice", "ReferenceNbr": found["ReferenceNbr"]}
        return str(found["CustomerID"]), {"DocumentsToApply": [line]}
