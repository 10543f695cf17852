"""The sandbox SYSPRO's e.net REST service over real HTTP, against the recorded exchanges:
Logon's session id (34 hex characters and two spaces, application/octet-stream, HTTP 200),
ERROR: bodies, Logoff's `0`, COMFND's root/HeaderDetails/Row/RowsReturned, ARSSCS's lower-cased
answer with the INVSWS field-error shape, SORTOI's answer and refusals, SORTIC's 8 → 9."""

import re

from defusedxml.ElementTree import fromstring

from sandbox.syspro import services
from tests.support.syspro_sandbox import Enet, syspro_sandbox

SESSION_ID = re.compile(r"^[0-9A-F]{34}  $")
SORTOI_PARAMETERS = (
    "<SalesOrders><Parameters><Process>Import</Process><ValidateOnly>N</ValidateOnly>"
    "<IgnoreWarnings>W</IgnoreWarnings><AlwaysUsePriceEntered>Y</AlwaysUsePriceEntered>"
    "<OrderStatus>{status}</OrderStatus><WarehouseListToUse>WH01</WarehouseListToUse>"
    "<CheckForCustomerPoNumbers>Y</CheckForCustomerPoNumbers></Parameters></SalesOrders>"
)


def _xml(answer):
    assert answer.status_code == 200, answer.text
    assert answer.headers["Content-Type"] == "application/octet-stream"
    assert answer.content.startswith(b'<?xml version="1.0" encoding="Windows-1252"?>\n')
    return fromstring(answer.content)


def _comfnd(table, column, value, columns=("Customer", "Name")):
    cols = "".join(f"<Column>{c}</Column>" for c in columns)
    return (f"<Query><TableName>{table}</TableName><ReturnRows>5</ReturnRows><Columns>{cols}"
            f"</Columns><Where><Expression><OpenBracket>(</OpenBracket><AndOr>And</AndOr>"
            f"<Column>{column}</Column><Condition>EQ</Condition><Value>{value}</Value>"
            f"<CloseBracket>)</CloseBracket></Expression></Where>"
            f"<OrderBy><Column>{columns[0]}</Column></OrderBy></Query>")  # fmt: skip


def _order(customer, po, lines, freight="9.95", tax="A"):
    stock = "".join(
        f"<StockLine><CustomerPoLine>{n}</CustomerPoLine><LineActionType>A</LineActionType>"
        f"<StockCode>{code}</StockCode><Warehouse>WH01</Warehouse><OrderQty>{qty}</OrderQty>"
        f"<OrderUom>EA</OrderUom><Price>{price}</Price><PriceUom>EA</PriceUom>"
        f"<LineDiscValue>{discount}</LineDiscValue><StockTaxCode>{tax}</StockTaxCode></StockLine>"
        for n, (code, qty, price, discount) in enumerate(lines, 1)
    )
    return (f"<SalesOrders><Orders><OrderHeader><CustomerPoNumber>{po}</CustomerPoNumber>"
            f"<OrderActionType>A</OrderActionType><Customer>{customer}</Customer>"
            f"<OrderDate>2026-11-27</OrderDate><Email>ann@example.com</Email>"
            f"<CustomerName>Ann Café</CustomerName><ShipAddress1>1 Main St</ShipAddress1>"
            f"</OrderHeader><OrderDetails>{stock}<FreightLine><FreightValue>{freight}"
            f"</FreightValue><FreightCost>0</FreightCost><FreightTaxCode>{tax}</FreightTaxCode>"
            f"</FreightLine></OrderDetails>"
            f"</Orders></SalesOrders>")  # fmt: skip


