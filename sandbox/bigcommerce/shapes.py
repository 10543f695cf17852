"""Resources as BigCommerce renders them: v2 money as 4-decimal strings and RFC 2822 dates;
v3 money as numbers and ISO 8601 dates; sub-resources of a v2 order as links."""

from decimal import Decimal
from email.utils import format_datetime

STATUS_NAMES = {
    0: "Incomplete", 1: "Pending", 2: "Shipped", 3: "Partially Shipped", 4: "Refunded",
    5: "Cancelled", 6: "Declined", 7: "Awaiting Payment", 8: "Awaiting Pickup",
    9: "Awaiting Shipment", 10: "Completed", 11: "Awaiting Fulfillment",
    12: "Manual Verification Required", 13: "Disputed", 14: "Partially Refunded",
}  # fmt: skip
# The control panel's order of statuses (sort_order in GET /v2/orders/count).
STATUS_ORDER = (0, 1, 7, 11, 9, 8, 3, 10, 2, 5, 6, 4, 13, 12, 14)
STATUS_DESCRIPTIONS = {
    0: "The shopper reached the payment page but did not complete the transaction.",
    1: "The shopper started the checkout but did not complete it.",
    2: "The order has been shipped; receipt is not confirmed.",
    3: "Only some items of the order have been shipped.",
    4: "The seller refunded the order.",
    5: "The seller cancelled the order.",
    6: "The seller declined the order.",
    7: "Checkout is complete; the payment is not yet confirmed.",
    8: "The order is packed and waits for the shopper to pick it up.",
    9: "The order is packed and waits for the shipping provider.",
    10: "The order is complete.",
    11: "Checkout is complete and the payment confirmed.",
    12: "The order is on hold until something is confirmed by hand.",
    13: "The shopper opened a dispute about the payment.",
    14: "The seller refunded part of the order.",
}


def money4(value) -> str:
    return f"{Decimal(value):.4f}"


def rfc2822(dt) -> str:
    return format_datetime(dt) if dt else ""


def iso(dt) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ") if dt else ""


def _link(base: str, path: str) -> dict:
    return {"url": f"{base}{path}", "resource": path}


def order_totals(order) -> dict:
    lines = list(order.lines.all())
    subtotal_ex = sum((line.price_ex_tax * line.quantity for line in lines), Decimal("0"))
    subtotal_tax = sum((line.price_tax * line.quantity for line in lines), Decimal("0"))
    ship_ex, ship_tax = order.shipping_cost_ex_tax, order.shipping_cost_tax
    total_ex = subtotal_ex + ship_ex - order.discount_amount
    total_tax = subtotal_tax + ship_tax
    return {
        "subtotal_ex_tax": subtotal_ex, "subtotal_inc_tax": subtotal_ex + subtotal_tax,
        "subtotal_tax": subtotal_tax, "total_ex_tax": total_ex, "total_inc_tax": total_ex + total_tax,
        "total_tax": total_tax, "items_total": sum(line.quantity for line in lines),
    }  # fmt: skip


def v2_order(order, base: str) -> dict:
    totals = order_totals(order)
    ship_ex, ship_tax = order.shipping_cost_ex_tax, order.shipping_cost_tax
    return {
        "id": order.pk,
        "customer_id": order.customer_id or 0,
        "date_created": rfc2822(order.date_created),
        "date_modified": rfc2822(order.date_modified),
        "date_shipped": "",
        "status_id": order.status_id,
        "status": STATUS_NAMES[order.status_id],
        "custom_status": STATUS_NAMES[order.status_id],
        "subtotal_ex_tax": money4(totals["subtotal_ex_tax"]),
        "subtotal_inc_tax": money4(totals["subtotal_inc_tax"]),
        "subtotal_tax": money4(totals["subtotal_tax"]),
        "base_shipping_cost": money4(ship_ex),
        "shipping_cost_ex_tax": money4(ship_ex),
        "shipping_cost_inc_tax": money4(ship_ex + ship_tax),
        "shipping_cost_tax": money4(ship_tax),
        "shipping_cost_tax_class_id": 2,
        "base_handling_cost": money4(0),
        "handling_cost_ex_tax": money4(0),
        "handling_cost_inc_tax": money4(0),
        "handling_cost_tax": money4(0),
        "handling_cost_tax_class_id": 2,
        "base_wrapping_cost": money4(0),
        "wrapping_cost_ex_tax": money4(0),
        "wrapping_cost_inc_tax": money4(0),
        "wrapping_cost_tax": money4(0),
        "wrapping_cost_tax_class_id": 3,
        "total_ex_tax": money4(totals["total_ex_tax"]),
        "total_inc_tax": money4(totals["total_inc_tax"]),
        "total_tax": money4(totals["total_tax"]),
        "items_total": totals["items_total"],
        "items_shipped": 0,
        "payment_method": order.payment_method,
        "payment_provider_id": "",
        "payment_status": order.payment_status,
        "refunded_amount": money4(sum((r.total_amount for r in order.refunds.all()), Decimal("0"))),
        "order_is_digital": not order.lines.filter(type="physical").exists(),
        "store_credit_amount": money4(0),
        "gift_certificate_amount": money4(0),
        "ip_address": "203.0.113.10",
        "ip_address_v6": "",
        "geoip_country": order.billing_address.get("country", ""),
        "geoip_country_iso2": order.billing_address.get("country_iso2", ""),
        "currency_id": 1,
        "currency_code": order.currency_code,
        "currency_exchange_rate": "1.0000000000",
        "default_currency_id": 1,
        "default_currency_code": order.currency_code,
        "store_default_currency_code": order.currency_code,
        "store_default_to_transactional_exchange_rate": "1.0000000000",
        "staff_notes": "",
        "customer_message": order.customer_message,
        "discount_amount": money4(order.discount_amount),
        "coupon_discount": money4(0),
        "shipping_address_count": order.shipping_addresses.count(),
        "is_deleted": order.is_deleted,
        "is_tax_inclusive_pricing": order.is_tax_inclusive_pricing,
        "is_email_opt_in": False,
        "credit_card_type": None,
        "order_source": "www",
        "channel_id": order.channel_id,
        "external_source": "",
        "external_id": None,
        "external_merchant_id": None,
        "tax_provider_id": "BasicTaxProvider",
        "customer_locale": "en-AU",
        "external_order_id": "",
        "cart_id": "",
        "billing_address": {**order.billing_address, "form_fields": []},
        "products": _link(base, f"/orders/{order.pk}/products"),
        "shipping_addresses": _link(base, f"/orders/{order.pk}/shippingaddresses"),
        "coupons": _link(base, f"/orders/{order.pk}/coupons"),
    }


