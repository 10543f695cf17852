"""The document preview (ErpConnector.document_preview) is the document the create then sends:
for every ERP, the preview of a store order has the lines and total of the document the
pipeline created for it in the sandbox, and making the preview calls nobody."""

import pytest

from audit.models import ApiCall
from connectors.bigcommerce import mapping as store_mapping
from connectors.bigcommerce.store import BigCommerceStore
from connectors.registry import connector_class_for
from sync.models import JobState
from tests.erp_contract.kits import cents
from tests.erp_contract.shop import order_synced

pytestmark = pytest.mark.worker


def store_order(connection, order_id):
    """The canonical order as the pipeline reads it from the store."""
    store = BigCommerceStore(connection)
    raw = store.order_with_lines(order_id)
    customer = store.customer(raw["customer_id"]) if raw.get("customer_id") else None
    return store_mapping.order_from_consignments(raw, customer)


def test_the_preview_is_the_document_the_create_sends(shop):
    order, job = order_synced(shop, [("TENT-2P", 2), ("MUG-STEEL", 3), ("PACK-30L", 1)])
    assert job.state == JobState.SUCCEEDED, job.last_error
    canonical = store_order(shop.connection, order.pk)
    calls = ApiCall.objects.count()

    preview = connector_class_for(shop.connection.erp_kind)(shop.connection).document_preview(
        canonical
    )

    assert ApiCall.objects.count() == calls, "the preview called out"
    (document,) = shop.kit.documents(order.pk)
    products = [(line.sku, cents(line.quantity), line.amount) for line in preview.lines if line.sku]
    assert products == list(document.lines)
    assert preview.total == document.total_inc_tax
    assert preview.customer and preview.kind
