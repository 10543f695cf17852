"""Canonical models → MYOB payloads, and MYOB customers → BigCommerce fields. Pure functions.

Amounts stay Decimal here; `client.wire` writes them as JSON numbers at the last moment.
"""

from dataclasses import dataclass, field, fields
from decimal import ROUND_HALF_UP, Decimal

from connectors.bigcommerce.customers import StoreCustomer
from connectors.canonical import Address, Customer, Order
from connectors.causes import (
    ACCOUNT_UNMAPPED,
    SETTING_INVALID,
    SKU_UNMAPPED,
    TAX_CODE_UNMAPPED,
)

CENT = Decimal("0.01")
ZERO = Decimal("0")
REFERENCE_PREFIX = "BC-"

# MYOB's field widths (developer pages and the .NET SDK contracts).
COMPANY_NAME, LAST_NAME, FIRST_NAME = 50, 30, 20
NUMBER, PO_NUMBER, MEMO, SHIP_TO = 13, 20, 255, 255


class MappingError(ValueError):
    """The order cannot become an invoice with these settings; the message says what to change,
    `cause` and `subject` what a person must fix (connectors.causes)."""

    def __init__(self, message: str, *, cause: str = "", subject: str = ""):
        super().__init__(message)
        self.cause = cause
        self.subject = subject


@dataclass(frozen=True)
class MappingSettings:
    """The per-connection choices (Connection.erp_settings), with MYOB's usual AU defaults."""

    tax_code_taxable: str = "GST"
    tax_code_non_taxable: str = "FRE"
    freight_tax_code: str = "GST"
    unmapped_sku_account: str = ""  # blank: an order with an unknown SKU fails
    category: str = ""
    tax_inclusive: str = "order"  # "order" (as the store priced it), "inclusive", "exclusive"
    invoice_number: str = "myob"  # "myob" (next number in the file) or "order"
    invoice_number_prefix: str = ""
    freight_item: str = ""  # blank: the invoice's Freight field; else a line with this item

    @classmethod
    def from_settings(cls, values: dict | None) -> "MappingSettings":
        known = {f.name for f in fields(cls)}
        given = {
            k: str(v).strip() for k, v in (values or {}).items() if k in known and v is not None
        }
        return cls(**{k: v for k, v in given.items() if v})  # blank keeps the default


@dataclass(frozen=True)
class Resolved:
    """The MYOB records an order needs, looked up already: keys as the settings and SKUs spell
    them, values MYOB's entries ({"UID", …})."""

    tax_codes: dict[str, dict]
    items: dict[str, dict] = field(default_factory=dict)
    accounts: dict[str, dict] = field(default_factory=dict)
    categories: dict[str, dict] = field(default_factory=dict)


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def order_reference(order: Order) -> str:
    """The invoice's CustomerPurchaseOrderNumber: the BigCommerce order id, prefixed so a manual
    invoice with a bare customer PO number is never taken for ours."""
    return f"{REFERENCE_PREFIX}{order.source_id}"


def is_tax_inclusive(order: Order, settings: MappingSettings) -> bool:
    if settings.tax_inclusive == "inclusive":
        return True
    if settings.tax_inclusive == "exclusive":
        return False
    return order.tax_inclusive


def _link(entry: dict) -> dict:
    return {"UID": entry["UID"]}


def _tax_code(resolved: Resolved, code: str, setting: str) -> dict:
    entry = resolved.tax_codes.get(code)
    if entry is None:
        known = ", ".join(sorted(resolved.tax_codes)) or "none found"
        raise MappingError(
            f"Tax code {code or '(blank)'} does not exist in the MYOB company file. Change "
            f"'{setting}' in the connection's MYOB settings (codes in the file: {known}), then replay.",
            cause=TAX_CODE_UNMAPPED,
            subject=code,
        )
    return _link(entry)


def ship_to_text(address: Address | None) -> str | None:
    if address is None:
        return None
    lines = [
        address.name, address.company, address.street_1, address.street_2,
        " ".join(p for p in (address.city, address.state, address.postcode) if p), address.country,
    ]  # fmt: skip
    return "\n".join(line for line in lines if line)[:SHIP_TO] or None


def _line_amounts(unit: Decimal, quantity: Decimal, discount: Decimal) -> tuple[Decimal, Decimal]:
    """(DiscountPercent, Total): MYOB expresses a line discount as a percentage of the line."""
    gross = unit * quantity
    if not gross or not discount:
        return ZERO, money(gross)
    percent = (discount / gross * 100).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    return percent, money(gross - discount)


def missing_skus(order: Order, resolved: Resolved) -> list[str]:
    return [line.sku for line in order.lines if line.sku not in resolved.items]


