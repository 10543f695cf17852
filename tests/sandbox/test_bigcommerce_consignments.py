"""One read for an order with its lines and ship-to addresses (consignments), against the three
reads it replaces: over real HTTP to the sandbox store, both map to the same canonical order."""

import pytest

from connectors.bigcommerce import mapping
from connectors.bigcommerce.store import BigCommerceStore
from sandbox.bigcommerce.services import place_test_order, store_create
from tests.factories import ConnectionFactory
from tests.sandbox.test_bigcommerce_spec import rich_order_lines

pytestmark = pytest.mark.embedded


@pytest.fixture
def rich_order(live_server, db, tenant):
    """Three physical lines (two shipping to a second address), a download, a gift certificate."""
    store = store_create("consign1", quota=100_000)
    order = place_test_order(
        store,
        customer=store.customers.get(email="grace@example.com"),
        items=[("TENT-2P", 1), ("JACKET-S", 2), ("MUG-STEEL", 4)],
    )
    rich_order_lines(order)
    connection = ConnectionFactory(
        tenant=tenant, store_hash=store.store_hash,
        bc_api_url=f"{live_server.url}/sandbox/bigcommerce", bc_access_token=store.access_token,
    )  # fmt: skip
    return order, BigCommerceStore(connection)


def test_one_read_with_consignments_maps_to_the_same_order_as_three_reads(rich_order):
    order, api = rich_order
    raw = api.order(order.pk)
    customer = api.customer(raw["customer_id"])
    products, shipping = api.order_products(order.pk), api.order_shipping_addresses(order.pk)
    from_three_reads = mapping.order_from_bigcommerce(raw, products, shipping, customer)

    with_lines = api.order_with_lines(order.pk)
    from_one_read = mapping.order_from_consignments(with_lines, customer)

    assert from_one_read == from_three_reads
    assert [line.sku for line in from_one_read.lines] == [
        "TENT-2P", "JACKET-S", "MUG-STEEL", "EBOOK-TRAILS", "GIFT-50",
    ]  # fmt: skip
    assert len(shipping) == 2 and from_one_read.shipping_address.city == "Melbourne"
    assert from_one_read.customer.email == "grace@example.com"


def test_every_line_is_in_exactly_one_consignment(rich_order):
    order, api = rich_order
    consignments = api.order_with_lines(order.pk)["consignments"]
    by_kind = {
        "shipping": [[p["sku"] for p in c["line_items"]] for c in consignments["shipping"]],
        "downloads": [[p["sku"] for p in c["line_items"]] for c in consignments["downloads"]],
        "gift_certificates": [
            [p["sku"] for p in c["line_items"]] for c in consignments["email"]["gift_certificates"]
        ],
    }
    assert by_kind == {
        "shipping": [["TENT-2P", "MUG-STEEL"], ["JACKET-S"]],
        "downloads": [["EBOOK-TRAILS"]],
        "gift_certificates": [["GIFT-50"]],
    }
    assert [c["city"] for c in consignments["shipping"]] == ["Melbourne", "Newcastle"]
