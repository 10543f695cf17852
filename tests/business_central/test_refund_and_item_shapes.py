"""Business Central's credit memo for a store refund and the catalog push's record of an item:
pure functions, no HTTP."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from connectors.business_central.items import _read, store_item
from connectors.business_central.payments import (
    credit_memo_payload,
    refund_net,
    refund_reference,
)
from connectors.canonical import Payment
from connectors.errors import UnreadableAnswer
from tests.support import orders

D = Decimal
INVOICE = {"id": "inv-guid", "number": "103001", "customerId": "cust-guid", "currencyCode": ""}


def refund(source_id="7", amount="20.005") -> Payment:
    return Payment(source_id=source_id, kind="refund", event="refund", amount=D(amount),
                   currency="", status="ok", created_at="2026-11-21T10:00:00+00:00")  # fmt: skip


def test_a_refund_is_one_account_line_on_the_refund_account_against_the_invoice():
    order = orders.order()
    body = credit_memo_payload(order, refund(), refund_reference(order, refund()), INVOICE, "8400")
    assert body == {
        "customerId": "cust-guid", "invoiceId": "inv-guid", "externalDocumentNumber": "BC-1001-R7",
        "salesCreditMemoLines": [{
            "lineType": "Account", "lineObjectNumber": "8400", "quantity": D(1),
            "unitPrice": D("20.01"), "description": "BigCommerce refund 7 of order 1001",
        }],
    }  # fmt: skip
    # A foreign-currency invoice: the credit memo in its currency, to apply to it.
    body = credit_memo_payload(order, refund(), "R", {**INVOICE, "currencyCode": "EUR"}, "8400")
    assert body["currencyCode"] == "EUR"


def test_the_line_takes_the_refund_less_the_invoices_share_of_tax():
    taxed = {**INVOICE, "totalAmountExcludingTax": D("100.00"), "totalTaxAmount": D("10.00")}
    assert refund_net(D("20.00"), taxed) == D("18.18")  # Business Central adds 1.82 back
    assert refund_net(D("20.00"), {**taxed, "pricesIncludeTax": True}) == D("20.00")
    assert refund_net(D("20.00"), {**taxed, "totalTaxAmount": 0}) == D("20.00")
    assert refund_net(D("20.00"), {**taxed, "totalAmountExcludingTax": 0}) == D("20.00")
    body = credit_memo_payload(orders.order(), refund(amount="20"), "R", taxed, "8400")
    assert body["salesCreditMemoLines"][0]["unitPrice"] == D("18.18")


def test_the_reference_fits_external_document_number_and_stays_the_same():
    order = orders.order(source_id="9" * 20)
    long = refund_reference(order, refund(source_id="8" * 20))
    assert len(long) == 35 and long.startswith("BC-")
    assert long == refund_reference(order, refund(source_id="8" * 20))
    assert long != refund_reference(order, refund(source_id="8" * 19))


ITEM = {"@odata.etag": 'W/"JzE5OzE7Jw=="', "id": "item-guid", "number": "TENT-2P",
        "type": "Inventory", "unitPrice": D("349.5"), "unitCost": 180, "inventory": D("4.5"),
        "lastModifiedDateTime": "2026-11-27T07:10:09.123Z"}  # fmt: skip


def test_an_item_becomes_its_price_cost_and_stock_for_the_store():
    record = store_item(ITEM)
    assert (record.erp_id, record.version) == ("item-guid", 'W/"JzE5OzE7Jw=="')
    assert record.modified_at == datetime(2026, 11, 27, 7, 10, 9, 123000, tzinfo=UTC)
    change = record.data
    assert (change.sku, change.price, change.sale_price, change.cost, change.stock) == (
        "TENT-2P", D("349.5"), None, D("180"), {"": D("4.5")}
    )  # fmt: skip
    for kind in ("Service", "Non-Inventory"):
        assert store_item({**ITEM, "type": kind, "inventory": 0}).data.stock == {}


@pytest.mark.parametrize(
    ("spoil", "said"),
    [
        ({"number": " "}, "number (' ') is not an item's number"),
        ({"unitPrice": "abc"}, "unitPrice ('abc') is not a number"),
        ({"inventory": float("nan")}, "out of range"),
        ({"@odata.etag": None}, "@odata.etag (None)"),
        ({"lastModifiedDateTime": 5}, "lastModifiedDateTime (5) is not a date and time"),
    ],
)
def test_a_malformed_item_names_itself(spoil, said):
    with pytest.raises(UnreadableAnswer) as raised:
        _read({**ITEM, **spoil})
    assert "the item" in raised.value.message and said in raised.value.message
    with pytest.raises(UnreadableAnswer):
        _read(["not", "an", "item"])
