"""BigCommerce JSON → canonical models. Pure functions: no HTTP, no database.

A record that is not as BigCommerce documents it (a field of the wrong type, a date that is not
one, an amount of a trillion) raises an UnreadableAnswer naming the record, through `reading`:
nothing absurd reaches an ERP.
"""

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from email.utils import parsedate_to_datetime

from connectors.answers import reading
from connectors.canonical import Address, Customer, Line, Order, Payment

ZERO = Decimal("0")
LABEL = "BigCommerce"
# No order comes near these; beyond them a value is garbage, not a big order.
MAX_AMOUNT = Decimal("1e12")
MAX_QUANTITY = Decimal("1e9")
MAX_ID = 2**63 - 1


def money(value, limit: Decimal = MAX_AMOUNT) -> Decimal:
    """v2 sends 4-decimal strings, v3 JSON numbers; both become Decimal without float."""
    if value in (None, ""):
        return ZERO
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        raise TypeError(f"{value!r:.60} is not a number")
    amount = Decimal(str(value).strip())
    if not amount.is_finite() or abs(amount) >= limit:
        raise ValueError(f"{value!r:.60} is out of range")
    return amount


def text(value) -> str:
    """A text field; null is empty, a number is written out, anything else is refused."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise TypeError(f"{value!r:.60} is not text")
    return str(value)


def record_id(value) -> str:
    """A record id: a positive whole number (or its digits as text)."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise TypeError(f"{value!r:.60} is not a record id")
    digits = str(value).strip()
    if not digits.isdecimal() or not 0 < int(digits) <= MAX_ID:
        raise ValueError(f"{value!r:.60} is not a record id")
    return str(int(digits))


