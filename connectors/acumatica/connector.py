"""Acumatica: customers (matched by MainContact/Email), and BigCommerce orders as sales orders,
sales orders invoiced and released, or AR invoices (SalesInvoice) released, per the connection's
setting.

Exactly once: before creating, the document is looked up by ExternalRef "BC-<order id>"
(mapping.py says why that field). A create is never repeated in place (api.put create=True); a
create whose answer was lost is found on the job's next attempt. The invoice chain (prepare,
label, release) looks each step up before doing it, so a retry after a crash between steps
finishes the chain without doing a step twice.
"""

from connectors.acumatica import documents, mapping, preview
from connectors.acumatica.api import AcumaticaApi, quoted
from connectors.acumatica.auth import API_USER, sign_in_method, signed_in_manager
from connectors.acumatica.client import (
    LABEL,
    LOGIN_LIMIT_MESSAGE,
    NotConnected,
    RecordRefused,
    instance_url,
)
from connectors.acumatica.customers import customer_upsert
from connectors.acumatica.items import item_now, items_changed
from connectors.acumatica.payments import Payments
from connectors.acumatica.versions import served_versions, version_problem
from connectors.answers import reading
from connectors.causes import SKU_UNMAPPED
from connectors.checks import CheckResult
from connectors.erp import ApiConnector, ExternalRef, UpdateNotAllowed
from connectors.errors import (
    ConnectorError,
    PermanentError,
    RateLimited,
    TransientError,
)

ORDERS, INVOICES = "SalesOrder", "SalesInvoice"
INVOICE = "Invoice"
# Statuses after which a document is no longer changed by ml-connector.
RELEASED = frozenset({"Open", "Closed", "Voided", "Canceled", "Cancelled", "Reserved"})
ORDER_DONE = frozenset({"Completed", "Closed", "Invoiced", "Cancelled", "Canceled", "Shipping"})
MISSING_ITEM = (
    "SKU {sku} has no item in Acumatica (no stock or non-stock item with Inventory ID {sku}). "
    "Create it on Stock Items (IN202500) or Non-Stock Items (IN202000) with that Inventory ID, "
    "or change the product's SKU in BigCommerce to the item's Inventory ID, then replay."
)


