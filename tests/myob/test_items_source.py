"""MYOB as the catalog push's item source, over real HTTP against the sandbox company file: the
first read lists every sold item with its price, cost and stock; a later read from the cursor
yields exactly the items a person changed in MYOB; pages are followed; a malformed item is a
plain error naming it."""

from decimal import Decimal

import pytest

from audit.models import ApiCall
from connectors.errors import UnreadableAnswer
from connectors.myob.connector import MyobConnector
from sandbox.catalog_seed import catalog_seed
from sandbox.myob.models import MyobRecord
from sandbox.myob.oauth import issue_token
from sandbox.myob.resources import stock_figures
from sandbox.myob.services import business_with_catalog, items_change, record_create, records
from sync.models import SyncJob
from sync.streams import stream_poll
from tenants.models import Connection, ConnectionStatus
from tests.support.myob_sandbox import CF_PASSWORD, CF_USER, SCOPES, company_file_connection

D = Decimal
SOLD = ["TENT-2P", "PACK-30L", "STOVE-1", "MUG-STEEL", "JACKET-S", "JACKET-M", "JACKET-L"]


def read_all(connection, since=None) -> list:
    return [r for page in MyobConnector(connection).changed_items(since) for r in page]


def by_sku(found) -> dict:
    return {record.data.sku: record for record in found}


def item(business, number) -> MyobRecord:
    return records(business, "Inventory/Item").get(data__Number=number)


def myob_clock(record: MyobRecord):
    """LastModified as the sandbox answers it: naive, to the millisecond."""
    moment = record.last_modified.replace(tzinfo=None)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def test_the_first_read_lists_every_sold_item_with_its_price_cost_and_stock(
    myob_connection, business
):
    sales = records(business, "GeneralLedger/Account").get(data__DisplayID="4-1000")
    record_create(business, "Inventory/Item", {"Number": "PARTS-BIN", "Name": "Parts bin",
                  "IsSold": False, "IncomeAccount": {"UID": str(sales.uid)}})  # fmt: skip
    found = by_sku(read_all(myob_connection))
    assert sorted(found) == sorted([*SOLD, "SHIPPING"])  # not the unsold PARTS-BIN
    tent, stored = found["TENT-2P"], item(business, "TENT-2P")
    assert (tent.erp_id, tent.version) == (str(stored.uid), stored.row_version)
    assert tent.modified_at == tent.data.modified_at == myob_clock(stored)
    data = tent.data
    assert (data.price, data.sale_price, data.cost, data.stock) == (
        D("349.00"), None, D("180.00"), {"": D("50")}
    )  # fmt: skip
    assert (found["MUG-STEEL"].data.price, found["MUG-STEEL"].data.cost) == (D("19.5"), D("6.35"))
    times = [record.modified_at for record in read_all(myob_connection)]
    assert times == sorted(times)  # oldest first
    assert ApiCall.objects.filter(operation="inventory.item.list").count() == 2


def test_a_read_from_the_cursor_yields_exactly_the_items_changed_in_myob(myob_connection, business):
    cursor = max(record.modified_at for record in read_all(myob_connection))
    assert read_all(myob_connection, cursor) == []
    items_change(business, skus=["TENT-2P", "MUG-STEEL"], price_factor=D("0.9"), stock_delta=-3)
    changed = by_sku(read_all(myob_connection, cursor))
    assert sorted(changed) == ["MUG-STEEL", "TENT-2P"]
    tent, mug = changed["TENT-2P"].data, changed["MUG-STEEL"].data
    assert (tent.price, tent.stock, tent.cost) == (D("314.10"), {"": D("47")}, D("180.00"))
    assert (mug.price, mug.stock) == (D("17.55"), {"": D("47")})
    assert changed["TENT-2P"].version == item(business, "TENT-2P").row_version
    assert read_all(myob_connection, max(r.modified_at for r in changed.values())) == []
    # The run reads the item again: as it is now.
    again = MyobConnector(myob_connection).item_record(changed["TENT-2P"].erp_id)
    assert again == changed["TENT-2P"]


