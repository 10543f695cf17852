"""Whatever SYSPRO answers while a customer and an order go in, the connector ends in a plain
error naming SYSPRO, never a crash: a scripted e.net server over real HTTP answers as the recorded
exchanges and the team's wire format show, then one answer at a time is spoiled (not XML, cut off,
an entity bomb, the wrong root, an `ERROR:` text, a number too long to be one)."""

from dataclasses import replace

import pytest

from connectors.errors import ConnectorError
from connectors.syspro.connector import SysproConnector
from tests.factories import ConnectionFactory
from tests.support import orders
from tests.support.scripted_server import Answer, ScriptedServer
from tests.support.well_formed_answers import Route, Vendor

pytestmark = pytest.mark.django_db  # the scripted SYSPRO is not Django: no live server
REST = "/SYSPROWCFService/Rest"
HEAD = '<?xml version="1.0" encoding="Windows-1252"?>'
OCTETS = {"Content-Type": "application/octet-stream"}


def xml(text: str) -> Answer:
    return Answer(200, (HEAD + text).encode("cp1252"), OCTETS)


def rows(table: str, *cells: str) -> Answer:
    found = "".join(f"<Row>{cell}</Row>" for cell in cells)
    return xml(
        f"<{table} Language='05'>{found}<RowsReturned>{len(cells):>6}</RowsReturned></{table}>"
    )


CUSTOMER = ("<Customer>BC7</Customer><Name>Ada Lovelace</Name><Email>ada@example.com</Email>"
            "<Telephone>0400 000 000</Telephone>")  # fmt: skip
ROUTES = {
    "logon": Route(rf"^GET {REST}/Logon$", Answer(200, b"3EA613166FE4BF47925DF1CEA14E910100  ", OCTETS)),
    "logoff": Route(rf"^GET {REST}/Logoff$", Answer(200, b"0", OCTETS)),
    "customer": Route(rf"^GET {REST}/Query/Query$", rows("ArCustomer", CUSTOMER), query="<TableName>ArCustomer"),
    "customer-update": Route(rf"^GET {REST}/Setup/Update$", xml(
        "<setuparcustomer><item><key><customer>BC7</customer></key></item><StatusOfItems>"
        "<RecordsRead>1</RecordsRead><RecordsInvalid>0</RecordsInvalid></StatusOfItems></setuparcustomer>")),
    "stock": Route(rf"^GET {REST}/Query/Query$", rows(
        "InvMaster", "<StockCode>TENT-2P</StockCode>", "<StockCode>MUG-STEEL</StockCode>"),
        query="<TableName>InvMaster"),
    "look-up": Route(rf"^GET {REST}/Query/Query$", rows("SorMaster"), query="<TableName>SorMaster"),
    "post": Route(rf"^GET {REST}/Transaction/Post$", xml(
        "<SalesOrders><Order><SalesOrder>000123</SalesOrder><OrderStatus>8</OrderStatus></Order>"
        "<ValidationStatus><Status>Successful</Status></ValidationStatus><StatusOfItems>"
        "<ItemsProcessed>000001</ItemsProcessed><ItemsInvalid>000000</ItemsInvalid>"
        "</StatusOfItems></SalesOrders>"), query="BusinessObject=SORTOI"),
    "invoice": Route(rf"^GET {REST}/Transaction/Post$", xml(
        "<postsorinvoice><Item><SalesOrder>000123</SalesOrder><Invoice>100045</Invoice></Item>"
        "<StatusOfItems><ItemsProcessed>000001</ItemsProcessed><ItemsInvalid>000000</ItemsInvalid>"
        "</StatusOfItems></postsorinvoice>"), query="BusinessObject=SORTIC"),
}  # fmt: skip
SPOILED = [
    Answer(200, b"<html><body>502 Bad Gateway</body></html>", {"Content-Type": "text/html"}),
    Answer(200, b"", OCTETS),
    Answer(200, (HEAD + "<SalesOrders><Order><SalesOrder>0001").encode(), OCTETS),
    Answer(200, (HEAD + '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]><x>&a;&a;</x>').encode(), OCTETS),
    Answer(200, (HEAD + "<Unexpected/>").encode(), OCTETS),
    Answer(200, b"ERROR: Business object is not licensed for this operator", OCTETS),
    xml(f"<SalesOrders><Order><SalesOrder>{'9' * 200}</SalesOrder></Order><Row><Customer>{'C' * 200}"
        f"</Customer><StockCode>TENT-2P</StockCode><Invoice>{'1' * 200}</Invoice></Row>"
        f"<Item><Invoice>{'1' * 200}</Invoice></Item></SalesOrders>"),
    Answer(200, b'"not xml at all"', OCTETS),
    Answer(404, b"Endpoint not found.", {"Content-Type": "text/html"}),
]  # fmt: skip


@pytest.fixture
def server():
    with ScriptedServer() as scripted:
        yield scripted


def connector(server, spoiled: str = "", answer: Answer | None = None) -> SysproConnector:
    routes = {**ROUTES}
    if spoiled:
        routes[spoiled] = replace(routes[spoiled], answer=answer)
    server.route = Vendor(list(routes.values()))
    connection = ConnectionFactory(
        erp_kind="syspro", erp_secrets={"operator_password": "fuzz-operator-password"},
        erp_settings={"server_url": f"{server.url}{REST}", "operator": "MLC", "company_id": "EDU1",
                      "warehouse": "WH01", "order_mode": "billing"},
    )  # fmt: skip
    return SysproConnector(connection)


def sync(erp) -> str:
    order = orders.order()
    try:
        customer = erp.upsert_customer(order.customer)
        if erp.find_sales_document(order) is None:
            return erp.create_sales_document(order, customer).number
        return ""
    finally:
        erp.close()


def test_the_well_formed_answers_make_an_invoiced_order(server):
    assert sync(connector(server)) == "order 000123, invoice 100045"


@pytest.mark.parametrize("route", [name for name in ROUTES if name != "logoff"])
def test_a_spoiled_answer_is_a_plain_error_naming_syspro(server, route):
    for answer in SPOILED:
        try:
            sync(connector(server, route, answer))
        except ConnectorError as exc:
            assert "SYSPRO" in exc.message, (answer, exc.message)
            assert "Internal error" not in exc.message
        # Or it was read as something harmless (a look-up that found nothing).