def v2_order_product(line) -> dict:
    inc = line.price_ex_tax + line.price_tax
    discounts = (
        [
            {
                "id": "coupon",
                "amount": money4(line.discount),
                "name": "Coupon",
                "code": "SAVE",
                "target": "order",
            }
        ]
        if line.discount
        else []
    )
    return {
        "id": line.pk,
        "order_id": line.order_id,
        "product_id": line.product_id or 0,
        "variant_id": line.variant_id,
        "order_address_id": _ship_to_id(line) or 0,
        "name": line.name, "name_customer": line.name, "name_merchant": line.name,
        "sku": line.sku, "upc": "", "type": line.type,
        "base_price": money4(line.price_ex_tax),
        "price_ex_tax": money4(line.price_ex_tax),
        "price_inc_tax": money4(inc),
        "price_tax": money4(line.price_tax),
        "base_total": money4(line.price_ex_tax * line.quantity),
        "total_ex_tax": money4(line.price_ex_tax * line.quantity),
        "total_inc_tax": money4(inc * line.quantity),
        "total_tax": money4(line.price_tax * line.quantity),
        "weight": "1.0000", "width": "0.0000", "height": "0.0000", "depth": "0.0000",
        "quantity": line.quantity,
        "base_cost_price": money4(0), "cost_price_inc_tax": money4(0),
        "cost_price_ex_tax": money4(0), "cost_price_tax": money4(0),
        "is_refunded": False, "quantity_refunded": 0, "refund_amount": money4(0),
        "return_id": 0, "quantity_shipped": 0, "fixed_shipping_cost": money4(0),
        "is_bundled_product": False, "parent_order_product_id": None,
        "applied_discounts": discounts,
        "product_options": [],
        "configurable_fields": [],
        "external_id": None,
        "discounted_total_inc_tax": money4(inc * line.quantity - line.discount),
    }  # fmt: skip


def _ship_to_id(line) -> int | None:
    """A physical line ships to its own address, else to the order's first; others ship nowhere."""
    if line.type != "physical":
        return None
    return line.ship_to_id or line.order.shipping_addresses.values_list("pk", flat=True).first()


def v2_consignments(order, base: str, *, with_line_items: bool) -> dict:
    """`include=consignments[.line_items]&consignment_structure=object`: the order's lines grouped
    by how they reach the shopper (orderConsignment_Get). Line items are the order's products in
    full, or links to them without `.line_items`. The sandbox has no pickup locations."""
    lines = list(order.lines.order_by("pk"))

    def items(selected) -> list[dict]:
        if with_line_items:
            return [v2_order_product(line) for line in selected]
        return [_link(base, f"/orders/{order.pk}/products/{line.pk}") for line in selected]

    shipping = []
    for address in order.shipping_addresses.order_by("pk"):
        mine = [line for line in lines if _ship_to_id(line) == address.pk]
        count = sum(line.quantity for line in mine)
        shipping.append(_shipping_consignment(address, base, items(mine), count))
    recipient = order.billing_address.get("email", "")
    digital = [line for line in lines if line.type == "digital"]
    gifts = [line for line in lines if line.type == "giftcertificate"]
    return {
        "pickups": [],
        "shipping": shipping,
        "downloads": [{"recipient_email": recipient, "line_items": items(digital)}] if digital else [],
        "email": {"gift_certificates": [{"recipient_email": recipient, "line_items": items([g])}
                                        for g in gifts]},
    }  # fmt: skip


