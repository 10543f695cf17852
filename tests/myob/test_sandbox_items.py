"""The sandbox MYOB's inventory items: the fields MYOB shows (stock figures read only through the
API), a filter on LastModified, the changes a person makes, the generated catalog's SKUs in the
demo company file, and the command the demo changes items with."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from sandbox.catalog_seed import DEMO_SKUS, catalog_seed
from sandbox.myob.models import MyobBusiness
from sandbox.myob.services import demo_company_file, records

D = Decimal
ITEM_FIELDS = {
    "UID", "URI", "RowVersion", "LastModified", "Number", "Name", "IsActive", "IsSold",
    "IsInventoried", "BaseSellingPrice", "QuantityOnHand", "QuantityCommitted",
    "QuantityOnOrder", "QuantityAvailable", "AverageCost", "CurrentValue", "SellingDetails",
}  # fmt: skip


def item(business, number):
    return records(business, "Inventory/Item").get(data__Number=number)


def test_an_item_shows_myobs_fields_and_a_put_cannot_set_its_stock(raw_api, business):
    uid = str(item(business, "TENT-2P").uid)
    since = max(i["LastModified"] for i in raw_api("GET", "Inventory/Item").json()["Items"])
    tent = raw_api("GET", f"Inventory/Item/{uid}").json()
    assert set(tent) >= ITEM_FIELDS
    assert (tent["QuantityOnHand"], tent["QuantityAvailable"]) == (50, 50)
    assert (tent["AverageCost"], tent["CurrentValue"], tent["BaseSellingPrice"]) == (180, 9000, 349)
    assert tent["SellingDetails"]["IsTaxInclusive"] is True
    # A person's PUT changes the price; the stock figures come from transactions only.
    body = {**tent, "QuantityOnHand": 999, "AverageCost": 1,
            "SellingDetails": {**tent["SellingDetails"], "BaseSellingPrice": 329}}  # fmt: skip
    response = raw_api("PUT", f"Inventory/Item/{uid}", json=body, params={"returnBody": "true"})
    assert response.status_code == 200, response.text
    saved = response.json()
    assert (saved["BaseSellingPrice"], saved["QuantityOnHand"], saved["AverageCost"]) == (
        329,
        50,
        180,
    )
    assert saved["RowVersion"] != tent["RowVersion"]
    # The changes since the last one before, as the items stream asks for them.
    listed = raw_api(
        "GET", "Inventory/Item",
        params={"$filter": f"LastModified gt datetime'{since}'", "$orderby": "LastModified"},
    ).json()  # fmt: skip
    assert [i["Number"] for i in listed["Items"]] == ["TENT-2P"]


def test_a_new_item_has_no_stock_and_a_price_must_be_a_number(raw_api, business):
    sales = str(records(business, "GeneralLedger/Account").get(data__DisplayID="4-1000").uid)
    body = {"Number": "KAYAK-9", "Name": "Kayak", "IncomeAccount": {"UID": sales},
            "QuantityOnHand": 7, "SellingDetails": {"BaseSellingPrice": "a lot"}}  # fmt: skip
    refused = raw_api("POST", "Inventory/Item", json=body).json()["Errors"]
    assert [e["Name"] for e in refused] == ["SerializationError"]
    body["SellingDetails"] = {"BaseSellingPrice": 999, "IsTaxInclusive": False}
    response = raw_api("POST", "Inventory/Item", json=body, params={"returnBody": "true"})
    kayak = response.json()
    assert (kayak["QuantityOnHand"], kayak["BaseSellingPrice"]) == (0, 999)
    assert kayak["SellingDetails"]["IsTaxInclusive"] is False


def test_the_demo_company_file_has_the_generated_catalog_beside_its_own_items(db):
    business = demo_company_file("demo-key", "demo-secret", "http://localhost/cb/")
    seed = catalog_seed(DEMO_SKUS)
    expected = [s for p in seed if not p.erp_lacks for s in p.skus()]
    numbers = set(records(business, "Inventory/Item").values_list("data__Number", flat=True))
    assert numbers >= {"TENT-2P", "SHIPPING"} and numbers >= set(expected)
    lacking = {s for p in seed if p.erp_lacks for s in p.skus()}
    assert lacking and not numbers & lacking
    # A tenth of the sold items drifted from the seed (price down 5 %, stock down 2), as books
    # drift from a storefront: the demo's first catalog push has something to show.
    seed_price = {v.sku: v.price or p.price for p in seed for v in p.variants}
    seed_price |= {p.sku: p.price for p in seed if not p.variants}
    drifted = {
        number for number in set(expected)
        if D(str(item(business, number).data["BaseSellingPrice"])) != seed_price[number]
    }  # fmt: skip
    assert 0.05 * len(expected) < len(drifted) < 0.15 * len(expected)
    for number in sorted(drifted)[:5]:
        expected_price = (seed_price[number] * D("0.95")).quantize(D("0.01"))
        assert D(str(item(business, number).data["BaseSellingPrice"])) == expected_price
    product = next(
        p for p in seed
        if p.variants and p.tracking == "variant" and not p.erp_lacks
        and not drifted & set(p.skus())
    )  # fmt: skip
    variant = product.variants[-1]
    stored = item(business, variant.sku).data
    assert (D(str(stored["BaseSellingPrice"])), D(str(stored["AverageCost"]))) == (
        variant.price, product.cost
    )  # fmt: skip
    assert stored["QuantityOnHand"] == product.stock and stored["IsInventoried"] is True
    untracked = next(p for p in seed if p.tracking == "none" and not p.erp_lacks)
    assert item(business, untracked.sku).data["IsInventoried"] is False
    # Made once; a file made before the catalog existed gets it on the next start.
    item(business, expected[0]).delete()
    again = demo_company_file("demo-key", "demo-secret", "http://localhost/cb/")
    assert again == business and MyobBusiness.objects.count() == 1
    assert records(business, "Inventory/Item").count() == len(numbers)


def test_the_command_changes_a_share_of_the_sold_items_as_a_person_would(business):
    before = {i.data["Number"]: i for i in records(business, "Inventory/Item")}
    out = StringIO()
    call_command(
        "sandbox_myob_items", business.name, "--share", "0.5", "--price-factor", "0.9",
        "--stock-delta", "-5", stdout=out,
    )  # fmt: skip
    assert out.getvalue().startswith(f"4 items changed in {business.name}: ")
    after = {i.data["Number"]: i for i in records(business, "Inventory/Item")}
    changed = [n for n in after if after[n].row_version != before[n].row_version]
    assert len(changed) == 4 and all(n in out.getvalue() for n in changed)
    for number in changed:
        old, new = before[number], after[number]
        assert new.last_modified > old.last_modified and new.last_modified <= timezone.now()
        assert D(str(new.data["BaseSellingPrice"])) == (
            D(str(old.data["BaseSellingPrice"])) * D("0.9")
        ).quantize(D("0.01"))
        if new.data["IsInventoried"]:
            assert new.data["QuantityOnHand"] == 45
    call_command("sandbox_myob_items", str(business.uid), "--skus", "MUG-STEEL", stdout=out)
    assert item(business, "MUG-STEEL").row_version != after["MUG-STEEL"].row_version


def test_a_filter_on_last_modified_is_exact_to_the_millisecond_it_answers(raw_api, business):
    """LastModified is answered to the millisecond: `gt` a moment takes the records whose answered
    time is after it (the sandbox narrows such a filter in the database first)."""
    moment = datetime(2031, 5, 6, 7, 8, 9, 123000, tzinfo=UTC)
    times = {
        "TENT-2P": moment + timedelta(microseconds=999),  # answered as .123: not after
        "PACK-30L": moment + timedelta(milliseconds=1),  # .124
        "STOVE-1": moment + timedelta(microseconds=1001),  # .124
        "MUG-STEEL": moment - timedelta(milliseconds=1),
    }
    for number, at in times.items():
        records(business, "Inventory/Item").filter(data__Number=number).update(last_modified=at)
    for literal in (
        "2031-05-06T07:08:09.123",
        "2031-05-06T07:08:09.123456",
        "2031-05-06 07:08:09.1234",
    ):
        listed = raw_api("GET", "Inventory/Item", params={
            "$filter": f"LastModified gt datetime'{literal}'", "$orderby": "LastModified"
        }).json()  # fmt: skip
        assert sorted(i["Number"] for i in listed["Items"]) == ["PACK-30L", "STOVE-1"], literal
    listed = raw_api("GET", "Inventory/Item", params={
        "$filter": "LastModified gt datetime'2031-05-06T07:08:09.122'"
    }).json()  # fmt: skip
    assert sorted(i["Number"] for i in listed["Items"]) == ["PACK-30L", "STOVE-1", "TENT-2P"]
