"""Canonical orders and customers as Acumatica records (plain dicts: api.py wraps the values).

The order's one external reference is the SalesOrder's (or SalesInvoice's) `ExternalRef`
("External Reference", Document.CustomerRefNbr) = "BC-<order id>", looked up before every create.
Not `CustomerOrder` ("Customer Order Nbr."): that is what a customer's own PO number goes in,
Acumatica can be set to require it unique per customer, and people search by it; it gets the
store's order number, which is what a person quotes.

Freight: the contract offers a SalesOrder's `Totals.Freight` with `OverrideFreightAmount` (the
freight price a person could type on the Totals tab), so the store's shipping is the document's
freight, not a made-up item line; a direct SalesInvoice takes it in `FreightPrice` (UNCONFIRMED
that an instance accepts it written; it is read-only on some screens). Discounts: each line's
own `DiscountAmount` (BigCommerce allots order discounts to the lines). Tax: BigCommerce
computed it, so the document carries it as given (DisableAutomaticTaxCalculation, one TaxDetails
row on the settings' tax ID) when a tax ID is set; blank lets Acumatica's tax zone compute it.
"""

import hashlib
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from connectors.canonical import Address, Customer, Order
from connectors.causes import SKU_UNMAPPED
from connectors.config import StoredSettings
from connectors.errors import PermanentError
from connectors.links import GUEST_PREFIX

CENT = Decimal("0.01")
CUSTOMER_ID_LENGTH = 10  # the CUSTOMER segmented key is 10 characters in a new instance
SALES_ORDER, ORDER_THEN_INVOICE, DIRECT_INVOICE = "sales_order", "order_invoice", "invoice"


def money(value) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def order_reference(order: Order) -> str:
    return f"BC-{order.source_id}"


@dataclass(frozen=True)
class MappingSettings(StoredSettings):
    document: str = SALES_ORDER
    order_type: str = "SO"
    customer_class: str = ""  # blank: the instance's default class
    branch: str = ""
    warehouse: str = ""  # blank: each item's default warehouse
    tax_id: str = ""  # blank: Acumatica computes tax from the customer's tax zone


def customer_code(customer: Customer) -> str:
    """A deterministic CustomerID, so a create repeated after a crash names the same record (an
    insert-only PUT then answers 412): "BC" + the store's customer id, or for a guest "G" + a
    digest of the e-mail. Both fit the 10-character default key (UNCONFIRMED for an instance
    whose key is auto-numbered: it would number the customer itself)."""
    if customer.source_id.startswith(GUEST_PREFIX) or not customer.source_id.isdigit():
        digest = hashlib.sha256(customer.email.strip().lower().encode()).hexdigest()
        return ("G" + digest)[:CUSTOMER_ID_LENGTH].upper()
    code = f"BC{customer.source_id}"
    if len(code) > CUSTOMER_ID_LENGTH:
        digest = hashlib.sha256(code.encode()).hexdigest()
        return ("B" + digest)[:CUSTOMER_ID_LENGTH].upper()
    return code


def _address(address: Address | None) -> dict:
    if address is None:
        return {}
    return {
        "AddressLine1": address.street_1, "AddressLine2": address.street_2,
        "City": address.city, "State": address.state, "PostalCode": address.postcode,
        "Country": address.country_code,
    }  # fmt: skip


def customer_payload(customer: Customer, settings: MappingSettings) -> dict:
    contact = {"Email": customer.email, "Phone1": customer.phone}
    if customer.billing_address is not None:
        contact["Address"] = _address(customer.billing_address)
    body = {
        "CustomerID": customer_code(customer),
        "CustomerName": customer.display_name[:255],
        "MainContact": {k: v for k, v in contact.items() if v},
    }
    if settings.customer_class:
        body["CustomerClass"] = settings.customer_class
    return body


def _ship_to(order: Order) -> dict:
    address = order.shipping_address
    if address is None:
        return {}
    contact = {
        "Attention": address.name, "BusinessName": address.company or address.name,
        "Email": address.email or order.customer.email, "Phone1": address.phone,
    }  # fmt: skip
    return {
        "ShipToAddressOverride": True, "ShipToAddress": _address(address),
        "ShipToContactOverride": True, "ShipToContact": {k: v for k, v in contact.items() if v},
    }  # fmt: skip


def _lines(order: Order, quantity_field: str, settings: MappingSettings) -> list[dict]:
    lines = []
    for line in order.lines:
        if not line.sku:
            raise PermanentError(
                f"The order's line '{line.name}' has no SKU, so it has no Acumatica item: give "
                "the product a SKU that is an Inventory ID in Acumatica, then replay.",
                cause=SKU_UNMAPPED,
            )
        row = {
            "InventoryID": line.sku, quantity_field: line.quantity,
            "UnitPrice": money(line.unit_price_ex_tax),
        }  # fmt: skip
        # BigCommerce's line discount, to the cent, so OrderQty * UnitPrice - DiscountAmount is
        # the store's line total ex tax.
        discount = money(line.unit_price_ex_tax * line.quantity) - money(line.total_ex_tax)
        if discount:
            row["DiscountAmount"] = discount
            row["ManualDiscount"] = True
        if settings.warehouse:
            row["WarehouseID"] = settings.warehouse
        lines.append(row)
    return lines


def _tax(order: Order, settings: MappingSettings) -> dict:
    if not settings.tax_id:
        return {}
    taxable = money(order.total_ex_tax)
    return {
        "DisableAutomaticTaxCalculation": True,
        "TaxDetails": [{"TaxID": settings.tax_id, "TaxableAmount": taxable,
                        "TaxAmount": money(order.total_tax)}],
    }  # fmt: skip


def document_date(order: Order) -> str:
    """The order's day as the contract's DateTimeValue (RFC 3339 date-time: the file refuses a bare
    date). Midnight with no shift, so the day is the store's, not moved by a time zone
    (how an instance converts an offset on a date-only field is UNCONFIRMED)."""
    return f"{order.created_at.date().isoformat()}T00:00:00+00:00"


def _description(order: Order) -> str:
    return f"BigCommerce order {order.number}"[:255]


def sales_order_payload(order: Order, customer_id: str, settings: MappingSettings) -> dict:
    body = {
        "OrderType": settings.order_type, "CustomerID": customer_id,
        "ExternalRef": order_reference(order), "CustomerOrder": str(order.number)[:40],
        "Date": document_date(order), "Description": _description(order),
        "Hold": False, "Details": _lines(order, "OrderQty", settings), **_ship_to(order),
        **_tax(order, settings),
    }  # fmt: skip
    if order.shipping_ex_tax:
        body["Totals"] = {"OverrideFreightAmount": True, "Freight": money(order.shipping_ex_tax)}
    if settings.branch:
        body["Branch"] = settings.branch
    return body


def sales_invoice_payload(order: Order, customer_id: str, settings: MappingSettings) -> dict:
    body = {
        "Type": "Invoice", "CustomerID": customer_id, "ExternalRef": order_reference(order),
        "CustomerOrder": str(order.number)[:40], "Date": document_date(order),
        "Description": _description(order), "Hold": False,
        "Details": _lines(order, "Qty", settings),
    }  # fmt: skip
    if order.shipping_ex_tax:
        body["FreightPrice"] = money(order.shipping_ex_tax)
    if settings.tax_id:
        body["TaxDetails"] = _tax(order, settings)["TaxDetails"]
    return body
