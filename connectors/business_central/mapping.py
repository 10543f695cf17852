"""Canonical orders and customers as Business Central API v2.0 records: pure functions.

The order's one reference is "BigCommerce <order id>" (`order_reference`), looked up before every
create: on a sales order in `externalDocumentNumber` (salesOrders has no
customerPurchaseOrderReference), on a sales invoice in `customerPurchaseOrderReference` ("Your
Reference", 35 characters), which posting keeps on the posted invoice. A sales invoice also
carries the store's order number in `externalDocumentNumber`, which a company may require for
posting (Sales & Receivables Setup, "Ext. Doc. No. Mandatory").

Lines: each product an `Item` line on the item whose number is the SKU (Business Central keeps
item numbers in upper case, 20 characters at most), at the store's unit price before tax, with
the store's line discount as the line's `discountAmount`; the order's discount not allotted to
lines is the document's invoice discount (`discountAmount`). Shipping and handling are one
`Account` line on the G/L account the settings name. Tax: Business Central computes it from the
customer's tax area (or VAT posting groups); the connector compares its total with the store's.
The document's currency is the customer's (a currency code equal to the company's own currency
is refused by Business Central, so none is sent).
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from connectors.canonical import Address, Customer, Order
from connectors.causes import ACCOUNT_UNMAPPED, SKU_UNMAPPED
from connectors.config import StoredSettings
from connectors.errors import PermanentError

CENT = Decimal("0.01")
ZERO = Decimal("0")
SALES_INVOICE, SALES_ORDER = "sales_invoice", "sales_order"
INVOICES, ORDERS = "salesInvoices", "salesOrders"
LINES = {INVOICES: "salesInvoiceLines", ORDERS: "salesOrderLines"}
ITEM_NUMBER_LENGTH = 20
REFERENCE_LENGTH = 35
EMPTY_ID = "00000000-0000-0000-0000-000000000000"
# The template customer's settings a new customer gets.
TEMPLATE_FIELDS = ("taxAreaId", "taxLiable", "paymentTermsId", "currencyCode")
# The customer fields ml-connector writes and keeps up to date, with their lengths.
CUSTOMER_LENGTHS = {
    "displayName": 100, "email": 80, "phoneNumber": 30, "addressLine1": 100,
    "addressLine2": 50, "city": 30, "state": 30, "country": 10, "postalCode": 20,
}  # fmt: skip
MISSING_ITEM = (
    "SKU {sku} has no item in Business Central (no item with No. {number}). Create it on the "
    "Items page with that No., or change the product's SKU in BigCommerce to the item's No., "
    "then replay."
)


def money(value) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def order_reference(order: Order) -> str:
    return f"BigCommerce {order.source_id}"[:REFERENCE_LENGTH]


def reference_field(entity_set: str) -> str:
    """Where a document of this set keeps the order's reference."""
    return "customerPurchaseOrderReference" if entity_set == INVOICES else "externalDocumentNumber"


@dataclass(frozen=True)
class MappingSettings(StoredSettings):
    document: str = SALES_INVOICE  # a posted sales invoice, or a sales order
    shipping_account: str = ""  # G/L account No. of the shipping line
    customer_template: str = ""  # customer No. whose settings new customers copy
    tax_check: str = "warn"  # "warn": a total that differs from the store's is a job warning

    @property
    def entity_set(self) -> str:
        return ORDERS if self.document == SALES_ORDER else INVOICES


def item_number(sku: str) -> str:
    """The item No. a SKU stands for: Business Central upper-cases Code fields."""
    number = sku.strip().upper()
    if not number:
        raise PermanentError(
            "An order line has no SKU, so it has no Business Central item: give the product a "
            "SKU that is an item's No. in Business Central (the Items page), then replay.",
            cause=SKU_UNMAPPED,
        )
    if len(number) > ITEM_NUMBER_LENGTH:
        raise PermanentError(
            f"SKU {sku} is longer than the {ITEM_NUMBER_LENGTH} characters of a Business Central "
            "item No., so no item can have it: shorten the product's SKU in BigCommerce to an "
            "item's No. (the Items page), then replay.",
            cause=SKU_UNMAPPED,
            subject=sku,
        )
    return number


def missing_item(sku: str) -> PermanentError:
    return PermanentError(
        MISSING_ITEM.format(sku=sku, number=item_number(sku)), cause=SKU_UNMAPPED, subject=sku
    )


def _cut(values: dict) -> dict:
    return {k: str(v or "")[: CUSTOMER_LENGTHS.get(k, 100)] for k, v in values.items()}


def _address(address: Address | None) -> dict:
    if address is None:
        return {}
    return {
        "addressLine1": address.street_1, "addressLine2": address.street_2, "city": address.city,
        "state": address.state, "country": address.country_code, "postalCode": address.postcode,
    }  # fmt: skip


def customer_fields(customer: Customer) -> dict:
    """The fields ml-connector manages on a customer, as the store has them."""
    values = {"displayName": customer.display_name, "phoneNumber": customer.phone,
              **_address(customer.billing_address)}  # fmt: skip
    return _cut({k: v for k, v in values.items() if v})


