"""The set-up's dry-run: the store's last three orders, read from the store's own order list,
each with the ERP document it would become (ErpConnector.document_preview). Only reads: nothing
is created in the ERP or in our records (no job, no event)."""

from dataclasses import dataclass
from decimal import Decimal

from connectors.bigcommerce import mapping as store_mapping
from connectors.bigcommerce.statuses import STATUS_NAMES
from connectors.bigcommerce.store import BigCommerceStore
from connectors.canonical import Order
from connectors.erp import DocumentPreview
from connectors.errors import ConnectorError
from connectors.registry import connector_class_for
from tenants.setup_checks import remember

COUNT = 3


@dataclass(frozen=True)
class DryRunOrder:
    number: str
    placed: str
    customer: str
    total: Decimal
    currency: str
    status: str
    preview: DocumentPreview | None = None
    skipped: str = ""  # why the order would not be sent at all
    problem: str = ""  # why its document could not be made


def _previewed(connection, connector, order: Order) -> DryRunOrder:
    shown = {
        "number": order.number,
        "placed": order.created_at.strftime("%d %b %Y %H:%M"),
        "customer": order.customer.display_name,
        "total": order.total_inc_tax,
        "currency": order.currency,
        "status": STATUS_NAMES.get(order.status_id, order.status),
    }
    if order.status_id not in connection.sync_status_ids:
        return DryRunOrder(
            **shown,
            skipped=f"Not sent: its status '{shown['status']}' is not ticked in 'Order statuses "
            "to sync'.",
        )
    try:
        return DryRunOrder(**shown, preview=connector.document_preview(order))
    except (ConnectorError, ValueError) as exc:
        return DryRunOrder(**shown, problem=getattr(exc, "message", None) or str(exc))


def dry_run(connection) -> list[DryRunOrder]:
    """The last orders with their would-be documents, newest first; remembered for the steps.
    Raises ConnectorError when the store cannot be read."""
    store = BigCommerceStore(connection)
    connector = connector_class_for(connection.erp_kind)(connection)
    shown = []
    try:
        for row in store.orders_latest(COUNT):
            raw = store.order_with_lines(row["id"])
            if raw is None:
                continue
            customer = store.customer(raw["customer_id"]) if raw.get("customer_id") else None
            order = store_mapping.order_from_consignments(raw, customer)
            shown.append(_previewed(connection, connector, order))
    finally:
        connector.close()
    remember(
        connection,
        "dry_run",
        {"orders": len(shown), "problems": sum(1 for order in shown if order.problem)},
    )
    return shown
