"""Business Central as the catalog push's item source, over real HTTP against the sandbox: the
first read lists every item with its price, cost and stock (none for a service item), oldest
first; a read from the cursor yields the items changed since (and those stamped just before it);
pages are followed; a malformed item is a plain error naming it."""

from datetime import timedelta
from decimal import Decimal

import pytest

from audit.models import ApiCall
from connectors.business_central.connector import BusinessCentralConnector
from connectors.business_central.items import OVERLAP, items_changed
from connectors.errors import UnreadableAnswer
from sandbox.business_central import clock
from sandbox.business_central.models import BcRecord
from sandbox.business_central.services import clock_advance, item_set
from tests.factories import ConnectionFactory
from tests.support.bc_sandbox import bc_sandbox

D = Decimal
pytestmark = pytest.mark.django_db(transaction=True)


def bc_connected(bc, tenant):
    """A connection (no store behind it) to the sandbox company `bc`, by its app."""
    settings = {"tenant_id": str(bc.tenant.entra_id), "environment": bc.environment.name,
                "company_id": str(bc.company.id), "client_id": bc.app.client_id}  # fmt: skip
    return ConnectionFactory(
        tenant=tenant, erp_kind="business_central", erp_settings=settings,
        erp_secrets={"client_secret": bc.app.client_secret},
    )  # fmt: skip


def bc_use_sandbox(settings, live_server) -> None:
    settings.BC_API_URL = f"{live_server.url}/sandbox/bc"
    settings.BC_ENTRA_URL = f"{live_server.url}/sandbox/entra"


@pytest.fixture
def shelf(live_server, settings, tenant):
    """Three items in a new sandbox company (a service item among them); the connection."""
    bc_use_sandbox(settings, live_server)
    bc = bc_sandbox(live_server, items=())
    item_set(bc.company, "TENT-2P", unit_price="349.00", unit_cost="180.00", inventory=50)
    item_set(bc.company, "MUG-STEEL", unit_price="19.50", unit_cost="6.35", inventory=12)
    item_set(bc.company, "INSTALL", unit_price="89.95", unit_cost="0", type="Service")
    return bc, bc_connected(bc, tenant)


def read_all(connection, since=None) -> list:
    return [r for page in BusinessCentralConnector(connection).changed_items(since) for r in page]


def by_sku(found) -> dict:
    return {record.data.sku: record for record in found}


def stored(bc, number) -> BcRecord:
    return BcRecord.objects.get(company=bc.company, entity_set="items", number=number)


def test_the_first_read_lists_every_item_with_its_price_cost_and_stock(shelf):
    bc, connection = shelf
    found = by_sku(read_all(connection))
    assert sorted(found) == ["INSTALL", "MUG-STEEL", "TENT-2P"]
    tent, row = found["TENT-2P"], stored(bc, "TENT-2P")
    assert tent.erp_id == str(row.record_id)
    assert tent.version.startswith('W/"') and tent.modified_at == tent.data.modified_at
    assert (tent.data.price, tent.data.sale_price, tent.data.cost, tent.data.stock) == (
        D("349.00"), None, D("180.00"), {"": D("50")}
    )  # fmt: skip
    mug, service = found["MUG-STEEL"].data, found["INSTALL"].data
    assert (mug.price, mug.cost, mug.stock) == (D("19.50"), D("6.35"), {"": D("12")})
    assert (service.price, service.stock) == (D("89.95"), {})  # no stock kept for a service
    times = [record.modified_at for record in read_all(connection)]
    assert times == sorted(times)  # oldest first
    assert ApiCall.objects.filter(system="business_central", operation="items.list").exists()
    # The run reads an item again: as it is now; a new version once it changed.
    erp = BusinessCentralConnector(connection)
    assert erp.item_record(tent.erp_id) == tent
    item_set(bc.company, "TENT-2P", unit_price="314.10")
    again = erp.item_record(tent.erp_id)
    assert again.data.price == D("314.10") and again.version != tent.version


def test_a_read_from_the_cursor_yields_the_items_changed_since(shelf):
    bc, connection = shelf
    clock_advance(3600)
    cursor = clock.now() - timedelta(minutes=30)  # after every item's stamp: the last push
    assert read_all(connection, cursor) == []
    item_set(bc.company, "TENT-2P", unit_price="314.10", inventory=47)
    changed = by_sku(read_all(connection, cursor))
    assert list(changed) == ["TENT-2P"]
    tent = changed["TENT-2P"].data
    assert (tent.price, tent.stock, tent.cost) == (D("314.10"), {"": D("47")}, D("180.00"))
    # From that change's own time: read again (committed after its stamp, an item may show up
    # late), and an item stamped just before the cursor too; one stamped earlier is not.
    newest = changed["TENT-2P"].modified_at
    assert list(by_sku(read_all(connection, newest))) == ["TENT-2P"]
    assert read_all(connection, newest + OVERLAP + timedelta(seconds=1)) == []


def test_every_page_is_read_and_each_item_comes_once(shelf):
    bc, connection = shelf
    for number in range(8):
        item_set(bc.company, f"PEG-{number}", unit_price=number + 1, unit_cost=1, inventory=number)
    api = BusinessCentralConnector(connection).api
    skus = [record.data.sku for page in items_changed(api, None, page=3) for record in page]
    assert sorted(skus) == sorted(
        ["INSTALL", "MUG-STEEL", "TENT-2P", *[f"PEG-{n}" for n in range(8)]]
    )
    lists = ApiCall.objects.filter(system="business_central", operation="items.list")
    assert lists.count() == 4  # 3 + 3 + 3 + 2, through @odata.nextLink


@pytest.mark.parametrize(
    ("spoil", "said"),
    [
        (lambda data: data.pop("number"), "number"),
        (lambda data: data.update(unitPrice="abc"), "unitPrice ('abc') is not a number"),
        (lambda data: data.update(unitPrice=True), "unitPrice (True) is not a number"),
        (lambda data: data.update(unitPrice=1e30), "is out of range"),
        (lambda data: data.update(unitCost=[1]), "unitCost ([1]) is not a number"),
        (lambda data: data.update(inventory=None), "inventory (None) is not a number"),
        (lambda data: data.update(type=7), "type (7) is not an item type"),
        (lambda data: data.update(lastModifiedDateTime="yesterday"), "yesterday"),
        (lambda data: data.update(lastModifiedDateTime="2026-01-01T10:00:00"), "no time zone"),
    ],
)  # fmt: skip
def test_a_malformed_item_is_a_plain_error_that_names_it(shelf, spoil, said):
    bc, connection = shelf
    tent = stored(bc, "TENT-2P")
    spoil(tent.data)
    BcRecord.objects.filter(pk=tent.pk).update(data=tent.data)
    erp = BusinessCentralConnector(connection)
    for read in (lambda: read_all(connection), lambda: erp.item_record(str(tent.record_id))):
        with pytest.raises(UnreadableAnswer) as raised:
            read()
        message = raised.value.message
        assert message.startswith("Business Central answered the item ") and said in message, (
            message
        )
        assert "TENT-2P" in message or str(tent.record_id) in message
