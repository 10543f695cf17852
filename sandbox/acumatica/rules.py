"""What Acumatica's screens do when a record is saved through the API, per entity: key fields,
numbering, defaults, the checks that answer 422 on a field, computed totals and statuses."""

from dataclasses import dataclass, field
from decimal import Decimal

from sandbox.acumatica import wire
from sandbox.acumatica.contract import fields
from sandbox.acumatica.models import AcuRecord, AcuTenant
from sandbox.acumatica.numbering import INVOICE_PREFIX, next_number

NOT_FOUND = "'{label}' cannot be found in the system."


class FieldProblem(Exception):
    """A validation error on one field: `path` is ("CustomerID",) or ("Details", 0, "UOM"),
    indexes counting the lines of the body as sent."""

    def __init__(self, path: tuple, message: str):
        super().__init__(message)
        self.path, self.message = path, message


@dataclass(frozen=True)
class Entity:
    name: str
    keys: tuple[str, ...]
    stamps: tuple[str, ...] = ()  # stamped with the server's clock on every write
    created: tuple[str, ...] = ()  # stamped on insert
    inquiry: bool = False  # PUT answers rows; nothing is stored
    writable: bool = True
    line_keys: dict = field(default_factory=dict)  # detail name → its line number field


def dec(value) -> Decimal:
    return Decimal(str(value)) if value not in (None, "") else Decimal(0)


def money(value: Decimal) -> float:
    return float(value.quantize(Decimal("0.01")))


def lookup(tenant: AcuTenant, entity: str, keys: str) -> AcuRecord | None:
    return AcuRecord.objects.filter(tenant=tenant, entity=entity, keys=keys).first()


def item_of(tenant: AcuTenant, inventory_id) -> AcuRecord | None:
    """A stock item or, failing that, a non-stock item with this InventoryID."""
    if inventory_id in (None, ""):
        return None
    return lookup(tenant, "StockItem", str(inventory_id)) or lookup(
        tenant, "NonStockItem", str(inventory_id)
    )


def listed(tenant: AcuTenant, kind: str, data: dict, name: str, label: str, path=None) -> None:
    """A field holding one of the tenant's reference values (customer classes, warehouses…)."""
    chosen = wire.value(data, name)
    if chosen is not None and chosen not in tenant.reference.get(kind, []):
        raise FieldProblem(path or (name,), NOT_FOUND.format(label=label))


def default(data: dict, name: str, value) -> None:
    if wire.value(data, name) is None:
        data[name] = wire.wrap(value)


def sent_lines(sent: dict, detail: str) -> list:
    return sent.get(detail) if isinstance(sent.get(detail), list) else []


# --- Customer ----------------------------------------------------------------------------------
def customer(tenant: AcuTenant, data: dict, sent: dict, before: dict | None) -> None:
    if wire.value(data, "CustomerID") is None:
        # UNCONFIRMED: auto-numbered as when the CUSTOMER segmented key auto-numbers.
        data["CustomerID"] = wire.wrap(next_number(tenant, "Customer", "C"))
    classes = tenant.reference.get("customer_classes") or ["DEFAULT"]
    default(data, "CustomerClass", classes[0])
    listed(tenant, "customer_classes", data, "CustomerClass", "Customer Class")
    default(data, "Status", "Active")
    default(data, "CurrencyID", "USD")
    email = wire.value(data.get("MainContact") or {}, "Email")
    if email is not None and wire.value(data, "Email") is None:
        data["Email"] = wire.wrap(email)


def _customer_exists(tenant, data, path=("CustomerID",)) -> None:
    customer_id = wire.value(data, "CustomerID")
    if customer_id is None:
        raise FieldProblem(path, "'Customer' cannot be empty.")
    if lookup(tenant, "Customer", str(customer_id)) is None:
        raise FieldProblem(path, NOT_FOUND.format(label="Customer"))


