"""The store client of the catalog push reads whatever the store answers — the wrong type, a
missing field, a page that is not JSON — into a plain error naming BigCommerce, or the failed rows
it can make out; never a crash (KeyError, TypeError...)."""

import pytest

from connectors.bigcommerce.catalog import StoreCatalog
from connectors.errors import ConnectorError
from tests.support.scripted_server import Answer

pytestmark = pytest.mark.django_db(transaction=True)


def call(catalog: StoreCatalog, what: str):
    actions = {
        "products": lambda: list(catalog.products()),
        "locations": catalog.locations,
        "items": lambda: list(catalog.inventory_items(location_ids=[1])),
        "products_update": lambda: catalog.products_update([{"id": 1, "price": 2.0}]),
        "variants_update": lambda: catalog.variants_update([{"id": 1, "price": 2.0}]),
        "absolute": lambda: catalog.inventory_absolute(
            [{"location_id": 1, "sku": "A", "quantity": 1}], "count"
        ),
        "count": catalog.orders_count,
    }
    return actions[what]()


SPOILED = [
    ("products", Answer(200, {"data": "tents"})),
    ("products", Answer(200, {"data": [1, 2]})),
    ("products", Answer(200, {"data": [{"id": 1}], "meta": {"pagination": {"total_pages": "x"}}})),
    ("products", Answer(200, b"<html>gateway</html>")),
    ("locations", Answer(200, {"data": {"id": 1}})),
    ("items", Answer(200, [])),
    ("products_update", Answer(207, "partly")),
    ("products_update", Answer(207, {"errors": [1, 2]})),
    ("products_update", Answer(207, {"errors": {"title": None, "errors": {"abc": {"x": 1}}}})),
    ("variants_update", Answer(422, {"batch_errors": ["x"]})),
    ("variants_update", Answer(422, {"batch_errors": [{"errors": "x", "title": 5}]})),
    ("variants_update", Answer(422, {"title": "Nope"})),
    ("variants_update", Answer(422, b"not json")),
    ("absolute", Answer(200, {})),
    ("absolute", Answer(200, {"transaction_id": {"a": 1}})),
    ("absolute", Answer(200, [])),
    ("absolute", Answer(422, {"title": 7, "errors": "x"})),
    ("count", Answer(200, {"count": "many"})),
    ("count", Answer(200, {"count": None})),
]


@pytest.mark.parametrize(
    ("what", "answer"), SPOILED, ids=[f"{w}-{i}" for i, (w, _) in enumerate(SPOILED)]
)
def test_a_spoiled_answer_is_a_plain_error_or_plain_failed_rows(
    vendor_server, store_connection, what, answer
):
    vendor_server.script = [answer]
    catalog = StoreCatalog(store_connection)
    try:
        result = call(catalog, what)
    except ConnectorError as exc:
        assert exc.message.startswith("BigCommerce"), exc.message
        return
    assert isinstance(result, list) and result, result
    for row in result:
        assert set(row) == {"id", "message"} and row["message"].startswith("BigCommerce"), row