class AcumaticaConnector(ApiConnector):
    label = LABEL
    api_class = AcumaticaApi

    @property
    def settings(self) -> mapping.MappingSettings:
        return mapping.MappingSettings.from_settings(self.connection.erp_settings)

    # -- Test connection ------------------------------------------------------------------
    def check(self) -> CheckResult:
        stored = self.connection.erp_settings or {}
        version = stored.get("endpoint_version") or ""
        try:
            served = served_versions(instance_url(self.connection), self.connection)
        except ConnectorError as exc:
            return self._failed(
                f"The Acumatica instance at {instance_url(self.connection) or '(none)'} could not "
                f"be reached or did not list its endpoints: {exc.message}",
                "Check the instance URL in the connection's Acumatica settings.",
            )
        if problem := version_problem(version, served):
            return self._failed(problem, "Choose one of those versions in the settings.")
        try:
            signed_in_manager(self.connection).access_token()
            with reading(LABEL, "a customer read"):
                self.api.first("Customer", filter="", select="CustomerID")
        except NotConnected as exc:
            return self._failed(exc.message)
        except RateLimited as exc:
            hint = "" if exc.message == LOGIN_LIMIT_MESSAGE else "Try again in a minute."
            return self._failed(exc.message, hint)
        except ConnectorError as exc:
            return self._failed(exc.message)
        how = (
            f"the API user {stored.get('username') or ''}".rstrip()
            if sign_in_method(self.connection) == API_USER
            else "'Connect Acumatica'"
        )
        # Said to a person on the set-up pages: the instance by its address, not the API's.
        return CheckResult(
            self.label, ok=True,
            message=f"Connected to Acumatica at {instance_url(self.connection)} (tenant "
            f"{stored.get('tenant') or '?'}), signed in by {how}, endpoint version {version}.",
        )  # fmt: skip

    def _failed(self, message: str, hint: str = "") -> CheckResult:
        return CheckResult(self.label, ok=False, message=message, hint=hint)

    # -- customers ------------------------------------------------------------------------
    @reading(LABEL, "a customer")
    def upsert_customer(self, customer) -> ExternalRef:
        return customer_upsert(self.api, customer, self.settings)

    # -- documents ------------------------------------------------------------------------
    def sales_documents(self, since, until):
        """Reconciliation's ERP side: connectors/acumatica/documents.py."""
        return documents.sales_documents(self.api, self.settings, since, until)

    @reading(LABEL, "the search for the order's document")
    def find_sales_document(self, order) -> ExternalRef | None:
        settings = self.settings
        if settings.document == mapping.DIRECT_INVOICE:
            found = self._invoice_by_reference(order)
            return _invoice_ref(found) if found else None
        found = self._order_by_reference(order, settings)
        return _order_ref(found) if found else None

    def _order_by_reference(self, order, settings) -> dict | None:
        reference = quoted(mapping.order_reference(order))
        return self.api.first(
            ORDERS, filter=f"OrderType eq {quoted(settings.order_type)} and ExternalRef eq {reference}",
            select="OrderType,OrderNbr,Status,CustomerID,ExternalRef",
        )  # fmt: skip

    def _invoice_by_reference(self, order) -> dict | None:
        reference = quoted(mapping.order_reference(order))
        return self.api.first(
            INVOICES, filter=f"Type eq '{INVOICE}' and ExternalRef eq {reference}",
            select="Type,ReferenceNbr,Status,Hold,ExternalRef",
        )  # fmt: skip

    def document_preview(self, order):
        """The document create_sales_document would send, with no call (preview.py)."""
        return preview.document_preview(order, self.settings)

    @reading(LABEL, "the new document")
    def create_sales_document(self, order, customer: ExternalRef) -> ExternalRef:
        settings = self.settings
        if settings.document == mapping.DIRECT_INVOICE:
            body = mapping.sales_invoice_payload(order, customer.id, settings)
            invoice = self._create(INVOICES, body)
            return self._released(invoice)
        body = mapping.sales_order_payload(order, customer.id, settings)
        sales_order = self._create(ORDERS, body)
        if settings.document == mapping.ORDER_THEN_INVOICE:
            return self._invoiced(order, sales_order)
        return _order_ref(sales_order)

    def _create(self, entity: str, body: dict) -> dict:
        try:
            return self.api.put(entity, body, create=True)
        except RecordRefused as exc:
            skus = [value for _, name, value, _ in exc.fields if name == "InventoryID" and value]
            if skus:
                raise PermanentError(
                    MISSING_ITEM.format(sku=skus[0]),
                    status=422,
                    cause=SKU_UNMAPPED,
                    subject=skus[0],
                ) from exc
            raise

    @reading(LABEL, "the order's document")
    def update_sales_document(self, ref: ExternalRef, order, customer: ExternalRef) -> ExternalRef:
        """A chain cut short (an order not yet invoiced, an invoice not yet released) is
        finished; a document's lines are never rewritten by ml-connector."""
        settings = self.settings
        if settings.document == mapping.DIRECT_INVOICE:
            invoice = self.api.get(INVOICES, ref.id, expand="Details")
            if invoice is None:
                raise UpdateNotAllowed(f"Acumatica invoice {ref.number} is no longer there.")
            ref = self._released(invoice)
            self._same_lines(invoice, order, "Qty", f"invoice {ref.number}")
            return ref
        sales_order = self.api.get(ORDERS, ref.id, expand="Details")
        if sales_order is None:
            raise UpdateNotAllowed(f"Acumatica sales order {ref.number} is no longer there.")
        if settings.document == mapping.ORDER_THEN_INVOICE:
            ref = self._invoiced(order, sales_order)
        self._same_lines(sales_order, order, "OrderQty", f"sales order {ref.number}")
        return ref

    @staticmethod
    def _same_lines(document: dict, order, quantity: str, name: str) -> None:
        have = sorted(
            (str(line.get("InventoryID") or "").strip().lower(), mapping.money(line.get(quantity) or 0))
            for line in document.get("Details") or []
        )  # fmt: skip
        want = sorted((line.sku.lower(), mapping.money(line.quantity)) for line in order.lines)
        if have != want:
            raise UpdateNotAllowed(
                f"The order's lines changed after Acumatica {name} was created; adjust it in "
                "Acumatica."
            )

    # -- payments and refunds (connectors/acumatica/payments.py) ---------------------------
    def record_payment(self, document, order, posting):
        # One Payments per run: it reads the document's keys once for all the order's money.
        payments = self.__dict__.setdefault("_payments", Payments(self.api, self.connection))
        return payments.record(document, order, posting)

    # -- the invoice chain ----------------------------------------------------------------
    def _invoiced(self, order, sales_order: dict) -> ExternalRef:
        """The order's invoice, prepared from the sales order, labelled and released; each step
        looked up before it is done."""
        invoice = self._invoice_by_reference(order) or self._prepared_from(sales_order)
        if invoice is None:
            self.api.action(ORDERS, "PrepareSalesInvoice", _order_keys(sales_order))
            invoice = self._prepared_from(sales_order)
            if invoice is None:
                raise TransientError(
                    f"Acumatica prepared no invoice for sales order {sales_order['OrderNbr']} "
                    "yet; ml-connector looks again shortly.",
                    retry_after=30,
                )
        if invoice.get("ExternalRef") != mapping.order_reference(order):
            invoice = {**invoice, **self.api.put(INVOICES, {
                "id": invoice["id"], "ExternalRef": mapping.order_reference(order),
            })}  # fmt: skip
        released = self._released(invoice)
        return ExternalRef(
            sales_order["id"], number=f"{_order_ref(sales_order).number}, invoice {released.number}",
            posted=True,
        )  # fmt: skip

    def _prepared_from(self, sales_order: dict) -> dict | None:
        """The invoice whose lines came from this sales order (its lines carry OrderType and
        OrderNbr). Acumatica cannot filter on detail lines, so the customer's invoices are read."""
        wanted = (sales_order["OrderType"], sales_order["OrderNbr"])
        filter = f"Type eq '{INVOICE}' and CustomerID eq {quoted(sales_order['CustomerID'])}"
        for page in self.api.pages(INVOICES, filter=filter, expand="Details"):
            for invoice in page:
                lines = invoice.get("Details") or []
                if any((line.get("OrderType"), line.get("OrderNbr")) == wanted for line in lines):
                    return invoice
        return None

    def _released(self, invoice: dict) -> ExternalRef:
        """Off hold (a PUT of Hold false: the contract has no action for it) and released."""
        if invoice.get("Status") not in RELEASED:
            if invoice.get("Hold") is not False:
                self.api.put(INVOICES, {"id": invoice["id"], "Hold": False})
            keys = {"Type": invoice.get("Type") or INVOICE, "ReferenceNbr": invoice["ReferenceNbr"]}
            self.api.action(INVOICES, "ReleaseSalesInvoice", keys)
        return _invoice_ref({**invoice, "Status": "Open"})

    # -- items: the catalog push's source (items.py) ---------------------------------------
    def changed_items(self, since):
        return items_changed(self.api, since)

    def item_record(self, erp_id: str):
        return item_now(self.api, erp_id)


def _order_keys(sales_order: dict) -> dict:
    return {"OrderType": sales_order["OrderType"], "OrderNbr": sales_order["OrderNbr"]}


def _order_ref(sales_order: dict) -> ExternalRef:
    return ExternalRef(
        str(sales_order["id"]), number=f"{sales_order['OrderType']} {sales_order['OrderNbr']}",
        posted=sales_order.get("Status") in ORDER_DONE,
    )  # fmt: skip


def _invoice_ref(invoice: dict) -> ExternalRef:
    return ExternalRef(
        str(invoice["id"]), number=str(invoice["ReferenceNbr"]),
        posted=invoice.get("Status") in RELEASED,
    )  # fmt: skip
