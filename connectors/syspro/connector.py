"""SYSPRO: BigCommerce orders as sales orders (SORTOI), invoiced in billing mode (SORTIC), and
customers as ArCustomer records (ARSSCS), over e.net REST in one operator session per cycle.

Exactly once: before posting, the sales order is looked up by the order's reference (its
CustomerPoNumber, mapping.order_reference; SORTOI is also sent CheckForCustomerPoNumbers=Y). A post
is never repeated in place (a timeout or 5xx is an AmbiguousWrite); the job's next attempt finds
the order. In billing mode SORTIC invoices it at once (status 8 → 9) and the job keeps the
invoice number ("order 000123, invoice 100045"); an order found still in status 8 (its invoicing
not confirmed) is invoiced by update_sales_document, one in status 9 is left as it is. The order's
SKUs are checked first, in one COMFND of InvMaster, so a missing one is named before anything is
posted.
"""

from dataclasses import replace

from django.db import transaction
from django.utils import timezone

from connectors.answers import reading
from connectors.checks import CheckResult
from connectors.erp import ApiConnector, ExternalRef, UpdateNotAllowed
from connectors.errors import (
    ConnectorError,
    PermanentError,
    ReconnectRequired,
    TransientError,
    UnreadableAnswer,
    UnsafeDestination,
)
from connectors.syspro import documents, mapping, preview, xml
from connectors.syspro.api import SysproApi
from connectors.syspro.client import LABEL, NotConnected, stored
from connectors.syspro.customer_changes import customer_now, customers_changed
from connectors.syspro.customers import customer_upsert
from connectors.syspro.items import Where, item_now, items_changed

ORDERS, STOCK = "SorMaster", "InvMaster"
ORDER_COLUMNS = ["SalesOrder", "Customer", "CustomerPoNumber", "OrderStatus", "LastInvoice"]
CANCELLED = "\\"  # SorMaster.OrderStatus of a cancelled order (UNCONFIRMED)
CODES_PER_LOOKUP = 20  # stock codes in one COMFND (Or between expressions)
# e.net REST sends the order's XML in the URL of a GET; Windows' HTTP.sys in front of SYSPRO
# refuses a request line and headers over MaxRequestBytes (16,384 bytes by default; a site's own
# value UNCONFIRMED) with "400 Bad Request - Request Too Long".
TOO_LONG = (
    "SYSPRO's web server refused the sales order for order {number} as too long: e.net carries "
    "the order's {lines} lines in the request's address, over what Windows' HTTP.sys accepts "
    "(MaxRequestBytes, 16,384 bytes by default). Ask your SYSPRO partner to raise MaxRequestBytes "
    "and MaxFieldLength (registry HKLM\\SYSTEM\\CurrentControlSet\\Services\\HTTP\\Parameters) "
    "on the SYSPRO server, or enter this order in SYSPRO by hand; then replay."
)

UNREACHABLE_HINT = (
    "Check the e.net REST service URL (…/SYSPROWCFService/Rest), that the SYSPRO e.net "
    "Communications Load Balancer service is running, and that it is published over https to "
    "the internet; then try again."
)


