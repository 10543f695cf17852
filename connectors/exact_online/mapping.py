"""A canonical order as an Exact Online sales invoice, and the mapping settings that shape it.

Lines: one per product, the item found by Code = SKU; shipping is its own line on the shipping
item. Every line gets the revenue GL account (or the item's own), the cost centre the rules pick
and a VAT code. `YourRef` carries "BC-<order id>", the key that stops a second invoice."""

from dataclasses import dataclass, field, fields
from decimal import Decimal

from connectors.bigcommerce.customers import StoreCustomer
from connectors.canonical import Order
from connectors.causes import SETTING_INVALID, SKU_UNMAPPED
from connectors.errors import PermanentError

RULE_FIELDS = {"channel": "channel id", "currency": "currency", "country": "shipping country"}


def order_reference(order: Order) -> str:
    return f"BC-{order.source_id}"


@dataclass(frozen=True)
class CostCenterRule:
    field: str  # channel, currency or country
    value: str
    cost_center: str

    def matches(self, order: Order) -> bool:
        address = order.shipping_address or order.billing_address
        actual = {
            "channel": str(order.channel_id),
            "currency": order.currency,
            "country": address.country_code if address else "",
        }[self.field]
        return actual.strip().upper() == self.value.strip().upper()


def rules_parse(text: str) -> list[CostCenterRule]:
    """One rule a line, "country=GB -> UK": first match wins. ValueError names the bad line."""
    rules = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        condition, arrow, cost_center = line.partition("->")
        name, equals, value = condition.partition("=")
        name = name.strip().lower()
        if not (arrow and equals and name in RULE_FIELDS and value.strip() and cost_center.strip()):
            raise ValueError(
                f"Line {number} ('{line}') is not a rule: write e.g. 'country=GB -> UK', "
                f"'currency=USD -> US' or 'channel=2 -> WHOLESALE'."
            )
        rules.append(CostCenterRule(name, value.strip(), cost_center.strip()))
    return rules


@dataclass(frozen=True)
class MappingSettings:
    journal: str = "70"
    gl_revenue: str = ""  # blank: each item's own revenue account
    vat_taxable: str = "2"
    vat_non_taxable: str = "0"
    vat_shipping: str = "2"
    shipping_item: str = "SHIPPING"
    shipping_gl: str = ""  # blank: the shipping item's own revenue account
    cost_center: str = ""  # the default; blank: none
    cost_center_rules: str = ""
    unmapped_sku_item: str = ""  # blank: fail the order and name the SKU
    parsed_rules: tuple = field(default=(), compare=False)

    @classmethod
    def from_settings(cls, stored: dict | None) -> "MappingSettings":
        stored = stored or {}
        values = {
            f.name: str(stored[f.name]).strip()
            for f in fields(cls)
            if f.name != "parsed_rules" and stored.get(f.name) not in (None, "")
        }
        rules = rules_parse(values.get("cost_center_rules", ""))
        return cls(**values, parsed_rules=tuple(rules))

    def cost_center_for(self, order: Order) -> str:
        for rule in self.parsed_rules:
            if rule.matches(order):
                return rule.cost_center
        return self.cost_center


@dataclass(frozen=True)
class Resolved:
    """Exact's ids for the codes an invoice names (items by SKU, GL accounts by code)."""

    items: dict[str, str]  # code -> guid
    gl_accounts: dict[str, str]  # code -> guid


def _line(item: str, quantity, price: Decimal, vat: str, gl: str, cost_center: str, text: str):
    line = {"Item": item, "Quantity": float(quantity), "NetPrice": float(price), "VATCode": vat,
            "Description": text[:60]}  # fmt: skip
    if gl:
        line["GLAccount"] = gl
    if cost_center:
        line["CostCenter"] = cost_center
    return line