def _shipping_consignment(shipping, base: str, line_items: list[dict], items_total: int) -> dict:
    """A shipping consignment: the ship-to address, its method and costs (numbers, not the
    shipping_addresses endpoint's strings) and its lines."""
    order = shipping.order
    ship_ex, ship_tax = order.shipping_cost_ex_tax, order.shipping_cost_tax
    return {
        "id": shipping.pk,
        **shipping.address,
        "form_fields": [],
        "shipping_method": shipping.shipping_method,
        "line_items": line_items,
        "items_total": items_total,
        "items_shipped": 0,
        "base_cost": float(ship_ex), "cost_ex_tax": float(ship_ex),
        "cost_inc_tax": float(ship_ex + ship_tax), "cost_tax": float(ship_tax),
        "cost_tax_class_id": 2,
        "base_handling_cost": 0.0, "handling_cost_ex_tax": 0.0, "handling_cost_inc_tax": 0.0,
        "handling_cost_tax": 0.0, "handling_cost_tax_class_id": 2,
        "shipping_zone_id": 1, "shipping_zone_name": "Australia",
        "shipping_quotes": _link(
            base, f"/orders/{order.pk}/consignments/shipping/{shipping.pk}/shipping_quotes"
        ),
    }  # fmt: skip


def v2_shipping_address(shipping) -> dict:
    order = shipping.order
    return {
        "id": shipping.pk,
        "order_id": order.pk,
        **shipping.address,
        "items_total": order.lines.count(),
        "items_shipped": 0,
        "shipping_method": shipping.shipping_method,
        "base_cost": money4(order.shipping_cost_ex_tax),
        "cost_ex_tax": money4(order.shipping_cost_ex_tax),
        "cost_inc_tax": money4(order.shipping_cost_ex_tax + order.shipping_cost_tax),
        "cost_tax": money4(order.shipping_cost_tax),
        "cost_tax_class_id": 2,
        "base_handling_cost": money4(0), "handling_cost_ex_tax": money4(0),
        "handling_cost_inc_tax": money4(0), "handling_cost_tax": money4(0),
        "handling_cost_tax_class_id": 2,
        "shipping_zone_id": 1,
        "shipping_zone_name": "Australia",
        "shipping_quotes": {"url": "", "resource": f"/orders/{order.pk}/shippingaddresses/{shipping.pk}/shippingquotes"},
        "form_fields": [],
    }  # fmt: skip


def v3_customer(customer, include_addresses: bool) -> dict:
    body = {
        "id": customer.pk,
        "email": customer.email,
        "first_name": customer.first_name,
        "last_name": customer.last_name,
        "company": customer.company,
        "phone": customer.phone,
        "registration_ip_address": "",
        "notes": "",
        "tax_exempt_category": "",
        "customer_group_id": 0,
        "date_created": iso(customer.date_created),
        "date_modified": iso(customer.date_modified),
        "address_count": len(customer.addresses),
        "attribute_count": 0,
        "authentication": {"force_password_reset": False},
        "accepts_product_review_abandoned_cart_emails": False,
        "origin_channel_id": 1,
        "channel_ids": [1],
    }
    if include_addresses:
        body["addresses"] = [
            {"id": i + 1, "customer_id": customer.pk, "address_type": "residential", **a}
            for i, a in enumerate(customer.addresses)
        ]
    return body


def v3_transaction(t) -> dict:
    return {
        "id": t.pk, "order_id": str(t.order_id), "event": t.event, "method": t.method,
        "amount": float(t.amount), "currency": t.order.currency_code, "gateway": t.gateway,
        "gateway_transaction_id": f"gw-{t.pk}", "status": t.status, "test": True,
        "fraud_review": False, "date_created": iso(t.date_created),
    }  # fmt: skip


def v3_refund(r) -> dict:
    return {
        "id": r.pk, "order_id": r.order_id, "user_id": 0, "created": iso(r.created),
        "reason": r.reason, "total_amount": float(r.total_amount), "total_tax": float(r.total_tax),
        "uses_merchant_override_values": False, "items": [],
        "payments": [{"id": r.pk, "provider_id": "braintree", "amount": float(r.total_amount),
                      "offline": False, "is_declined": False, "declined_message": ""}],
    }  # fmt: skip


def v3_hook(hook) -> dict:
    return {
        "id": hook.pk,
        "client_id": hook.client_id,
        "store_hash": hook.store.store_hash,
        "scope": hook.scope,
        "destination": hook.destination,
        "headers": hook.headers,
        "is_active": hook.is_active,
        "created_at": int(hook.created_at.timestamp()),
        "updated_at": int(hook.updated_at.timestamp()),
    }


def v3_variant(variant) -> dict:
    return {
        "id": variant.pk, "product_id": variant.product_id, "sku": variant.sku,
        "price": float(variant.price if variant.price is not None else variant.product.price),
        "calculated_price": float(variant.price if variant.price is not None else variant.product.price),
        "cost_price": float(variant.product.cost_price), "inventory_level": variant.inventory_level,
        "option_values": [{"label": variant.option_label, "option_display_name": "Size"}] if variant.option_label else [],
    }  # fmt: skip