class SysproConnector(ApiConnector):
    label = LABEL
    api_class = SysproApi

    # -- Test connection ------------------------------------------------------------------
    def check(self) -> CheckResult:
        """Logon, GetLogonProfile, Logoff; says which part failed: the server, the operator, its
        password, the company, the licence seats."""
        try:
            return self._check()
        finally:
            self.close()  # logs off unless jobs of the connection are due (they use it next)

    def _check(self) -> CheckResult:
        try:
            api = self.__dict__["api"] = SysproApi(self.connection, lane=self.lane, revive=True)
            with reading(LABEL, "the logon profile"):
                profile = api.logon_profile()
                found = {
                    field: xml.text(profile, field)
                    for field in ("CompanyName", "CompanyId", "OperatorCode", "SysproVersion")
                }
        except (NotConnected, UnsafeDestination) as exc:
            return self._failed(exc.message, "Correct it in the connection's settings.")
        except ReconnectRequired as exc:
            return self._failed(exc.message)
        except UnreadableAnswer as exc:
            return self._failed(
                f"The server at the SYSPRO URL is not answering as a SYSPRO e.net REST service: "
                f"{exc.message}",
                UNREACHABLE_HINT,
            )
        except TransientError as exc:
            if exc.retry_after and "licence" in exc.message:
                return self._failed(exc.message, "Try again once a seat is free.")
            return self._failed(f"SYSPRO could not be reached: {exc.message}", UNREACHABLE_HINT)
        except ConnectorError as exc:
            return self._failed(exc.message)
        company = (
            found["CompanyName"] or found["CompanyId"] or stored(self.connection).get("company_id")
        )
        revived(self.connection)
        version = f" {found['SysproVersion']}" if found["SysproVersion"] else ""
        return CheckResult(
            self.label,
            ok=True,
            message=f"Connected to SYSPRO{version}: company {company} "
            f"({found['CompanyId'] or stored(self.connection).get('company_id')}), operator "
            f"{found['OperatorCode'] or stored(self.connection).get('operator')}.",
        )

    def _failed(self, message: str, hint: str = "") -> CheckResult:
        return CheckResult(self.label, ok=False, message=message, hint=hint)

    # -- SYSPRO → store: the linked customers (customer_changes.py), the stock items (items.py)
    def changed_customers(self, since):
        return customers_changed(self.api, since)

    def customer_record(self, erp_id: str):
        return customer_now(self.api, erp_id)

    @property
    def item_source(self) -> Where:
        settings = self.connection.erp_settings or {}
        return Where(warehouse=str(settings.get("warehouse") or "WH01").strip(),
                     price_code=str(settings.get("price_code") or "").strip())  # fmt: skip

    def changed_items(self, since):
        return items_changed(self.api, self.item_source, since)

    def item_record(self, erp_id: str):
        return item_now(self.api, self.item_source, erp_id)

    # -- SYSPRO's settings for documents and customers (mapping.py) ------------------------
    @property
    def settings(self) -> mapping.MappingSettings:
        return mapping.MappingSettings.from_settings(self.connection.erp_settings)

    # -- customers (customers.py) ----------------------------------------------------------
    @reading(LABEL, "a customer")
    def upsert_customer(self, customer) -> ExternalRef:
        return customer_upsert(self.api, customer, self.settings)

    # -- sales orders: SORTOI, then SORTIC in billing mode ----------------------------------
    def sales_documents(self, since, until):
        """Reconciliation's ERP side: connectors/syspro/documents.py."""
        return documents.sales_documents(self.api, since, until)

    @reading(LABEL, "the search for the order's sales order")
    def find_sales_document(self, order) -> ExternalRef | None:
        """The sales order whose CustomerPoNumber is the order's reference (a cancelled one
        does not count), so a retry or a replay never posts it twice."""
        rows = self.api.comfnd(
            ORDERS, ORDER_COLUMNS, [("CustomerPoNumber", "EQ", mapping.order_reference(order))],
            max_rows=10, order_by="SalesOrder", operation="salesorders.find",
        )  # fmt: skip
        live = [
            row for row in rows if row.get("SalesOrder") and row.get("OrderStatus") != CANCELLED
        ]
        return _order_ref(live[0]) if live else None

    def document_preview(self, order):
        """The document create_sales_document would send, with no call (preview.py)."""
        return preview.document_preview(order, self.settings)

    @reading(LABEL, "the new sales order")
    def create_sales_document(self, order, customer: ExternalRef) -> ExternalRef:
        settings = self.settings
        document, cuts = mapping.sortoi_xml(order, customer.id, settings, self._stock_codes(order))
        try:
            root = self.api.post("SORTOI", mapping.sortoi_parameters(settings), document,
                                 operation="salesorders.create")  # fmt: skip
        except PermanentError as exc:
            if exc.status == 400 and "too long" in exc.message.lower():
                raise PermanentError(TOO_LONG.format(number=order.number,
                                                     lines=len(order.lines))) from exc  # fmt: skip
            raise
        sales_order = xml.text(root, "Order", "SalesOrder")
        problems = xml.errors(root)
        failed = xml.text(root, "ValidationStatus", "Status").lower() == "failed"
        if problems or failed or not sales_order:
            said = "; ".join(problems) or (
                "its validation failed without a reason"
                if failed
                else "it gave no sales order number"
            )
            raise PermanentError(
                f"SYSPRO refused the sales order for order {order.number}: {said}. Correct it in "
                "BigCommerce or in SYSPRO, then replay."
            )
        ref = ExternalRef(sales_order, number=f"order {sales_order}")
        if settings.billing:
            ref = self._invoiced(sales_order, order)
        warnings = [w for w in (customer.warning, *cuts) if w]
        return replace(ref, warning=" ".join(warnings)) if warnings else ref

    @reading(LABEL, "the order's sales order")
    def update_sales_document(self, ref: ExternalRef, order, customer: ExternalRef) -> ExternalRef:
        """A billing order still ready to invoice (its SORTIC not confirmed) is invoiced; any
        other sales order is not changed by ml-connector."""
        if self.settings.billing and not ref.posted:
            row = self._order_row(ref.id)
            if row is not None and row.get("OrderStatus") == mapping.STATUS_TO_INVOICE:
                return self._invoiced(ref.id, order)
        state = "is invoiced" if ref.posted else "exists"
        raise UpdateNotAllowed(
            f"SYSPRO sales order {ref.id} {state}, so ml-connector does not change it; adjust it "
            "in SYSPRO (Sales Orders → Sales Order Entry)."
        )

    def _order_row(self, sales_order: str) -> dict | None:
        rows = self.api.comfnd(ORDERS, ORDER_COLUMNS, [("SalesOrder", "EQ", sales_order)],
                               max_rows=1, operation="salesorders.get")  # fmt: skip
        return rows[0] if rows else None

    def _invoiced(self, sales_order: str, order) -> ExternalRef:
        """SORTIC: the billing order (status 8) invoiced, status 9, its invoice number."""
        date = timezone.localdate().isoformat()
        root = self.api.post("SORTIC", mapping.sortic_parameters(date),
                             mapping.sortic_xml(sales_order), operation="salesorders.invoice")  # fmt: skip
        invoice = xml.text(root, "Item", "Invoice")
        if problems := xml.errors(root):
            raise PermanentError(
                f"SYSPRO made sales order {sales_order} for order {order.number} but refused to "
                f"invoice it: {'; '.join(problems)}. Invoice it in SYSPRO, or correct the cause "
                "and replay (the sales order is found, not made again)."
            )
        if not invoice:
            raise UnreadableAnswer(
                f"SYSPRO's answer to invoicing sales order {sales_order} names no invoice "
                "(Item/Invoice). The answer is kept in the API call log."
            )
        return ExternalRef(
            sales_order, number=f"order {sales_order}, invoice {invoice}", posted=True
        )

    def _stock_codes(self, order) -> dict[str, str]:
        """{stock code upper case: as SYSPRO has it} for the order's SKUs, in one COMFND of
        InvMaster per 20 SKUs; a SKU SYSPRO lacks fails the order, naming it."""
        wanted = sorted({mapping.stock_code(line.sku) for line in order.lines})
        found = {}
        for start in range(0, len(wanted), CODES_PER_LOOKUP):
            codes = wanted[start : start + CODES_PER_LOOKUP]
            where = [("Or", "StockCode", "EQ", code) for code in codes]
            where[0] = ("StockCode", "EQ", codes[0])
            rows = self.api.comfnd(STOCK, ["StockCode"], where, max_rows=len(codes) * 2,
                                   operation="items.find")  # fmt: skip
            found |= {
                row["StockCode"].upper(): row["StockCode"] for row in rows if row.get("StockCode")
            }
        for line in order.lines:
            if mapping.stock_code(line.sku) not in found:
                raise mapping.missing_stock(line.sku)
        return found


def revived(connection) -> None:
    """SYSPRO took the settings again: a connection that needed reconnecting (a refused Logon)
    gets going again, with the jobs that waited."""
    from sync.dispatch import jobs_dispatch_waiting
    from tenants.models import Connection, ConnectionStatus

    with transaction.atomic():
        changed = Connection.objects.filter(
            pk=connection.pk, status=ConnectionStatus.NEEDS_RECONNECT
        ).update(status=ConnectionStatus.ACTIVE, last_error="", last_error_at=None)
        if changed:
            connection.refresh_from_db()
            transaction.on_commit(lambda: jobs_dispatch_waiting(connection=connection))


def _order_ref(row: dict) -> ExternalRef:
    sales_order, invoice = row["SalesOrder"], row.get("LastInvoice", "")
    status = row.get("OrderStatus", "")
    invoiced = status == mapping.STATUS_COMPLETE and bool(invoice)
    number = f"order {sales_order}, invoice {invoice}" if invoiced else f"order {sales_order}"
    return ExternalRef(sales_order, number=number, posted=status == mapping.STATUS_COMPLETE)