def invoice_payload(order: Order, account_id: str, settings: MappingSettings, resolved: Resolved,
                 delivery_address_id: str = "") -> dict:  # fmt: skip
    cost_center = settings.cost_center_for(order)
    gl = resolved.gl_accounts.get(settings.gl_revenue, "")
    lines = []
    for line in order.lines:
        item = resolved.items.get(line.sku) or resolved.items.get(settings.unmapped_sku_item)
        if item is None:
            raise PermanentError(
                f"SKU {line.sku or '(none)'} has no item in Exact Online (no item with Code "
                f"{line.sku}). Create the item in Exact, or choose an 'Item for SKUs Exact does "
                "not have' in the connection's Exact Online mappings, then replay.",
                cause=SKU_UNMAPPED,
                subject=line.sku,
            )
        vat = settings.vat_taxable if line.total_tax else settings.vat_non_taxable
        unit = line.total_ex_tax / line.quantity if line.quantity else line.unit_price_ex_tax
        lines.append(_line(item, line.quantity, unit, vat, gl, cost_center, line.name))
    if order.shipping_ex_tax:
        item = resolved.items.get(settings.shipping_item)
        if item is None:
            raise PermanentError(
                f"The shipping item {settings.shipping_item} is not in Exact Online: choose the "
                "'Item for the shipping line' in the connection's Exact Online mappings.",
                cause=SETTING_INVALID,
                subject="Item for the shipping line",
            )
        vat = settings.vat_shipping if order.shipping_tax else settings.vat_non_taxable
        shipping_gl = resolved.gl_accounts.get(settings.shipping_gl, "")
        text = f"Shipping {order.shipping_method}".strip()
        lines.append(_line(item, 1, order.shipping_ex_tax, vat, shipping_gl, cost_center, text))
    body = {
        "OrderedBy": account_id, "InvoiceTo": account_id, "DeliverTo": account_id,
        "Journal": settings.journal, "YourRef": order_reference(order), "Currency": order.currency,
        "Description": f"BigCommerce order {order.number}"[:60],
        "InvoiceDate": order.created_at.date().isoformat(),
        "OrderDate": order.created_at.date().isoformat(),
        "SalesInvoiceLines": lines,
    }  # fmt: skip
    if delivery_address_id:
        body["DeliverToAddress"] = delivery_address_id  # a sales order's is DeliveryAddress
    return body


def customer_payload(customer) -> dict:
    """An Exact account (Status C: a customer) from a canonical customer."""
    address = customer.billing_address
    name = customer.company or f"{customer.first_name} {customer.last_name}".strip()
    body = {"Name": (name or customer.email)[:50], "Status": "C", "IsSales": True,
            "Email": customer.email, "Phone": customer.phone}  # fmt: skip
    if address:
        body |= {
            "AddressLine1": address.street_1, "AddressLine2": address.street_2,
            "City": address.city, "Postcode": address.postcode, "Country": address.country_code,
        }  # fmt: skip
    return body


def delivery_address_payload(account_id: str, order: Order) -> dict | None:
    address = order.shipping_address
    if address is None:
        return None
    return {
        "Account": account_id, "Type": 4, "AddressLine1": address.street_1 or "-",
        "AddressLine2": address.street_2, "City": address.city, "Postcode": address.postcode,
        "Country": address.country_code, "ContactName": address.name,
    }  # fmt: skip


def store_customer(account: dict) -> StoreCustomer:
    """What the store's customer should be, from an account: its one Name (the company of a
    business customer, else first and last name), e-mail and phone where it has them, and the
    first address where the account has a street."""
    contact = {"email": (account.get("Email") or "").lower(), "phone": account.get("Phone") or ""}
    address = {
        "address1": account.get("AddressLine1") or "", "address2": account.get("AddressLine2") or "",
        "city": account.get("City") or "", "postal_code": account.get("Postcode") or "",
        "country_code": account.get("Country") or "",
    }  # fmt: skip
    return StoreCustomer(
        {k: v for k, v in contact.items() if v},
        name=(account.get("Name") or "").strip(),
        address=address if address["address1"] else {},
    )