def test_logon_logoff_and_errors_as_recorded(transactional_db, live_server):
    company = syspro_sandbox(live_server, company_password="cpw")
    enet = Enet(company)
    bad = enet.logon(password="bad_password")
    assert enet.logon(password="Zürich").text == "ERROR: Invalid operator password"
    assert (bad.status_code, bad.text) == (200, "ERROR: Invalid operator password")
    assert bad.headers["Content-Type"] == "application/octet-stream"
    assert enet.logon(company_password="nope").text == "ERROR: Invalid company password"
    assert enet.logon(operator="GHOST").text == "ERROR: Operator 'GHOST' not found"

    answer = enet.get("logon", Operator=company.operator, OperatorPassword=company.operator_password,
                      CompanyId=company.company_id.lower(), CompanyPassword="cpw")  # fmt: skip
    user_id = answer.text
    assert SESSION_ID.match(user_id) and len(answer.content) == 36, repr(user_id)
    assert answer.headers["Content-Type"] == "application/octet-stream"

    profile = _xml(enet.get("GetLogonProfile", UserId=user_id))
    assert profile.tag == "Profile" and profile.findtext("CompanyId") == company.company_id
    assert profile.findtext("OperatorCode") == company.operator
    assert profile.findtext("DefaultWarehouse") == "WH01"

    assert enet.get("logoff", UserId=user_id).text == "0"
    gone = enet.get("Logoff", UserId=user_id)
    assert gone.status_code == 200 and gone.text.startswith("ERROR: ") and "UserId" in gone.text
    assert enet.get("getversion").text.startswith("8.")
    log = services.call_log(company)
    assert not any("cpw" in str(row) or company.operator_password in str(row) for row in log)
    enet.close()


