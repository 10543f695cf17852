"""Canonical orders and customers as SYSPRO e.net business-object XML: pure functions.

The order's one reference is "BigCommerce <order id>" (`order_reference`), sent as the sales
order's CustomerPoNumber (30 characters) and looked up before every SORTOI post.

SORTOI (sales order import): each product a StockLine whose StockCode is the SKU, at the store's
unit price before tax (AlwaysUsePriceEntered=Y) unless the settings leave pricing to SYSPRO, with
the store's line discount as the line's LineDiscValue (a value, not a percentage: SYSPRO's line
total is quantity x price less LineDiscValue). The order's discount no line carries is one
MiscChargeLine of a negative value on the settings' product class, and handling one of a positive
value; shipping is the FreightLine. Tax is SYSPRO's, from the tax codes: the settings map the
store's tax rate to a SYSPRO tax code (StockTaxCode, FreightTaxCode, MiscTaxCode); a rate they do
not name is left to SYSPRO's default for the stock item or customer.

SYSPRO's fields are short (FIELD_LENGTHS): a longer value is cut, and each cut is returned for the
job to say (never silent). Text SYSPRO's Windows-1252 cannot hold is replaced by '?', said too.

Element names and lengths: research §3.1 (one production SYSPRO 8 integration's SORTOI) and the
SORTOI sample's element names; the ARSSCS lengths are UNCONFIRMED (no source gives ArCustomer's
column sizes; the same sizes as SORTOI's ship-to are used). Check against the site's
<SYSPRO>\\Base\\Schemas\\SORTOI*.XSD and ARSSCS*.XSD.
"""

import hashlib
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from connectors.canonical import Address, Customer, Line, Order
from connectors.causes import SETTING_INVALID, SKU_UNMAPPED
from connectors.config import StoredSettings
from connectors.errors import PermanentError
from connectors.links import GUEST_PREFIX
from connectors.syspro import xml

CENT = Decimal("0.01")
PRICE = Decimal("0.0001")  # the store's unit prices keep 4 decimals; SYSPRO's hold 5 (UNCONFIRMED)
ZERO = Decimal("0")
BILLING, NORMAL = "billing", "normal"
# SYSPRO's sales order statuses: 1 Open (left for SYSPRO's users), 8 Ready to invoice, 9 Complete.
STATUS_OPEN, STATUS_TO_INVOICE, STATUS_COMPLETE = "1", "8", "9"
SCHEME_PREFIX, SCHEME_NEXT = "prefix", "next"
PRICE_STORE, PRICE_SYSPRO = "store", "syspro"
CUSTOMER_CODE_LENGTH = 15  # ArCustomer.Customer (UNCONFIRMED: no source gives its size)
PREFIX_LENGTH = 5
ADDRESS_LINES = 5

# SYSPRO's field lengths, in characters. SORTOI's: research §3.1 (one SYSPRO 8 integration's code,
# not SYSPRO's XSDs); CustomerName and StockCode: the team's interface. ARSSCS's: UNCONFIRMED.
FIELD_LENGTHS = {
    "CustomerPoNumber": 30, "Email": 80, "CustomerName": 50, "ShipPostalCode": 15,
    "ShippingInstrs": 30, "StockCode": 30, "MiscDescription": 30,
    **{f"ShipAddress{n}": 40 for n in range(1, ADDRESS_LINES + 1)},
    # ARSSCS (UNCONFIRMED)
    "Customer": CUSTOMER_CODE_LENGTH, "Name": 50, "Telephone": 20, "Contact": 40,
    "SoldPostalCode": 15,
    **{f"SoldToAddr{n}": 40 for n in range(1, ADDRESS_LINES + 1)},
    **{f"ShipToAddr{n}": 40 for n in range(1, ADDRESS_LINES + 1)},
}  # fmt: skip
# Plain names of the fields, for the job's warnings.
FIELD_NAMES = {
    "CustomerName": "ship-to name", "ShipPostalCode": "ship-to postcode", "Email": "e-mail",
    "ShippingInstrs": "shipping method", "Name": "customer name", "Telephone": "phone",
    "Contact": "contact", "SoldPostalCode": "postcode", "CustomerPoNumber": "order reference",
    **{f"ShipAddress{n}": f"ship-to address line {n}" for n in range(1, ADDRESS_LINES + 1)},
    **{f"SoldToAddr{n}": f"address line {n}" for n in range(1, ADDRESS_LINES + 1)},
    **{f"ShipToAddr{n}": f"ship-to address line {n}" for n in range(1, ADDRESS_LINES + 1)},
}  # fmt: skip
# Characters XML 1.0 cannot carry at all.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
MISSING_STOCK = (
    "SKU {sku} has no stock item in SYSPRO (no stock code {code}). Add the stock item in SYSPRO "
    "(Inventory → Stock Code Maintenance) with that stock code, or change the product's SKU in "
    "BigCommerce to the stock code, then replay."
)
TAX_RULE = re.compile(r"^\s*(\d{1,3}(?:\.\d{1,4})?)\s*%?\s*=\s*([A-Za-z0-9]{1,3})\s*$")