def test_non_inventoried_items_carry_no_stock_and_unsold_or_deleted_ones_are_none(
    myob_connection, business
):
    erp = MyobConnector(myob_connection)
    shipping = erp.item_record(str(item(business, "SHIPPING").uid))
    assert (shipping.data.sku, shipping.data.stock, shipping.data.cost) == ("SHIPPING", {}, None)
    assert shipping.data.price == D("0")
    # Sold below zero: MYOB has no average cost then, and the store's cost is left alone.
    stove = item(business, "STOVE-1")
    stove.data.update(stock_figures(True, -2, "40.00"))
    stove.save()
    below = erp.item_record(str(stove.uid)).data
    assert (below.stock, below.cost) == ({"": D("-2")}, None)
    # No longer sold: not a catalog item.
    (mug,) = items_change(business, skus=["MUG-STEEL"], sold=False)
    assert erp.item_record(str(mug.uid)) is None
    assert "MUG-STEEL" not in by_sku(read_all(myob_connection))
    # Deleted in MYOB.
    jacket = item(business, "JACKET-L")
    jacket.delete()
    assert erp.item_record(str(jacket.uid)) is None


@pytest.fixture
def big_file(tenant, myob_key):
    """A company file with 1,200 catalog SKUs beside its own items: more than MYOB's 1,000 a page."""
    business = business_with_catalog(1200, username=CF_USER, password=CF_PASSWORD)
    token = issue_token(myob_key, str(business.uid), SCOPES)
    return business, company_file_connection(tenant, business, token)


def test_every_page_is_read_and_each_sold_item_comes_once(big_file):
    business, connection = big_file
    seeded = [s for p in catalog_seed(1200) if not p.erp_lacks for s in p.skus()]
    sold = len(seeded) + len(SOLD) + 1  # and SHIPPING
    pages = list(MyobConnector(connection).changed_items(None))
    assert [len(page) for page in pages] == [1000, sold - 1000]
    skus = [record.data.sku for page in pages for record in page]
    assert len(skus) == len(set(skus)) and set(skus) == set(seeded) | {*SOLD, "SHIPPING"}
    # A share of them changed by a person: the next read yields those, on one page.
    cursor = max(record.modified_at for page in pages for record in page)
    changed = items_change(business, share=0.05, price_factor=D("1.1"), seed=7)
    (page,) = MyobConnector(connection).changed_items(cursor)
    assert len(page) == round(sold * 0.05)
    assert sorted(r.data.sku for r in page) == sorted(i.data["Number"] for i in changed)


@pytest.mark.parametrize(
    ("spoil", "said"),
    [
        (lambda data: data.pop("Number"), "KeyError: 'Number'"),
        (lambda data: data.update(Number=""), "Number ('') is not an item's Number"),
        (lambda data: data.update(BaseSellingPrice="abc"), "BaseSellingPrice ('abc') is not a number"),
        (lambda data: data.update(BaseSellingPrice=None), "BaseSellingPrice (None) is not a number"),
        (lambda data: data.update(BaseSellingPrice=True), "BaseSellingPrice (True) is not a number"),
        (lambda data: data.update(QuantityOnHand=[1]), "QuantityOnHand ([1]) is not a number"),
        (lambda data: data.update(AverageCost="NaN"), "AverageCost ('NaN') is not a number"),
        (lambda data: data.update(BaseSellingPrice=10**30), "is out of range"),
        (lambda data: data.update(IsSold="yes"), "IsSold ('yes') is not true or false"),
    ],
)  # fmt: skip
def test_a_malformed_item_is_a_plain_error_that_names_it(myob_connection, business, spoil, said):
    stove = item(business, "STOVE-1")
    spoil(stove.data)
    stove.save()
    erp = MyobConnector(myob_connection)
    for read in (lambda: read_all(myob_connection), lambda: erp.item_record(str(stove.uid))):
        with pytest.raises(UnreadableAnswer) as raised:
            read()
        message = raised.value.message
        assert message.startswith("MYOB answered the item ") and said in message, message
        assert "STOVE-1" in message or str(stove.uid) in message


def test_the_generic_items_poll_asks_for_no_job_of_myob_items(myob_connection, business):
    """MYOB lists item changes, but items are no polled stream: the catalog push reads them and
    owns their cursor, so the beat's generic poll neither reads MYOB's items nor asks for jobs."""
    Connection.objects.filter(pk=myob_connection.pk).update(status=ConnectionStatus.ACTIVE)
    assert stream_poll(myob_connection.pk, "items") == 0
    assert not SyncJob.objects.exists()
    assert not ApiCall.objects.filter(operation="inventory.item.list").exists()