def test_comfnd_arsscs_sortoi_and_sortic(transactional_db, live_server):
    company = syspro_sandbox(live_server)
    enet = Enet(company)
    user_id = enet.session()

    # ARSSCS Add: the next number for an empty key; the answer's root and key lower-cased.
    added = _xml(enet.setup(user_id, "Add", "<SetupArCustomer><Parameters><ValidateOnly>N"
                            "</ValidateOnly></Parameters></SetupArCustomer>",
                            "<SetupArCustomer><Item><Key><Customer/></Key><Name>Ann Café</Name>"
                            "<Email>Ann@Example.com</Email><SoldToAddr1>1 Main St</SoldToAddr1>"
                            "</Item></SetupArCustomer>"))  # fmt: skip
    assert added.tag == "setuparcustomer" and added.findtext("StatusOfItems/RecordsInvalid") == "0"
    code = added.findtext("item/key/customer")
    assert services.customer(company, code)["Name"] == "Ann Café"
    again = _xml(enet.setup(user_id, "Add", "", f"<SetupArCustomer><Item><Key><Customer>{code}"
                            "</Customer></Key><Name>X</Name></Item></SetupArCustomer>"))  # fmt: skip
    assert again.findtext("StatusOfItems/RecordsInvalid") == "1"
    assert again.findtext("item/customer/ErrorDescription") == f"Customer '{code}' already exists"
    missing = _xml(enet.setup(user_id, "Update", "", "<SetupArCustomer><Item><Key><Customer>NOPE"
                              "</Customer></Key><Name>X</Name></Item></SetupArCustomer>"))  # fmt: skip
    assert missing.findtext("item/customer/ErrorDescription") == "Customer 'NOPE' not found"
    long_name = _xml(enet.setup(user_id, "Update", "", f"<SetupArCustomer><Item><Key><Customer>"
                                f"{code}</Customer></Key><Name>{'N' * 51}</Name></Item>"
                                "</SetupArCustomer>"))  # fmt: skip
    assert long_name.findtext("StatusOfItems/RecordsInvalid") == "1"

    # COMFND by email, case-insensitively: the recorded root, header, rows and padded count.
    found = _xml(enet.query(user_id, "COMFND", _comfnd("ArCustomer", "Email", "ann@example.COM")))
    assert found.tag == "ArCustomer" and found.get("Language") == "05"
    assert found.findtext("HeaderDetails/TableName") == "ArCustomer"
    assert [row.findtext("Customer") for row in found.findall("Row")] == [code]
    assert found.findtext("RowsReturned") == "      1"
    assert "Ann Caf\xe9".encode("cp1252") in enet.query(
        user_id, "COMFND", _comfnd("ArCustomer", "Customer", code)).content  # fmt: skip
    none = _xml(enet.query(user_id, "COMFND", _comfnd("SorMaster", "CustomerPoNumber", "X",
                                                       ("SalesOrder", "OrderStatus"))))  # fmt: skip
    assert none.findall("Row") == [] and none.findtext("RowsReturned").strip() == "0"
    # Codes compare and order as text ("100" < "99"), quantities as numbers; Or; ReturnRows.
    services.stock_set(company, "99", on_hand=2)
    services.stock_set(company, "100", on_hand=0)
    where = ("<Expression><AndOr>And</AndOr><Column>StockCode</Column><Condition>GT</Condition>"
             "<Value>JACKET-S</Value></Expression><Expression><AndOr>Or</AndOr><Column>QtyOnHand"
             "</Column><Condition>LT</Condition><Value>3</Value></Expression>")  # fmt: skip
    paged = _xml(enet.query(user_id, "COMFND", "<Query><TableName>InvWarehouse</TableName>"
                            "<ReturnRows>4</ReturnRows><Columns><Column>StockCode</Column>"
                            f"</Columns><Where>{where}</Where><OrderBy><Column>StockCode</Column>"
                            "</OrderBy></Query>"))  # fmt: skip
    assert [r.findtext("StockCode") for r in paged.findall("Row")] == ["100", "99", "MUG-STEEL",
                                                                        "PACK-30L"]  # fmt: skip
    bad = enet.query(user_id, "COMFND", "<Query><TableName>ArCustomer</TableName>")
    assert bad.status_code == 200 and bad.text.startswith("ERROR: ")

    # SORTOI: a billing order (status 8) with its number, then SORTIC: 8 → 9 and an invoice.
    lines = [("TENT-2P", 2, "349.00", "10.00"), ("mug-steel", 1, "19.50", "0")]
    posted = _xml(enet.post(user_id, "SORTOI", SORTOI_PARAMETERS.format(status=8),
                            _order(code, "BigCommerce 101", lines)))  # fmt: skip
    assert posted.tag == "SalesOrders"
    assert posted.findtext("ValidationStatus/Status") == "Successful"
    assert posted.findtext("StatusOfItems/ItemsProcessed") == "000001"
    number = posted.findtext("Order/SalesOrder")
    assert posted.findtext("Order/OrderStatus") == "8" and number
    order = services.sales_orders(company)[0]
    assert order["total"] == "717.45" and order["OrderStatus"] == "8"
    assert order["tax"] == "71.75"  # 10 % per line, by tax code A: 68.80 + 1.95 + 1.00 (9.95)

    refused = _xml(enet.post(user_id, "SORTOI", SORTOI_PARAMETERS.format(status=8),
                             _order(code, "BigCommerce 102", [("NOPE-1", 1, "1", "0")])))  # fmt: skip
    assert refused.findtext("ValidationStatus/Status") == "Failed"
    assert refused.find("Order/SalesOrder") is None
    assert "Stock code 'NOPE-1' not found" in [e.text for e in refused.iter("ErrorDescription")]
    twice = _xml(enet.post(user_id, "SORTOI", SORTOI_PARAMETERS.format(status=8),
                           _order(code, "BigCommerce 101", lines)))  # fmt: skip
    assert twice.findtext("ValidationStatus/Status") == "Failed"
    untaxed = _xml(enet.post(user_id, "SORTOI", SORTOI_PARAMETERS.format(status=1),
                             _order(code, "BigCommerce 103", lines, tax="Z9")))  # fmt: skip
    assert "Tax code 'Z9' not found" in [e.text for e in untaxed.iter("ErrorDescription")]
    too_long = _xml(enet.post(user_id, "SORTOI", SORTOI_PARAMETERS.format(status=1),
                              _order(code, "P" * 31, lines)))  # fmt: skip
    assert too_long.findtext("ValidationStatus/Status") == "Failed"
    assert len(services.sales_orders(company)) == 1

    invoice_xml = f"<PostSorInvoice><Item><SalesOrder>{number}</SalesOrder></Item></PostSorInvoice>"
    invoiced = _xml(enet.post(user_id, "SORTIC", "<PostSorInvoice><Parameters><InvoiceDate>"
                              "2026-11-27</InvoiceDate></Parameters></PostSorInvoice>",
                              invoice_xml))  # fmt: skip
    assert invoiced.tag == "postsorinvoice"
    invoice = invoiced.findtext("Item/Invoice")
    assert invoice and invoiced.findtext("StatusOfItems/ItemsInvalid") == "000000"
    assert services.sales_orders(company)[0]["OrderStatus"] == "9"
    assert services.sales_orders(company)[0]["LastInvoice"] == invoice
    twice = _xml(enet.post(user_id, "SORTIC", "", invoice_xml))
    assert "not ready to invoice (status 9)" in twice.findtext("Item/ErrorDescription")
    assert [i["Invoice"] for i in services.invoices(company)] == [invoice]
    counts = services.call_counts(company)
    assert counts["SORTOI"] == 5 and counts["SORTIC"] == 2 and counts["Logon"] == 1
    enet.close()
