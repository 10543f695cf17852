"""MYOB Business (AccountRight): customers, BigCommerce orders as item (or service) invoices, and
the items the catalog push reads.

Exactly once: before creating, the invoice is looked up by its CustomerPurchaseOrderNumber
("BC-<order id>"), so retries and replays never duplicate it. Payments and refunds are recorded in
the audit only: MYOB invoices are settled through bank reconciliation.
"""

from datetime import datetime, timedelta
from decimal import Decimal

from connectors.answers import reading
from connectors.checks import CheckResult
from connectors.documents import summary
from connectors.erp import ApiConnector, ExternalRef, UpdateNotAllowed
from connectors.errors import ConnectorError, PermanentError, ReconnectRequired
from connectors.myob import mapping, preview
from connectors.myob.api import MyobApi, quoted
from connectors.myob.client import API_KEY, COMPANY_FILE, OAUTH, NotConnected, failed_part
from connectors.myob.customers import customer_now, customer_upsert, customers_changed
from connectors.myob.items import item_now, items_changed
from connectors.myob.reference import ACCOUNTS, CATEGORIES, ITEMS, TAX_CODES, ReferenceData

INVOICES = "Sale/Invoice"  # every invoice type; read only
CHECK_PARTS = {
    OAUTH: ("OAuth sign-in", "Use 'Connect MYOB' to sign in to MYOB again."),
    COMPANY_FILE: (
        "company file credentials",
        "Correct the company file user name and password in the connection's MYOB settings.",
    ),
    API_KEY: ("API key", "ml-connector's MYOB API key was refused: contact the platform operator."),
}