def _lines(tenant, data, sent, detail: str, qty: str, line_entity: str) -> list[dict]:
    """Check the sent lines' items and warehouses; number every line; compute its amounts."""
    for index, line in enumerate(sent_lines(sent, detail)):
        inventory_id = wire.value(line, "InventoryID")
        if inventory_id is not None and item_of(tenant, inventory_id) is None:
            raise FieldProblem(
                (detail, index, "InventoryID"), NOT_FOUND.format(label="Inventory ID")
            )
        listed(
            tenant, "warehouses", line, "WarehouseID", "Warehouse", (detail, index, "WarehouseID")
        )
    lines = data.get(detail) or []
    numbers = [wire.value(line, "LineNbr", 0) for line in lines]
    for line in lines:
        if wire.value(line, "LineNbr") is None:
            line["LineNbr"] = wire.wrap(max(numbers, default=0) + 1)
            numbers.append(line["LineNbr"]["value"])
        item = item_of(tenant, wire.value(line, "InventoryID"))
        if wire.value(line, "UnitPrice") is None:
            price = wire.value(item.data, "DefaultPrice", 0) if item else 0
            line["UnitPrice"] = wire.wrap(price)
        default(line, qty, 1)
        default(line, "DiscountAmount", 0)
        default(line, "UOM", "EA")
        extended = dec(wire.value(line, qty)) * dec(wire.value(line, "UnitPrice"))
        if "ExtendedPrice" in fields(line_entity):
            line["ExtendedPrice"] = wire.wrap(money(extended))
        line["Amount"] = wire.wrap(money(extended - dec(wire.value(line, "DiscountAmount"))))
    return lines


def _hold_status(data: dict, before: dict | None, off_hold: str) -> None:
    """New documents are On Hold unless Hold: false is sent; Hold: false later takes them off."""
    if before is None:
        default(data, "Hold", True)
    status = wire.value(data, "Status")
    if status in (None, "On Hold", off_hold):
        data["Status"] = wire.wrap("On Hold" if wire.value(data, "Hold") else off_hold)


def _posted_tax(data: dict) -> Decimal:
    """The document's tax: the sum of its TaxDetails rows when it has any (tax posted as given,
    DisableAutomaticTaxCalculation), kept as its TaxTotal as an instance shows it; else the
    TaxTotal as stored (the sandbox computes no tax from tax zones)."""
    rows = data.get("TaxDetails") or []
    if not rows:
        return dec(wire.value(data, "TaxTotal"))
    tax = sum((dec(wire.value(row, "TaxAmount")) for row in rows), Decimal(0))
    data["TaxTotal"] = wire.wrap(money(tax))
    return tax


# --- SalesOrder --------------------------------------------------------------------------------
def sales_order(tenant: AcuTenant, data: dict, sent: dict, before: dict | None) -> None:
    default(data, "OrderType", "SO")
    listed(tenant, "order_types", data, "OrderType", "Order Type")
    if wire.value(data, "OrderNbr") is None:
        order_type = wire.value(data, "OrderType")
        data["OrderNbr"] = wire.wrap(next_number(tenant, f"SalesOrder:{order_type}", order_type))
    _customer_exists(tenant, data)
    listed(tenant, "payment_methods", data, "PaymentMethod", "Payment Method")
    listed(tenant, "branches", data, "Branch", "Branch")
    lines = _lines(tenant, data, sent, "Details", "OrderQty", "SalesOrderDetail")
    for line in lines:
        default(line, "OpenQty", wire.value(line, "OrderQty"))
    freight = dec(wire.value(data.get("Totals") or {}, "Freight"))
    line_total = sum((dec(wire.value(line, "Amount")) for line in lines), Decimal(0))
    tax = _posted_tax(data)
    data["OrderTotal"] = wire.wrap(money(line_total + freight + tax))
    data["OrderedQty"] = wire.wrap(
        float(sum((dec(wire.value(line, "OrderQty")) for line in lines), Decimal(0)))
    )
    default(data, "TaxTotal", 0)
    default(data, "CurrencyID", "USD")
    _hold_status(data, before, "Open")


# --- SalesInvoice ------------------------------------------------------------------------------
INVOICE_TYPES = tuple(INVOICE_PREFIX)