def invoice_kind(order: Order, settings: MappingSettings, resolved: Resolved) -> str:
    """ "Item" when every SKU is a MYOB item; "Service" (lines on income accounts) when some are
    not and an income account for them is set; otherwise the order cannot be posted."""
    unknown = missing_skus(order, resolved)
    if not unknown:
        return "Item"
    if settings.unmapped_sku_account:
        return "Service"
    sku = unknown[0] or "(no SKU)"
    raise MappingError(
        f"SKU {sku} has no item in MYOB (no Inventory item with Number {sku}). Create the item in "
        "MYOB, or choose an 'Income account for SKUs without a MYOB item' in the connection's "
        "MYOB settings, then replay.",
        cause=SKU_UNMAPPED,
        subject=unknown[0],
    )


def invoice_payload(
    order: Order, customer_uid: str, settings: MappingSettings, resolved: Resolved
) -> tuple[str, dict]:
    """(invoice type, body) for POST Sale/Invoice/{type}."""
    kind = invoice_kind(order, settings, resolved)
    inclusive = is_tax_inclusive(order, settings)
    taxable = _tax_code(resolved, settings.tax_code_taxable, "Tax code for taxable lines")
    exempt = _tax_code(resolved, settings.tax_code_non_taxable, "Tax code for non-taxable lines")
    fallback_account = None
    if kind == "Service":
        fallback_account = resolved.accounts.get(settings.unmapped_sku_account)
        if fallback_account is None:
            raise MappingError(
                f"Account {settings.unmapped_sku_account} does not exist in the MYOB company file. "
                "Change 'Income account for SKUs without a MYOB item' in the connection's MYOB "
                "settings, then replay.",
                cause=ACCOUNT_UNMAPPED,
                subject=settings.unmapped_sku_account,
            )
    lines = []
    for line in order.lines:
        unit = line.unit_price_inc_tax if inclusive else line.unit_price_ex_tax
        percent, total = _line_amounts(unit, line.quantity, line.discount)
        body = {
            "Type": "Transaction",
            "Description": f"{line.name} ({line.sku})" if line.sku else line.name,
            "UnitPrice": unit,
            "DiscountPercent": percent,
            "Total": total,
            "TaxCode": taxable if line.total_tax > 0 else exempt,
        }
        item = resolved.items.get(line.sku)
        if kind == "Item":
            body |= {"ShipQuantity": line.quantity, "Item": _link(item)}
        else:
            account = (item or {}).get("IncomeAccount") or fallback_account
            body |= {"UnitCount": line.quantity, "Account": _link(account)}
        lines.append(body)
    invoice = {
        "Date": order.created_at.replace(tzinfo=None).isoformat(timespec="seconds"),
        "Customer": {"UID": customer_uid},
        "CustomerPurchaseOrderNumber": order_reference(order),
        "JournalMemo": f"BigCommerce order #{order.number} ({order_reference(order)})"[:MEMO],
        "ShipToAddress": ship_to_text(order.shipping_address or order.billing_address),
        "IsTaxInclusive": inclusive,
        "Comment": order.customer_message[:255] or None,
        "Lines": lines,
    }
    _add_freight(invoice, order, settings, resolved, kind, inclusive, exempt)
    if settings.invoice_number == "order":
        number = f"{settings.invoice_number_prefix}{order.number}"
        if len(number) > NUMBER:
            raise MappingError(
                f"Invoice number {number} is longer than MYOB's {NUMBER} characters: shorten the "
                "'Invoice number prefix' in the connection's MYOB settings.",
                cause=SETTING_INVALID,
                subject="Invoice number prefix",
            )
        invoice["Number"] = number
    if settings.category:
        category = resolved.categories.get(settings.category)
        if category is None:
            raise MappingError(
                f"Category {settings.category} does not exist in the MYOB company file. Change "
                "'Sale category' in the connection's MYOB settings, then replay.",
                cause=SETTING_INVALID,
                subject="Sale category",
            )
        invoice["Category"] = _link(category)
    return kind, invoice