def rfc2822(value: str) -> datetime:
    parsed = parsedate_to_datetime(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def iso8601(value: str | None) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def v2_address(raw: dict | None) -> Address:
    raw = raw or {}
    return Address(
        first_name=text(raw.get("first_name")),
        last_name=text(raw.get("last_name")),
        company=text(raw.get("company")),
        street_1=text(raw.get("street_1")),
        street_2=text(raw.get("street_2")),
        city=text(raw.get("city")),
        state=text(raw.get("state")),
        postcode=text(raw.get("zip")),
        country=text(raw.get("country")),
        country_code=text(raw.get("country_iso2")),
        phone=text(raw.get("phone")),
        email=text(raw.get("email")),
    )


def v3_address(raw: dict) -> Address:
    return Address(
        first_name=text(raw.get("first_name")),
        last_name=text(raw.get("last_name")),
        company=text(raw.get("company")),
        street_1=text(raw.get("address1")),
        street_2=text(raw.get("address2")),
        city=text(raw.get("city")),
        state=text(raw.get("state_or_province")),
        postcode=text(raw.get("postal_code")),
        country=text(raw.get("country")),
        country_code=text(raw.get("country_code")),
        phone=text(raw.get("phone")),
    )


@reading(LABEL, "a customer")
def customer_from_v3(raw: dict) -> Customer:
    addresses = raw.get("addresses") or []
    return Customer(
        source_id=record_id(raw["id"]),
        email=text(raw.get("email")).lower(),
        first_name=text(raw.get("first_name")),
        last_name=text(raw.get("last_name")),
        company=text(raw.get("company")),
        phone=text(raw.get("phone")),
        billing_address=v3_address(addresses[0]) if addresses else None,
        modified_at=iso8601(raw.get("date_modified")),
    )


def guest_customer(billing: Address) -> Customer:
    email = billing.email.lower()
    return Customer(
        source_id=f"guest:{email}",
        email=email,
        first_name=billing.first_name,
        last_name=billing.last_name,
        company=billing.company,
        phone=billing.phone,
        billing_address=billing,
    )


def line_from_v2(raw: dict) -> Line:
    discount = sum((money(d.get("amount")) for d in raw.get("applied_discounts") or []), ZERO)
    return Line(
        source_id=record_id(raw["id"]),
        sku=text(raw.get("sku")),
        name=text(raw.get("name")),
        quantity=money(raw.get("quantity"), MAX_QUANTITY),
        unit_price_ex_tax=money(raw.get("price_ex_tax")),
        unit_price_inc_tax=money(raw.get("price_inc_tax")),
        total_ex_tax=money(raw.get("total_ex_tax")),
        total_inc_tax=money(raw.get("total_inc_tax")),
        total_tax=money(raw.get("total_tax")),
        discount=discount,
        product_id=text(raw.get("product_id")),
        variant_id=text(raw.get("variant_id")),
    )


@reading(LABEL, "an order")
def order_from_bigcommerce(
    order: dict, products: list[dict], shipping_addresses: list[dict], customer: dict | None
) -> Order:
    billing = v2_address(order.get("billing_address"))
    if customer:
        buyer = customer_from_v3(customer)
        if buyer.billing_address is None:
            buyer = replace(buyer, billing_address=billing)
    else:
        buyer = guest_customer(billing)
    first_shipping = shipping_addresses[0] if shipping_addresses else None
    return Order(
        source_id=record_id(order["id"]),
        number=record_id(order["id"]),
        status_id=int(order.get("status_id") or 0),
        status=text(order.get("status")),
        created_at=rfc2822(order["date_created"]),
        modified_at=rfc2822(order["date_modified"]),
        currency=text(order.get("currency_code") or order.get("default_currency_code")),
        tax_inclusive=bool(order.get("is_tax_inclusive_pricing")),
        customer=buyer,
        billing_address=billing,
        shipping_address=v2_address(first_shipping) if first_shipping else None,
        lines=tuple(line_from_v2(p) for p in products if not p.get("parent_order_product_id")),
        shipping_ex_tax=money(order.get("shipping_cost_ex_tax")),
        shipping_inc_tax=money(order.get("shipping_cost_inc_tax")),
        shipping_tax=money(order.get("shipping_cost_tax")),
        handling_ex_tax=money(order.get("handling_cost_ex_tax")),
        discount_total=money(order.get("discount_amount")) + money(order.get("coupon_discount")),
        subtotal_ex_tax=money(order.get("subtotal_ex_tax")),
        total_ex_tax=money(order.get("total_ex_tax")),
        total_inc_tax=money(order.get("total_inc_tax")),
        total_tax=money(order.get("total_tax")),
        payment_method=text(order.get("payment_method")),
        payment_status=text(order.get("payment_status")),
        channel_id=int(order.get("channel_id") or 1),
        customer_message=text(order.get("customer_message")),
        shipping_method=text((first_shipping or {}).get("shipping_method")),
    )


@reading(LABEL, "an order")
def order_from_consignments(order: dict, customer: dict | None) -> Order:
    """The same Order as from the order, its products and its shipping addresses, built from the
    order read with `include=consignments.line_items&consignment_structure=object`."""
    products, shipping_addresses = consignment_parts(order)
    return order_from_bigcommerce(order, products, shipping_addresses, customer)


def consignment_parts(order: dict) -> tuple[list[dict], list[dict]]:
    """(products, shipping addresses) as their own endpoints list them, in id order: every
    consignment's line items (shipping, pickup, download, e-mailed gift certificate) and the
    shipping consignments, which carry the ship-to address fields."""
    consignments = order.get("consignments")
    if not isinstance(consignments, dict):
        raise TypeError("the order came without its consignments")
    shipping = sorted(consignments.get("shipping") or [], key=lambda c: int(record_id(c["id"])))
    email = consignments.get("email") or {}
    groups = [
        *shipping,
        *(consignments.get("pickups") or []),
        *(consignments.get("downloads") or []),
        *(email.get("gift_certificates") or []),
    ]
    products = [item for group in groups for item in group.get("line_items") or []]
    return sorted(products, key=lambda p: int(record_id(p["id"]))), shipping


@reading(LABEL, "an order")
def order_modified_at(order: dict) -> datetime:
    return rfc2822(order["date_modified"])


@reading(LABEL, "an order")
def order_buyer(order: dict) -> dict:
    """Who bought, as far as the ERP customer goes: the store's customer id (0 for a guest) and
    the billing e-mail."""
    customer_id = order.get("customer_id") or 0
    email = text((order.get("billing_address") or {}).get("email")).lower()
    return {"customer_id": record_id(customer_id) if customer_id else "0", "email": email}


REFUNDED_STATUS_IDS = {4, 14}  # Refunded, Partially Refunded
REFUNDED_PAYMENT_STATUSES = {"refunded", "partially refunded"}


@reading(LABEL, "an order")
def order_has_refunds(order: dict, transactions: list[dict]) -> bool:
    """Whether the order says it was refunded. `refunded_amount` is the documented field, but
    the spec's text also says it "always returns 0", so the status, the payment status and a
    refund among the transactions (already read) count as well."""
    return (
        money(order.get("refunded_amount")) > ZERO
        or int(order.get("status_id") or 0) in REFUNDED_STATUS_IDS
        or text(order.get("payment_status")).lower() in REFUNDED_PAYMENT_STATUSES
        or any(text(t.get("event")).lower() == "refund" for t in transactions)
    )


@reading(LABEL, "a transaction")
def payment_from_transaction(raw: dict) -> Payment:
    return Payment(
        source_id=text(raw.get("id")),
        kind="transaction",
        event=text(raw.get("event")),
        amount=money(raw.get("amount")),
        currency=text(raw.get("currency")),
        status=text(raw.get("status")),
        created_at=text(raw.get("date_created")),
        method=text(raw.get("method")),
    )


@reading(LABEL, "a refund")
def payment_from_refund(raw: dict) -> Payment:
    return Payment(
        source_id=text(raw.get("id")),
        kind="refund",
        event="refund",
        amount=money(raw.get("total_amount")),
        currency="",
        status="declined" if any(p.get("is_declined") for p in raw.get("payments") or []) else "ok",
        created_at=text(raw.get("created")),
    )