def sales_invoice(tenant: AcuTenant, data: dict, sent: dict, before: dict | None) -> None:
    default(data, "Type", "Invoice")
    kind = wire.value(data, "Type")
    if kind not in INVOICE_TYPES:
        raise FieldProblem(("Type",), NOT_FOUND.format(label="Type"))
    if wire.value(data, "ReferenceNbr") is None:
        number = next_number(tenant, f"SalesInvoice:{kind}", INVOICE_PREFIX[kind])
        data["ReferenceNbr"] = wire.wrap(number)
    if before is not None and wire.value(before, "Status") in ("Open", "Closed"):
        # UNCONFIRMED wording: a released document cannot be edited.
        raise FieldProblem(
            ("ReferenceNbr",), "The document has been released and cannot be edited."
        )
    _customer_exists(tenant, data)
    for index, line in enumerate(sent_lines(sent, "Details")):
        order_nbr = wire.value(line, "OrderNbr")
        if order_nbr is not None:
            keys = f"{wire.value(line, 'OrderType', 'SO')}/{order_nbr}"
            if lookup(tenant, "SalesOrder", keys) is None:
                raise FieldProblem(
                    ("Details", index, "OrderNbr"), NOT_FOUND.format(label="Order Nbr.")
                )
    lines = _lines(tenant, data, sent, "Details", "Qty", "SalesInvoiceDetail")
    detail_total = sum((dec(wire.value(line, "Amount")) for line in lines), Decimal(0))
    amount = detail_total + dec(wire.value(data, "FreightPrice")) + _posted_tax(data)
    data["DetailTotal"] = wire.wrap(money(detail_total))
    data["Amount"] = wire.wrap(money(amount))
    default(data, "TaxTotal", 0)
    if wire.value(data, "Status") in (None, "On Hold", "Balanced"):
        data["Balance"] = wire.wrap(money(amount))
    _hold_status(data, before, "Balanced")


# --- Payment -----------------------------------------------------------------------------------
PAYMENT_TYPES = ("Payment", "Prepayment", "Refund", "Credit Memo")
APPLIES_TO = {"Invoice": ("SalesInvoice", "Invoice"), "Credit Memo": ("SalesInvoice", "Credit Memo"),
              "Debit Memo": ("SalesInvoice", "Debit Memo"), "Payment": ("Payment", "Payment"),
              "Prepayment": ("Payment", "Prepayment")}  # fmt: skip