def money(value) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def order_reference(order: Order) -> str:
    return f"BigCommerce {order.source_id}"[: FIELD_LENGTHS["CustomerPoNumber"]]


def tax_rules(text: str) -> dict[Decimal, str]:
    """{store tax rate in percent: SYSPRO tax code} from "10=A, 0=E" (commas or new lines); a
    ValueError names the part that is not a rule."""
    rules = {}
    for part in re.split(r"[,;\n]", text or ""):
        if not part.strip():
            continue
        matched = TAX_RULE.match(part)
        if matched is None or Decimal(matched[1]) > 100:
            raise ValueError(
                f"'{part.strip()}' is not a rule: write the store's tax rate in percent, '=', "
                "and the SYSPRO tax code, e.g. '10=A, 0=E'."
            )
        rules[Decimal(matched[1]).normalize()] = matched[2].upper()
    return rules


@dataclass(frozen=True)
class MappingSettings(StoredSettings):
    warehouse: str = "WH01"
    order_mode: str = BILLING  # a billing order invoiced at once, or left open for SYSPRO's users
    customer_code_scheme: str = SCHEME_PREFIX  # prefix + the store's id, or SYSPRO's next number
    customer_code_prefix: str = "BC"
    product_class: str = ""  # the non-stock charges' product class (its revenue GL account)
    tax_codes: str = ""  # "10=A, 0=E": store tax rate → SYSPRO tax code
    price_handling: str = PRICE_STORE  # the store's prices, or SYSPRO's own (price lists)

    @property
    def billing(self) -> bool:
        return self.order_mode != NORMAL

    def tax_code(self, tax: Decimal, ex_tax: Decimal) -> str:
        """The SYSPRO tax code for an amount's tax rate ("" : SYSPRO's default)."""
        try:
            rules = tax_rules(self.tax_codes)
        except ValueError:
            return ""  # the form refuses a bad rule; an old one stored means SYSPRO's default
        if not rules or not ex_tax:
            return ""
        rate = (Decimal(tax) * 100 / Decimal(ex_tax)).quantize(CENT, rounding=ROUND_HALF_UP)
        return rules.get(rate.normalize(), "")


class Cuts:
    """The values cut or altered to fit SYSPRO's fields, in plain words for the job."""

    def __init__(self):
        self.said: list[str] = []

    def fit(self, name: str, value) -> str:
        text = NOT_XML.sub("", str(value or "")).strip()
        fitted = text.encode("cp1252", "replace").decode("cp1252")
        label = FIELD_NAMES.get(name, name)
        if fitted != text:
            self.said.append(
                f"The {label} '{text}' has characters SYSPRO's Windows-1252 text cannot hold: "
                f"sent as '{fitted}' ({name})."
            )
        length = FIELD_LENGTHS.get(name)
        if length and len(fitted) > length:
            self.said.append(
                f"The {label} '{fitted}' is longer than SYSPRO's {length} characters: sent as "
                f"'{fitted[:length]}' ({name})."
            )
            fitted = fitted[:length]
        return fitted


# --- XML ------------------------------------------------------------------------------------
def render(root: str, children: list) -> str:
    """An XML document: `children` is a list of (name, value) pairs, a value a text or a list of
    pairs (order kept, names repeated: SYSPRO's schemas are sequences)."""
    return xml.build(root, children)