def customer_payload(customer: Customer, template: dict | None = None) -> dict:
    """A new customer: the store's name, e-mail (lower case: it is how the next order finds it),
    phone and billing address, with the template customer's tax area, tax liability, payment
    terms and currency."""
    body = {
        "type": "Company" if customer.is_company else "Person",
        "email": customer.email.strip().lower()[: CUSTOMER_LENGTHS["email"]],
        **customer_fields(customer),
    }
    for name in TEMPLATE_FIELDS:
        value = (template or {}).get(name)
        if value not in (None, "", EMPTY_ID):
            body[name] = value
    return body


def customer_changes(existing: dict, customer: Customer) -> dict:
    """The managed fields that differ from the customer's record ({} when none: an echo of our
    own write, or nothing new, causes no PATCH)."""
    return {
        name: value
        for name, value in customer_fields(customer).items()
        if str(existing.get(name) or "").strip() != value.strip()
    }


def _ship_to(order: Order) -> dict:
    address = order.shipping_address
    if address is None:
        return {}
    values = {
        "shipToName": address.company or address.name, "shipToContact": address.name,
        "shipToAddressLine1": address.street_1, "shipToAddressLine2": address.street_2,
        "shipToCity": address.city, "shipToState": address.state,
        "shipToCountry": address.country_code, "shipToPostCode": address.postcode,
    }  # fmt: skip
    lengths = {"shipToAddressLine2": 50, "shipToCity": 30, "shipToState": 30,
               "shipToCountry": 10, "shipToPostCode": 20}  # fmt: skip
    return {k: str(v)[: lengths.get(k, 100)] for k, v in values.items() if v}


def _lines(order: Order, items: dict[str, str], settings: MappingSettings) -> list[dict]:
    """`items`: {item No. (upper case): the item's No. as Business Central has it}."""
    lines = []
    for line in order.lines:
        number = items.get(item_number(line.sku))
        if number is None:
            raise missing_item(line.sku)
        row = {"lineType": "Item", "lineObjectNumber": number, "quantity": line.quantity,
               "unitPrice": money(line.unit_price_ex_tax)}  # fmt: skip
        if money(line.discount):
            row["discountAmount"] = money(line.discount)
        lines.append(row)
    shipping = money(order.shipping_ex_tax + order.handling_ex_tax)
    if shipping:
        if not settings.shipping_account:
            raise PermanentError(
                "The order has shipping but no G/L account is chosen for it: choose the shipping "
                "account on the connection's 'Business Central documents' page, then replay.",
                cause=ACCOUNT_UNMAPPED,
                subject="(none chosen for shipping)",
            )
        description = f"Shipping: {order.shipping_method}" if order.shipping_method else "Shipping"
        lines.append({
            "lineType": "Account", "lineObjectNumber": settings.shipping_account,
            "description": description[:100], "quantity": Decimal("1"), "unitPrice": shipping,
        })  # fmt: skip
    return lines


def unallotted_discount(order: Order) -> Decimal:
    """The order's discount that no line carries (the store allots most discounts to lines)."""
    on_lines = sum((money(line.discount) for line in order.lines), ZERO)
    return max(ZERO, money(order.discount_total) - on_lines)


def document_payload(order: Order, customer_id: str, items: dict[str, str],
                     settings: MappingSettings) -> dict:  # fmt: skip
    """A sales invoice or a sales order with its lines (deep insert: one atomic POST), for the
    customer by its id (a run whose buyer is unchanged knows only that)."""
    entity_set = settings.entity_set
    date = order.created_at.date().isoformat()
    body = {"customerId": customer_id, **_ship_to(order)}
    if entity_set == INVOICES:
        body |= {"invoiceDate": date, "externalDocumentNumber": str(order.number)[:35]}
    else:
        body["orderDate"] = date
    body[reference_field(entity_set)] = order_reference(order)
    if discount := unallotted_discount(order):
        body["discountAmount"] = discount
    body[LINES[entity_set]] = _lines(order, items, settings)
    return body


def total_warning(document: dict, order: Order, what: str) -> str:
    """A warning when Business Central's total with tax differs from the store's by more than a
    cent ("" when they agree, or Business Central gave no total)."""
    total = document.get("totalAmountIncludingTax")
    if total is None:
        return ""
    theirs, ours = money(total), money(order.total_inc_tax)
    if abs(theirs - ours) <= CENT:
        return ""
    return (
        f"Business Central's total for {what} is {theirs} with tax, the store's order "
        f"{order.number} is {ours} (a difference of {theirs - ours}): Business Central computes "
        "tax from the customer's tax area, so check the customer's tax area and the items' tax "
        "groups in Business Central, and correct the document there if needed."
    )


def store_customer(record: dict):
    """What the store's customer should be, from a Business Central customer: its name (one
    field), e-mail and phone where it has them, and its address."""
    from connectors.bigcommerce.customers import StoreCustomer

    wanted = {"email": str(record.get("email") or "").lower(), "phone": record.get("phoneNumber")}
    address = {
        "address1": record.get("addressLine1") or "", "address2": record.get("addressLine2") or "",
        "city": record.get("city") or "", "state_or_province": record.get("state") or "",
        "postal_code": record.get("postalCode") or "", "country_code": record.get("country") or "",
    }  # fmt: skip
    return StoreCustomer(
        {k: v for k, v in wanted.items() if v}, name=str(record.get("displayName") or ""),
        address=address if any(address.values()) else {},
    )  # fmt: skip