def payment(tenant: AcuTenant, data: dict, sent: dict, before: dict | None) -> None:
    default(data, "Type", "Payment")
    if wire.value(data, "Type") not in PAYMENT_TYPES:
        raise FieldProblem(("Type",), NOT_FOUND.format(label="Type"))
    if wire.value(data, "ReferenceNbr") is None:
        data["ReferenceNbr"] = wire.wrap(next_number(tenant, "Payment"))
    if before is not None and wire.value(before, "Status") in ("Open", "Closed"):
        raise FieldProblem(
            ("ReferenceNbr",), "The document has been released and cannot be edited."
        )
    _customer_exists(tenant, data)
    listed(tenant, "payment_methods", data, "PaymentMethod", "Payment Method")
    listed(tenant, "cash_accounts", data, "CashAccount", "Cash Account")
    amount = dec(wire.value(data, "PaymentAmount"))
    left = amount
    for index, line in enumerate(sent_lines(sent, "DocumentsToApply")):
        doc_type = wire.value(line, "DocType", "Invoice")
        target = APPLIES_TO.get(doc_type)
        reference = wire.value(line, "ReferenceNbr")
        found = target and lookup(tenant, target[0], f"{target[1]}/{reference}")
        if not found:
            raise FieldProblem(("DocumentsToApply", index, "ReferenceNbr"),
                               NOT_FOUND.format(label="Reference Nbr."))  # fmt: skip
    applied = Decimal(0)
    for line in data.get("DocumentsToApply") or []:
        if wire.value(line, "AmountPaid") is None:
            target = APPLIES_TO[wire.value(line, "DocType", "Invoice")]
            record = lookup(tenant, target[0], f"{target[1]}/{wire.value(line, 'ReferenceNbr')}")
            owed = dec(wire.value(record.data, "Balance", wire.value(record.data, "PaymentAmount")))
            line["AmountPaid"] = wire.wrap(money(min(owed, left)))
        default(line, "DocType", "Invoice")
        applied += dec(wire.value(line, "AmountPaid"))
        left = amount - applied
    for index, line in enumerate(sent_lines(sent, "OrdersToApply")):
        keys = f"{wire.value(line, 'OrderType', 'SO')}/{wire.value(line, 'OrderNbr')}"
        if lookup(tenant, "SalesOrder", keys) is None:
            raise FieldProblem(
                ("OrdersToApply", index, "OrderNbr"), NOT_FOUND.format(label="Order Nbr.")
            )
    to_orders = Decimal(0)
    for line in data.get("OrdersToApply") or []:
        default(line, "OrderType", "SO")
        default(line, "AppliedToOrder", money(max(left - to_orders, Decimal(0))))
        to_orders += dec(wire.value(line, "AppliedToOrder"))
    if applied + to_orders > amount:
        # UNCONFIRMED wording; Acumatica refuses applying more than the payment's amount.
        raise FieldProblem(("PaymentAmount",), "The document is out of balance.")
    data["AppliedToDocuments"] = wire.wrap(money(applied))
    data["AppliedToOrders"] = wire.wrap(money(to_orders))
    if wire.value(data, "Status") in (None, "On Hold", "Balanced"):
        data["AvailableBalance"] = wire.wrap(money(amount - applied - to_orders))
    default(data, "Hold", False)  # UNCONFIRMED: AR preferences' "Hold Documents on Entry" off
    _hold_status(data, before, "Balanced")


# --- Items -------------------------------------------------------------------------------------
def stock_item(tenant: AcuTenant, data: dict, sent: dict, before: dict | None) -> None:
    if wire.value(data, "InventoryID") is None:
        raise FieldProblem(("InventoryID",), "'Inventory ID' cannot be empty.")
    default(data, "ItemStatus", "Active")
    for index, line in enumerate(sent_lines(sent, "WarehouseDetails")):
        listed(tenant, "warehouses", line, "WarehouseID", "Warehouse",
               ("WarehouseDetails", index, "WarehouseID"))  # fmt: skip


def non_stock_item(tenant: AcuTenant, data: dict, sent: dict, before: dict | None) -> None:
    if wire.value(data, "InventoryID") is None:
        raise FieldProblem(("InventoryID",), "'Inventory ID' cannot be empty.")
    default(data, "ItemStatus", "Active")


ENTITIES = {
    "Customer": (Entity("Customer", ("CustomerID",), ("LastModifiedDateTime",),
                        ("CreatedDateTime",)), customer),
    "SalesOrder": (Entity("SalesOrder", ("OrderType", "OrderNbr"), ("LastModified",),
                          ("CreatedDate",), line_keys={"Details": "LineNbr"}), sales_order),
    "SalesInvoice": (Entity("SalesInvoice", ("Type", "ReferenceNbr"),
                            ("LastModifiedDateTime", "LastModifiedDate"), ("CreatedDate",),
                            line_keys={"Details": "LineNbr"}), sales_invoice),
    "Payment": (Entity("Payment", ("Type", "ReferenceNbr"), ("LastModifiedDateTime",)), payment),
    "StockItem": (Entity("StockItem", ("InventoryID",), ("LastModified", "LastModifiedDateTime"),
                         line_keys={"WarehouseDetails": "WarehouseID"}), stock_item),
    "NonStockItem": (Entity("NonStockItem", ("InventoryID",), ("LastModifiedDateTime",)),
                     non_stock_item),
    "InventoryQuantityAvailable": (Entity("InventoryQuantityAvailable", (), inquiry=True), None),
    "InventorySummaryInquiry": (Entity("InventorySummaryInquiry", (), inquiry=True), None),
}  # fmt: skip
ITEM_ENTITIES = ("StockItem", "NonStockItem")
