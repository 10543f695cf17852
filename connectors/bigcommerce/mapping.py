"""BigCommerce JSON → canonical models. Pure functions: no HTTP, no database."""

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from email.utils import parsedate_to_datetime

from connectors.canonical import Address, Customer, Line, Order, Payment

ZERO = Decimal("0")


def money(value) -> Decimal:
    """v2 sends 4-decimal strings, v3 JSON numbers; both become Decimal without float."""
    if value in (None, ""):
        return ZERO
    return Decimal(str(value))


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
        first_name=raw.get("first_name") or "",
        last_name=raw.get("last_name") or "",
        company=raw.get("company") or "",
        street_1=raw.get("street_1") or "",
        street_2=raw.get("street_2") or "",
        city=raw.get("city") or "",
        state=raw.get("state") or "",
        postcode=raw.get("zip") or "",
        country=raw.get("country") or "",
        country_code=raw.get("country_iso2") or "",
        phone=raw.get("phone") or "",
        email=raw.get("email") or "",
    )


def v3_address(raw: dict) -> Address:
    return Address(
        first_name=raw.get("first_name") or "",
        last_name=raw.get("last_name") or "",
        company=raw.get("company") or "",
        street_1=raw.get("address1") or "",
        street_2=raw.get("address2") or "",
        city=raw.get("city") or "",
        state=raw.get("state_or_province") or "",
        postcode=raw.get("postal_code") or "",
        country=raw.get("country") or "",
        country_code=raw.get("country_code") or "",
        phone=raw.get("phone") or "",
    )


def customer_from_v3(raw: dict) -> Customer:
    addresses = raw.get("addresses") or []
    return Customer(
        source_id=str(raw["id"]),
        email=(raw.get("email") or "").lower(),
        first_name=raw.get("first_name") or "",
        last_name=raw.get("last_name") or "",
        company=raw.get("company") or "",
        phone=raw.get("phone") or "",
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
        source_id=str(raw["id"]),
        sku=raw.get("sku") or "",
        name=raw.get("name") or "",
        quantity=Decimal(str(raw.get("quantity") or 0)),
        unit_price_ex_tax=money(raw.get("price_ex_tax")),
        unit_price_inc_tax=money(raw.get("price_inc_tax")),
        total_ex_tax=money(raw.get("total_ex_tax")),
        total_inc_tax=money(raw.get("total_inc_tax")),
        total_tax=money(raw.get("total_tax")),
        discount=discount,
        product_id=str(raw.get("product_id") or ""),
        variant_id=str(raw.get("variant_id") or ""),
    )


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
        source_id=str(order["id"]),
        number=str(order["id"]),
        status_id=int(order.get("status_id") or 0),
        status=order.get("status") or "",
        created_at=rfc2822(order["date_created"]),
        modified_at=rfc2822(order["date_modified"]),
        currency=order.get("currency_code") or order.get("default_currency_code") or "",
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
        payment_method=order.get("payment_method") or "",
        payment_status=order.get("payment_status") or "",
        channel_id=int(order.get("channel_id") or 1),
        customer_message=order.get("customer_message") or "",
        shipping_method=(first_shipping or {}).get("shipping_method") or "",
    )


def payment_from_transaction(raw: dict) -> Payment:
    return Payment(
        source_id=str(raw.get("id")),
        kind="transaction",
        event=raw.get("event") or "",
        amount=money(raw.get("amount")),
        currency=raw.get("currency") or "",
        status=raw.get("status") or "",
        created_at=raw.get("date_created") or "",
        method=raw.get("method") or "",
    )


def payment_from_refund(raw: dict) -> Payment:
    return Payment(
        source_id=str(raw.get("id")),
        kind="refund",
        event="refund",
        amount=money(raw.get("total_amount")),
        currency="",
        status="declined" if any(p.get("is_declined") for p in raw.get("payments") or []) else "ok",
        created_at=raw.get("created") or "",
    )
