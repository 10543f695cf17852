"""What the items source sends and gets (the stock item lists with $filter, $expand, $select,
$top/$skip, and one item by id) validates against Acumatica's official OpenAPI file."""

import pytest

from connectors.acumatica.connector import AcumaticaConnector
from connectors.acumatica.items import items_changed
from connectors.http import _session
from tests.acumatica.items_setup import acumatica_connection, stock_item
from tests.acumatica.test_sandbox_spec import OFFICIAL, invalid

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not OFFICIAL.exists(), reason="Acumatica's OpenAPI file is not here"),
]


def test_the_items_sources_requests_and_answers_match_the_official_file(acu, tenant):
    for number in range(4):
        stock_item(acu, f"PEG-{number}", price=number + 1, qty_by_warehouse={"MAIN": number})
    connection = acumatica_connection(acu, tenant)
    seen = []
    hook = lambda response, *args, **kwargs: seen.append(response)  # noqa: E731
    _session().hooks["response"].append(hook)
    try:
        erp = AcumaticaConnector(connection)
        records = [r for page in items_changed(erp.api, None, top=3) for r in page]
        cursor = max(record.modified_at for record in records)
        assert [r for page in erp.changed_items(cursor) for r in page]  # the overlap re-reads
        assert erp.item_record(records[0].erp_id) == records[0]
    finally:
        _session().hooks["response"].remove(hook)
    entity = [r for r in seen if "/entity/Default/" in r.request.url]
    assert {r.request.method for r in entity} == {"GET"} and len(entity) >= 4
    assert any("%24filter=LastModifiedDateTime" in r.request.url for r in entity)
    found, checked = invalid(entity)
    assert found == [] and checked == len(entity)