def amount(value: Decimal, step: Decimal = CENT) -> str:
    return str(Decimal(value).quantize(step, rounding=ROUND_HALF_UP))


def quantity(value: Decimal) -> str:
    return format(Decimal(value).normalize(), "f")


# --- customers (ARSSCS) ---------------------------------------------------------------------
def customer_code(customer: Customer, settings: MappingSettings) -> str:
    """The code a new customer gets: the prefix and the store's customer id; a guest (no store
    id) the prefix, "G" and a digest of the e-mail, so a repeated Add of the same guest gets the
    same code; "" for SYSPRO's next number (UNCONFIRMED: an empty <Customer/> on Add)."""
    if settings.customer_code_scheme == SCHEME_NEXT:
        return ""
    prefix = settings.customer_code_prefix.strip().upper()[:PREFIX_LENGTH]
    if customer.source_id.startswith(GUEST_PREFIX):
        digest = hashlib.sha256(customer.email.strip().lower().encode()).hexdigest()[:8]
        code = f"{prefix}G{digest.upper()}"
    else:
        code = f"{prefix}{customer.source_id}"
    if len(code) > CUSTOMER_CODE_LENGTH:
        raise PermanentError(
            f"The customer code {code} for store customer {customer.source_id} is longer than "
            f"SYSPRO's {CUSTOMER_CODE_LENGTH} characters: shorten the customer code prefix in the "
            "connection's settings, or choose SYSPRO's next number, then replay.",
            cause=SETTING_INVALID,
            subject="Customer code prefix",
        )
    return code


def _address_lines(address: Address | None) -> list[str]:
    """Five free-form lines, as SYSPRO keeps an address: street, street, city, state, country
    (SYSPRO keeps no city/state fields of its own in these lines: UNCONFIRMED how sites use
    them)."""
    if address is None:
        return [""] * ADDRESS_LINES
    return [address.street_1, address.street_2, address.city, address.state, address.country]


def customer_fields(customer: Customer, cuts: Cuts) -> list:
    """The customer fields ml-connector manages, as ARSSCS elements in SYSPRO's order."""
    address = customer.billing_address
    name = customer.display_name
    contact = f"{customer.first_name} {customer.last_name}".strip()
    lines = _address_lines(address)
    postcode = address.postcode if address else ""
    values = [
        ("Name", cuts.fit("Name", name)),
        ("Telephone", cuts.fit("Telephone", customer.phone or (address.phone if address else ""))),
        ("Contact", cuts.fit("Contact", contact)),
        ("Email", cuts.fit("Email", customer.email.strip().lower())),
    ]
    values += [(f"SoldToAddr{n}", cuts.fit(f"SoldToAddr{n}", lines[n - 1]))
               for n in range(1, ADDRESS_LINES + 1)]  # fmt: skip
    values.append(("SoldPostalCode", cuts.fit("SoldPostalCode", postcode)))
    values += [(f"ShipToAddr{n}", cuts.fit(f"ShipToAddr{n}", lines[n - 1]))
               for n in range(1, ADDRESS_LINES + 1)]  # fmt: skip
    values.append(("ShipPostalCode", cuts.fit("ShipPostalCode", postcode)))
    return values


def customer_parameters() -> str:
    return render("SetupArCustomer", [("Parameters", [
        ("ValidateOnly", "N"), ("IgnoreWarnings", "Y"), ("ApplyIfEntireDocumentValid", "Y"),
    ])])  # fmt: skip


def customer_xml(customer: Customer, code: str, settings: MappingSettings,
                 cuts: Cuts | None = None) -> str:  # fmt: skip
    """ARSSCS's document for an Add (code "" : SYSPRO's next number) or an Update of `code`."""
    cuts = cuts or Cuts()
    item = [("Key", [("Customer", code)]), *customer_fields(customer, cuts)]
    return render("SetupArCustomer", [("Item", item)])


MANAGED = ("Name", "Telephone", "Contact", "Email",
           *(f"SoldToAddr{n}" for n in range(1, ADDRESS_LINES + 1)), "SoldPostalCode",
           *(f"ShipToAddr{n}" for n in range(1, ADDRESS_LINES + 1)), "ShipPostalCode")  # fmt: skip


