"""Canonical orders and customers for the ERP connector tests, built by hand (Decimal money)."""

from datetime import UTC, datetime
from decimal import Decimal

from connectors.canonical import Address, Customer, Line, Order

D = Decimal


def address(**fields) -> Address:
    base = {
        "first_name": "Ada", "last_name": "Lovelace", "street_1": "12 Analytical St",
        "city": "Sydney", "state": "NSW", "postcode": "2000", "country": "Australia",
        "country_code": "AU", "phone": "0400 000 000", "email": "ada@example.com",
    }  # fmt: skip
    return Address(**{**base, **fields})


EARLIER = datetime(2026, 11, 1, tzinfo=UTC)


def customer(source_id="7", email="ada@example.com", modified_at=EARLIER, **fields) -> Customer:
    billing = fields.pop("billing_address", None) or address(email=email)
    base = {"first_name": "Ada", "last_name": "Lovelace", "phone": "0400 000 000"}
    return Customer(
        source_id=source_id, email=email, billing_address=billing,
        modified_at=modified_at, **{**base, **fields},
    )  # fmt: skip


def line(sku, quantity, unit_ex, *, tax_rate="0.10", discount="0", source_id=None) -> Line:
    quantity, unit_ex, tax_rate, discount = (
        D(str(v)) for v in (quantity, unit_ex, tax_rate, discount)
    )
    unit_tax = (unit_ex * tax_rate).quantize(D("0.0001"))
    return Line(
        source_id=source_id or sku, sku=sku, name=f"Product {sku}", quantity=quantity,
        unit_price_ex_tax=unit_ex, unit_price_inc_tax=unit_ex + unit_tax,
        total_ex_tax=unit_ex * quantity, total_inc_tax=(unit_ex + unit_tax) * quantity,
        total_tax=unit_tax * quantity, discount=discount,
    )  # fmt: skip


def order(source_id="1001", lines=None, *, buyer=None, shipping_ex="10.0000", shipping_tax="1.0000",
          tax_inclusive=False, ship_to=None) -> Order:  # fmt: skip
    shipping_ex, shipping_tax = D(shipping_ex), D(shipping_tax)
    lines = tuple(lines or [line("TENT-2P", 2, "349.0000"), line("MUG-STEEL", 3, "19.5000")])
    buyer = buyer or customer()
    subtotal = sum((ln.total_ex_tax for ln in lines), D("0"))
    tax = sum((ln.total_tax for ln in lines), D("0")) + shipping_tax
    when = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
    return Order(
        source_id=source_id, number=source_id, status_id=11, status="Awaiting Fulfillment",
        created_at=when, modified_at=when, currency="AUD", tax_inclusive=tax_inclusive,
        customer=buyer, billing_address=buyer.billing_address,
        shipping_address=ship_to or address(first_name="Ada", street_1="1 Dock Rd", city="Newcastle"),
        lines=lines, shipping_ex_tax=shipping_ex, shipping_inc_tax=shipping_ex + shipping_tax,
        shipping_tax=shipping_tax, handling_ex_tax=D("0"), discount_total=D("0"),
        subtotal_ex_tax=subtotal, total_ex_tax=subtotal + shipping_ex,
        total_inc_tax=subtotal + shipping_ex + tax, total_tax=tax, shipping_method="Flat rate",
    )  # fmt: skip