class MyobConnector(ApiConnector):
    label = "MYOB Business"
    api_class = MyobApi

    @property
    def settings(self) -> mapping.MappingSettings:
        return mapping.MappingSettings.from_settings(self.connection.erp_settings)

    # -- Test connection ------------------------------------------------------------------
    @reading("MYOB", "the company file")
    def check(self) -> CheckResult:
        try:
            info = self.api.company_file().get("CompanyFile") or {}
        except NotConnected as exc:
            return CheckResult(self.label, ok=False, message=exc.message)
        except ReconnectRequired as exc:
            return self._failed(OAUTH, exc.message)
        except PermanentError as exc:
            return self._failed(failed_part(exc.message), exc.message)
        except ConnectorError as exc:
            return CheckResult(self.label, ok=False, message=f"MYOB did not answer: {exc.message}",
                               hint="Try again in a few minutes.")  # fmt: skip
        name = info.get("Name") or self.connection.erp_settings.get("business_id")
        return CheckResult(self.label, ok=True, message=f"Connected to the company file '{name}'.")

    def _failed(self, part: str | None, message: str) -> CheckResult:
        what, hint = CHECK_PARTS.get(part, ("company file", ""))
        return CheckResult(
            self.label, ok=False, message=f"MYOB refused the {what}: {message}", hint=hint
        )

    # -- customers ------------------------------------------------------------------------
    @reading("MYOB", "a customer card")
    def upsert_customer(self, customer) -> ExternalRef:
        return customer_upsert(self.api, customer, self.settings)

    def changed_customers(self, since):
        return customers_changed(self.api, since)

    @reading("MYOB", "the customer card as it is now")
    def customer_record(self, erp_id: str):
        return customer_now(self.api, erp_id)

    # -- items: the catalog push's source (connectors/myob/items.py) ----------------------
    def changed_items(self, since):
        return items_changed(self.api, since)

    @reading("MYOB", "the item as it is now")
    def item_record(self, erp_id: str):
        return item_now(self.api, erp_id)

    # -- invoices -------------------------------------------------------------------------
    @reading("MYOB", "the search for the order's invoice")
    def find_sales_document(self, order) -> ExternalRef | None:
        reference = mapping.order_reference(order)
        try:
            found = self.api.first(INVOICES, f"CustomerPurchaseOrderNumber eq {quoted(reference)}")
        except PermanentError as exc:
            if exc.status != 400:
                raise
            # Whether MYOB filters on this field is UNCONFIRMED: if it refuses, read the invoices
            # dated from the day before the order on and compare here.
            found = self._scan_for(reference, order.created_at - timedelta(days=1))
        return _ref(found) if found else None

    def sales_documents(self, since: datetime, until: datetime):
        """The invoices dated in [since, until) that carry an order reference (every invoice
        type; MYOB pages them with $top/$skip through NextPageLink)."""
        start, end = (moment.replace(tzinfo=None).isoformat(timespec="seconds")
                      for moment in (since, until))  # fmt: skip
        text = f"Date ge datetime'{start}' and Date lt datetime'{end}'"
        for page in self.api.pages(INVOICES, filter=text):
            with reading("MYOB", "the invoice list"):
                found = [_summary(invoice) for invoice in page]
            yield [document for document in found if document is not None]

    def _scan_for(self, reference: str, since) -> dict | None:
        text = f"Date ge datetime'{since.replace(tzinfo=None).isoformat(timespec='seconds')}'"
        for page in self.api.pages(INVOICES, filter=text):
            for invoice in page:
                if invoice.get("CustomerPurchaseOrderNumber") == reference:
                    return invoice
        return None

    def resolve(self, order) -> mapping.Resolved:
        """Every MYOB record the invoice refers to, validated against the file before posting."""
        settings = self.settings
        reference = ReferenceData(self.api)
        codes = {
            settings.tax_code_taxable,
            settings.tax_code_non_taxable,
            settings.freight_tax_code,
        }
        skus = {line.sku for line in order.lines if line.sku} | {settings.freight_item} - {""}
        accounts = {settings.unmapped_sku_account} - {""}
        return mapping.Resolved(
            tax_codes=reference.find(TAX_CODES, codes),
            items=reference.find(ITEMS, skus),
            accounts=reference.find(ACCOUNTS, accounts) if accounts else {},
            categories=reference.find(CATEGORIES, [settings.category]) if settings.category else {},
        )

    def document_preview(self, order):
        """The document create_sales_document would send, with no call (preview.py)."""
        return preview.invoice_preview(order, self.settings)

    @reading("MYOB", "the records the invoice needs or the new invoice")
    def create_sales_document(self, order, customer: ExternalRef) -> ExternalRef:
        try:
            kind, body = mapping.invoice_payload(
                order, customer.id, self.settings, self.resolve(order)
            )
        except mapping.MappingError as exc:
            raise PermanentError(str(exc), cause=exc.cause, subject=exc.subject) from exc
        return _ref(self.api.create(f"{INVOICES}/{kind}", body))

    @reading("MYOB", "the order's invoice")
    def update_sales_document(self, ref: ExternalRef, order, customer: ExternalRef) -> ExternalRef:
        """Status, payment and refund changes need nothing in MYOB; changed lines do, and MYOB
        invoices are not rewritten by ml-connector: the user adjusts them."""
        invoice = self.api.get(INVOICES, ref.id)
        if invoice is None:
            raise UpdateNotAllowed(
                f"MYOB invoice {ref.number or ref.id} is no longer in the company file."
            )
        if invoice.get("InvoiceType", "Item") == "Item" and _item_lines(
            invoice, self.settings.freight_item
        ) != _order_lines(order):
            raise UpdateNotAllowed(
                f"The order's lines changed after MYOB invoice {invoice.get('Number')} was created; "
                "adjust the invoice in MYOB."
            )
        return _ref(invoice)


def _ref(invoice: dict) -> ExternalRef:
    return ExternalRef(id=invoice["UID"], number=invoice.get("Number") or "")


def _summary(invoice: dict):
    return summary(
        invoice.get("CustomerPurchaseOrderNumber"), "BC-", id=invoice["UID"],
        number=invoice.get("Number"), total=invoice["TotalAmount"], date=invoice.get("Date"),
    )  # fmt: skip


def _item_lines(invoice: dict, freight_item: str) -> list[tuple[str, Decimal]]:
    lines = [line for line in invoice.get("Lines") or [] if line.get("Item")]
    return sorted(
        (
            str(line["Item"].get("Number") or "").lower(),
            Decimal(str(line.get("ShipQuantity") or 0)).normalize(),
        )
        for line in lines
        if str(line["Item"].get("Number") or "").lower() != freight_item.lower()
    )


def _order_lines(order) -> list[tuple[str, Decimal]]:
    return sorted((line.sku.lower(), line.quantity.normalize()) for line in order.lines)