def customer_version(row: dict) -> str:
    """A digest of the managed fields of an ArCustomer row (or of what we wrote to one): SYSPRO
    keeps no version of its own on a customer (UNCONFIRMED), so this tells our own write from a
    person's edit."""
    values = {str(k).lower(): str(v or "").strip() for k, v in row.items()}
    text = "\x1f".join(values.get(name.lower(), "") for name in MANAGED)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def customer_differs(row: dict, customer: Customer) -> bool:
    """The SYSPRO customer's managed fields differ from the store's (an echo of our own write,
    or nothing new, sends no Update)."""
    wanted = dict(customer_fields(customer, Cuts()))
    lowered = {str(k).lower(): str(v or "").strip() for k, v in row.items()}
    return any(lowered.get(name.lower(), "") != value for name, value in wanted.items())


def store_customer(row: dict):
    """What the store's customer should be, from an ArCustomer row (COMFND columns): its name,
    e-mail and phone, and its sold-to address (lines 1 and 2 the street, 3 the city, 4 the
    state; UNCONFIRMED how a site fills them)."""
    from connectors.bigcommerce.customers import StoreCustomer

    values = {str(k).lower(): str(v or "").strip() for k, v in row.items()}
    wanted = {"email": values.get("email", "").lower(), "phone": values.get("telephone", "")}
    address = {
        "address1": values.get("soldtoaddr1", ""), "address2": values.get("soldtoaddr2", ""),
        "city": values.get("soldtoaddr3", ""), "state_or_province": values.get("soldtoaddr4", ""),
        "postal_code": values.get("soldpostalcode", ""),
    }  # fmt: skip
    return StoreCustomer(
        {k: v for k, v in wanted.items() if v}, name=values.get("name", ""),
        address=address if any(address.values()) else {},
    )  # fmt: skip


# --- sales orders (SORTOI) ------------------------------------------------------------------
def stock_code(sku: str) -> str:
    """The stock code a SKU stands for (SYSPRO keeps stock codes in upper case: UNCONFIRMED for
    every site)."""
    code = sku.strip().upper()
    if not code:
        raise PermanentError(
            "An order line has no SKU, so it has no SYSPRO stock item: give the product a SKU "
            "that is a stock code in SYSPRO (Inventory → Stock Code Maintenance), then replay.",
            cause=SKU_UNMAPPED,
        )
    if len(code) > FIELD_LENGTHS["StockCode"]:
        raise PermanentError(
            f"SKU {sku} is longer than the {FIELD_LENGTHS['StockCode']} characters of a SYSPRO "
            "stock code, so no stock item can have it: shorten the product's SKU in BigCommerce "
            "to a stock code (Inventory → Stock Code Maintenance), then replay.",
            cause=SKU_UNMAPPED,
            subject=sku,
        )
    return code


def missing_stock(sku: str) -> PermanentError:
    return PermanentError(
        MISSING_STOCK.format(sku=sku, code=stock_code(sku)), cause=SKU_UNMAPPED, subject=sku
    )


def sortoi_parameters(settings: MappingSettings) -> str:
    status = STATUS_TO_INVOICE if settings.billing else STATUS_OPEN
    return render("SalesOrders", [("Parameters", [
        ("Process", "Import"), ("ValidateOnly", "N"), ("IgnoreWarnings", "W"),
        ("AlwaysUsePriceEntered", "Y" if settings.price_handling == PRICE_STORE else "N"),
        ("AllowZeroPrice", "Y"), ("OrderStatus", status),
        ("WarehouseListToUse", settings.warehouse), ("AllocationAction", "S"),
        # SYSPRO's own guard against a second order with the reference (UNCONFIRMED); the
        # connector looks the reference up itself before posting too.
        ("CheckForCustomerPoNumbers", "Y"),
    ])])  # fmt: skip


def unallotted_discount(order: Order) -> Decimal:
    """The order's discount that no line carries (the store allots most discounts to lines)."""
    on_lines = sum((money(line.discount) for line in order.lines), ZERO)
    return max(ZERO, money(order.discount_total) - on_lines)


