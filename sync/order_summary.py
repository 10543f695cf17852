"""The order as the finance team reads it, kept on its job when the order is fetched: who bought,
when, for how much, which SKUs; the store's lines and totals; and the ERP document the connector
sends for it. The Orders view lists, searches and compares from these without reading the store
or the ERP again."""

import logging
from decimal import Decimal

from connectors.canonical import Order

logger = logging.getLogger(__name__)

# In job.details: the store's lines and totals, and the document sent (serialised preview).
STORE_LINES = "store_lines"
DOCUMENT = "document"


def summary_fields(order: Order) -> dict:
    """The job's summary columns (placed_at, customer, total, currency, SKUs)."""
    billing = order.billing_address
    person = " ".join(p for p in (billing.first_name, billing.last_name) if p)
    name = person or billing.company or _customer_name(order)
    return {
        "placed_at": order.created_at,
        "customer_name": name[:200],
        "customer_email": (order.customer.email or billing.email)[:254],
        "order_total": order.total_inc_tax,
        "currency": order.currency[:3],
        "skus": " ".join(dict.fromkeys(line.sku for line in order.lines if line.sku)),
    }


def _customer_name(order: Order) -> str:
    customer = order.customer
    return " ".join(p for p in (customer.first_name, customer.last_name) if p) or customer.company


def store_lines(order: Order) -> dict:
    """The store's side of the comparison: lines ex tax, then shipping, tax and the total."""
    return {
        "lines": [
            {
                "sku": line.sku,
                "name": line.name,
                "quantity": _text(line.quantity),
                "unit_price": _money(line.unit_price_ex_tax),
                "amount": _money(line.total_ex_tax),
            }
            for line in order.lines
        ],
        "subtotal": _money(order.subtotal_ex_tax),
        "discount": _money(order.discount_total),
        "shipping": _money(order.shipping_ex_tax),
        "tax": _money(order.total_tax),
        "total": _money(order.total_inc_tax),
        "currency": order.currency,
    }


def document_recorded(erp, order: Order) -> dict | None:
    """The document the connector sends for the order (its preview, built without a call), or
    None when the connector cannot describe it yet. A preview that cannot be built never fails
    an order that is already in the ERP: it is only missing from the comparison."""
    try:
        preview = erp.document_preview(order)
    except NotImplementedError:
        return None
    except Exception:
        logger.warning("document preview failed for order %s", order.source_id, exc_info=True)
        return None
    return {
        "kind": preview.kind,
        "customer": preview.customer,
        "lines": [
            {
                "description": line.description,
                "sku": line.sku,
                "quantity": _text(line.quantity),
                "unit_price": _money(line.unit_price),
                "amount": _money(line.amount),
                "account": line.account,
            }
            for line in preview.lines
        ],
        "tax": _money(preview.tax),
        "total": _money(preview.total),
        "currency": preview.currency,
        "notes": list(preview.notes),
    }


def _text(value: Decimal | None) -> str:
    return "" if value is None else format(value.normalize(), "f")


def _money(value: Decimal | None) -> str:
    return "" if value is None else str(Decimal(value).quantize(Decimal("0.01")))