def _add_freight(invoice, order, settings, resolved, kind, inclusive, exempt) -> None:
    shipping = order.shipping_inc_tax if inclusive else order.shipping_ex_tax
    # Handling fees join freight at their ex-tax amount (the canonical order has no inc-tax one).
    freight = money(shipping + order.handling_ex_tax)
    if not freight:
        return
    code = exempt
    if order.shipping_tax > 0:
        code = _tax_code(resolved, settings.freight_tax_code, "Freight tax code")
    if not settings.freight_item:
        invoice["Freight"] = freight
        invoice["FreightTaxCode"] = code
        return
    # Files on the "Hybrid" layout have no Freight fields: freight is a line of its own.
    item = resolved.items.get(settings.freight_item)
    if item is None:
        raise MappingError(
            f"The freight item {settings.freight_item} does not exist in MYOB. Change 'Item for a "
            "freight line' in the connection's MYOB settings, then replay.",
            cause=SETTING_INVALID,
            subject="Item for a freight line",
        )
    line = {"Type": "Transaction", "Description": order.shipping_method or "Shipping",
            "UnitPrice": freight, "DiscountPercent": ZERO, "Total": freight, "TaxCode": code}  # fmt: skip
    if kind == "Item":
        line |= {"ShipQuantity": Decimal(1), "Item": _link(item)}
    else:
        account = item.get("IncomeAccount") or resolved.accounts.get(settings.unmapped_sku_account)
        line |= {"UnitCount": Decimal(1), "Account": _link(account)}
    invoice["Lines"].append(line)


# --- customers ------------------------------------------------------------------------------
def _is_company(customer: Customer) -> bool:
    billing = customer.billing_address
    return bool(customer.company or (billing and billing.company))


def _names(customer: Customer) -> dict:
    billing = customer.billing_address or Address()
    if _is_company(customer):
        return {
            "IsIndividual": False,
            "CompanyName": (customer.company or billing.company)[:COMPANY_NAME],
            "FirstName": None,
            "LastName": None,
        }
    last = (
        customer.last_name
        or billing.last_name
        or customer.first_name
        or customer.email.split("@")[0]
    )
    return {
        "IsIndividual": True,
        "CompanyName": None,
        "FirstName": (customer.first_name or billing.first_name)[:FIRST_NAME] or None,
        "LastName": last[:LAST_NAME],
    }


def _address(customer: Customer) -> dict:
    billing = customer.billing_address or Address()
    street = "\n".join(p for p in (billing.street_1, billing.street_2) if p)
    return {
        "Street": street or None,
        "City": billing.city or None,
        "State": billing.state or None,
        "PostCode": billing.postcode or None,
        "Country": billing.country or None,
        "Phone1": (customer.phone or billing.phone)[:21] or None,
        "Email": customer.email or None,
        "ContactName": (billing.name or f"{customer.first_name} {customer.last_name}".strip())[:25]
        or None,
    }


def customer_payload(customer: Customer, tax_code_uid: str, freight_tax_code_uid: str) -> dict:
    """A new Contact/Customer: an individual, or a company when the buyer gave one."""
    return {
        **_names(customer),
        "IsActive": True,
        "Addresses": [{"Location": 1, **_address(customer)}],
        "SellingDetails": {
            "TaxCode": {"UID": tax_code_uid},
            "FreightTaxCode": {"UID": freight_tax_code_uid},
        },
    }


def _blank(value):
    return None if value in ("", None) else value


def customer_update(existing: dict, customer: Customer) -> dict | None:
    """The existing card with the fields we manage brought up to date (names, address 1), every
    other field kept; None when nothing differs, so an echo never causes a write."""
    wanted_names = _names(customer)
    wanted_address = _address(customer)
    addresses = [dict(a) for a in existing.get("Addresses") or []]
    first = next((a for a in addresses if a.get("Location") == 1), None)
    if first is None:
        first = {"Location": 1}
        addresses.insert(0, first)
    changed = any(_blank(existing.get(k)) != _blank(v) for k, v in wanted_names.items())
    changed |= any(_blank(first.get(k)) != _blank(v) for k, v in wanted_address.items())
    if not changed:
        return None
    first.update(wanted_address)
    return {**existing, **wanted_names, "Addresses": addresses}


def store_customer(card: dict) -> StoreCustomer:
    """What the store's customer should be, from a MYOB card: the names the card gives (blank
    ones too), e-mail and phone where the card has them, and address 1 where it has one."""
    address = next((a for a in card.get("Addresses") or [] if a.get("Location") == 1), {}) or {}
    if card.get("IsIndividual", True):
        wanted = {
            "first_name": card.get("FirstName") or "",
            "last_name": card.get("LastName") or "",
        }
    else:
        wanted = {"company": card.get("CompanyName") or ""}
    contact = {"email": (address.get("Email") or "").lower(), "phone": address.get("Phone1") or ""}
    wanted |= {k: v for k, v in contact.items() if v}
    street_1, _, street_2 = (address.get("Street") or "").partition("\n")
    wanted_address = {
        "address1": street_1, "address2": street_2, "city": address.get("City") or "",
        "state_or_province": address.get("State") or "", "postal_code": address.get("PostCode") or "",
    }  # fmt: skip
    return StoreCustomer(wanted, address=wanted_address if any(wanted_address.values()) else {})