def _ship_to(order: Order, cuts: Cuts) -> list:
    address = order.shipping_address or order.billing_address
    name = (address.company or address.name) if address else ""
    lines = _address_lines(address)
    values = [("CustomerName", cuts.fit("CustomerName", name or order.customer.display_name))]
    values += [(f"ShipAddress{n}", cuts.fit(f"ShipAddress{n}", lines[n - 1]))
               for n in range(1, ADDRESS_LINES + 1)]  # fmt: skip
    values.append(
        ("ShipPostalCode", cuts.fit("ShipPostalCode", address.postcode if address else ""))
    )
    return values


def _stock_line(number: int, line: Line, code: str, settings: MappingSettings) -> list:
    row = [
        ("CustomerPoLine", str(number)), ("LineActionType", "A"), ("StockCode", code),
        ("Warehouse", settings.warehouse), ("OrderQty", quantity(line.quantity)),
    ]  # fmt: skip
    if settings.price_handling == PRICE_STORE:
        row.append(("Price", amount(line.unit_price_ex_tax, PRICE)))
    if money(line.discount):
        row.append(("LineDiscValue", amount(line.discount)))
    if tax := settings.tax_code(line.total_tax, line.total_ex_tax):
        row.append(("StockTaxCode", tax))
    return row


def _charge(value: Decimal, description: str, settings: MappingSettings, cuts: Cuts,
            tax_code: str = "") -> list:  # fmt: skip
    if not settings.product_class:
        raise PermanentError(
            f"The order has {description.lower()} of {amount(value)} but no product class is set "
            "for non-stock charges: set 'Product class for charges' in the connection's SYSPRO "
            "settings (its revenue GL account takes the charge), then replay.",
            cause=SETTING_INVALID,
            subject="Product class for charges",
        )
    row = [
        ("MiscChargeValue", amount(value)), ("MiscQuantity", "1"),
        ("MiscProductClass", settings.product_class),
        ("MiscDescription", cuts.fit("MiscDescription", description)),
    ]  # fmt: skip
    if tax_code:
        row.append(("MiscTaxCode", tax_code))
    return row


def sortoi_xml(order: Order, customer_code: str, settings: MappingSettings,
               codes: dict[str, str] | None = None) -> tuple[str, list[str]]:  # fmt: skip
    """SORTOI's document for the order, and what had to be cut to fit SYSPRO's fields.
    `codes`: {stock code (upper case): the stock code as SYSPRO has it}; None sends the SKUs
    upper-cased."""
    cuts = Cuts()
    header = [
        ("CustomerPoNumber", order_reference(order)), ("OrderActionType", "A"),
        ("Customer", customer_code), ("OrderDate", order.created_at.date().isoformat()),
        ("Email", cuts.fit("Email", (order.billing_address.email if order.billing_address else "")
                           or order.customer.email)),
        *_ship_to(order, cuts),
    ]  # fmt: skip
    if order.shipping_method:
        header.append(("ShippingInstrs", cuts.fit("ShippingInstrs", order.shipping_method)))
    header.append(("Warehouse", settings.warehouse))
    details = []
    for number, line in enumerate(order.lines, start=1):
        code = stock_code(line.sku)
        if codes is not None:
            if code not in codes:
                raise missing_stock(line.sku)
            code = codes[code]
        details.append(("StockLine", _stock_line(number, line, code, settings)))
    if shipping := money(order.shipping_ex_tax):
        freight = [("FreightValue", amount(shipping)), ("FreightCost", "0.00")]
        if tax := settings.tax_code(order.shipping_tax, order.shipping_ex_tax):
            freight.append(("FreightTaxCode", tax))
        details.append(("FreightLine", freight))
    if handling := money(order.handling_ex_tax):
        details.append(("MiscChargeLine", _charge(handling, "Handling", settings, cuts)))
    if discount := unallotted_discount(order):
        details.append(("MiscChargeLine", _charge(-discount, "Discount", settings, cuts)))
    document = render("SalesOrders", [("Orders", [
        ("OrderHeader", header), ("OrderDetails", details),
    ])])  # fmt: skip
    return document, cuts.said


# --- invoicing (SORTIC) ---------------------------------------------------------------------
def sortic_parameters(invoice_date: str) -> str:
    return render("PostSorInvoice", [("Parameters", [("InvoiceDate", invoice_date)])])


def sortic_xml(sales_order: str) -> str:
    return render("PostSorInvoice", [("Item", [("SalesOrder", sales_order)])])
