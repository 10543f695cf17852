"""The sandbox SYSPRO's sessions and faults over real HTTP: one session per operator (a second
Logon ends the first), the company's e.net seats, the idle timeout, the fault switches (a
session killed mid-cycle, a Logon refused, HTTP 500s, a committed SORTOI answered 500), hostile
or malformed XmlIn answered as SYSPRO text, the keyed queries' shapes, APSTIN refused, and the
read-only OData service with basic auth."""

from datetime import timedelta

import pytest
import requests
from defusedxml.ElementTree import fromstring
from django.utils import timezone

from sandbox.syspro import services
from sandbox.syspro.models import SysproSession
from tests.support.syspro_sandbox import Enet, syspro_sandbox

GONE = "ERROR: Invalid UserId: the session has expired or was ended"
PROFILE = "GetLogonProfile"


def _invqry(code):
    return (f"<Query><Key><StockCode>{code}</StockCode></Key><Option><IncludeWarehouses>Y"
            f"</IncludeWarehouses></Option><Filter><Warehouse FilterType=\"L\" "
            f"FilterValue=\"WH01\"/></Filter></Query>")  # fmt: skip


def test_one_session_per_operator_seats_and_idle_timeout(transactional_db, live_server):
    company = syspro_sandbox(live_server, seats=2)
    services.operator_add(company, "OPS2")
    services.operator_add(company, "OPS3")
    enet = Enet(company)
    first = enet.session()
    second = enet.session()  # the same operator again: the first session ends
    assert first != second
    assert enet.get(PROFILE, UserId=first).text == GONE
    assert fromstring(enet.get(PROFILE, UserId=second).content).findtext("OperatorCode")
    assert [s["session_id"] for s in services.sessions(company)] == [second.strip()]

    other = enet.logon(operator="OPS2").text  # the second seat
    refused = enet.logon(operator="OPS3")
    assert refused.status_code == 200
    assert refused.text == (f"ERROR: Licence limit reached: all 2 e.net seats of company "
                            f"{company.company_id} are in use")  # fmt: skip
    assert enet.get("Logoff", UserId=other).text == "0"  # a seat freed
    third = enet.logon(operator="OPS3").text
    assert len(third) == 36

    # Idle past the company's timeout: gone, and its seat is free again.
    SysproSession.objects.filter(session_id=second.strip()).update(
        last_used=timezone.now() - timedelta(seconds=company.idle_timeout_seconds + 1)
    )
    assert enet.get(PROFILE, UserId=second).text == GONE
    assert len(enet.logon(operator="OPS2").text) == 36
    assert enet.get(PROFILE, UserId="0123456789ABCDEF0123456789ABCDEF00  ").text == GONE
    enet.close()


def test_fault_switches_and_hostile_input(transactional_db, live_server):
    company = syspro_sandbox(live_server)
    enet = Enet(company)
    user_id = enet.session()

    services.faults_set(company, fault_session_kill=1)
    assert enet.get(PROFILE, UserId=user_id).text == GONE  # killed mid-cycle
    user_id = enet.session()
    assert enet.get(PROFILE, UserId=user_id).status_code == 200  # one kill only

    services.faults_set(company, fault_logon_error="ERROR: Licence expired")
    assert enet.logon().text == "ERROR: Licence expired"
    services.faults_set(company, fault_logon_error="", fault_error_rate=1.0)
    assert enet.get(PROFILE, UserId=user_id).status_code == 500
    services.faults_set(company, fault_error_rate=0.0, fault_create_then_error=1,
                        fault_create_resource="SORTOI")  # fmt: skip
    services.customer_set(company, "C1", Name="Ann")
    order = ("<SalesOrders><Orders><OrderHeader><CustomerPoNumber>BigCommerce 7</CustomerPoNumber>"
             "<Customer>C1</Customer></OrderHeader><OrderDetails><StockLine><StockCode>TENT-2P"
             "</StockCode><OrderQty>1</OrderQty><Price>349</Price></StockLine></OrderDetails>"
             "</Orders></SalesOrders>")  # fmt: skip
    assert enet.post(user_id, "SORTOI", "", order).status_code == 500
    assert [o["CustomerPoNumber"] for o in services.sales_orders(company)] == ["BigCommerce 7"]
    # A customer added, then the answer held past the client's timeout: it exists all the same.
    services.faults_set(company, fault_create_then_hang=1, fault_hang_ms=1500,
                        fault_create_resource="ARSSCS")  # fmt: skip
    with pytest.raises(requests.ReadTimeout):
        enet.http.get(f"{company.server_url}/Setup/Add", timeout=0.5, params={
            "UserId": user_id, "BusinessObject": "ARSSCS", "XmlIn": "<SetupArCustomer><Item><Key>"
            "<Customer>HUNG</Customer></Key><Name>Held</Name></Item></SetupArCustomer>"})  # fmt: skip
    assert services.customer(company, "HUNG")["Name"] == "Held"

    # HTTP.sys's request size limit (its default 16,384 bytes) refuses a long GET before SYSPRO.
    services.faults_set(company, max_request_bytes=16_384)
    padded = order.replace(
        "</Customer>", "</Customer><SpecialInstrs>" + "x" * 17_000 + "</SpecialInstrs>"
    )
    long_get = enet.post(user_id, "SORTOI", "", padded)
    assert long_get.status_code == 400 and b"Request Too Long" in long_get.content
    assert enet.get(PROFILE, UserId=user_id).status_code == 200
    services.faults_set(company, max_request_bytes=0)

    # Malformed, hostile and unknown input: SYSPRO-style ERROR: text, never a traceback.
    bomb = ('<?xml version="1.0"?><!DOCTYPE q [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
            "<Query><TableName>&b;</TableName></Query>")  # fmt: skip
    for business_object, xml_in in [("COMFND", "<Query><TableName>"), ("COMFND", bomb),
                                     ("COMFND", ""), ("NOSUCH", "<Query/>"),
                                     ("COMFND", "<Query><TableName>Secrets</TableName></Query>")]:  # fmt: skip
        answer = enet.query(user_id, business_object, xml_in)
        assert answer.status_code == 200 and answer.text.startswith("ERROR: "), answer.text
    assert enet.post(user_id, "SORTOI", "<x/>", "<SalesOrders><Orders><OrderHeader><Customer>"
                     "C1</Customer></OrderHeader><OrderDetails><StockLine><OrderQty>1e999"
                     "</OrderQty></StockLine></OrderDetails></Orders></SalesOrders>").status_code == 200  # fmt: skip

    # Keyed queries and APSTIN.
    stock = fromstring(enet.query(user_id, "INVQRY", _invqry("tent-2p")).content)
    assert stock.tag == "InvQuery" and stock.findtext("StockItem/StockCode") == "TENT-2P"
    assert stock.findtext("StockItem/WarehouseItem/Warehouse") == "WH01"
    assert stock.findtext("StockItem/WarehouseItem/AvailableQty") == "24.000000"  # 1 allocated
    customer = fromstring(enet.query(user_id, "ARSQRY", "<Query><Key><Customer>c1</Customer>"
                                     "</Key></Query>").content)  # fmt: skip
    assert customer.tag == "ARStatement" and customer.findtext("Header/Name") == "Ann"
    number = services.sales_orders(company)[0]["SalesOrder"]
    detail = fromstring(enet.query(user_id, "SORQRY", f"<Query><Key><SalesOrder>{number}"
                                   "</SalesOrder></Key></Query>").content)  # fmt: skip
    assert detail.tag == "SorDetail" and detail.findtext("CustomerPoNumber") == "BigCommerce 7"
    supplier = fromstring(enet.post(user_id, "APSTIN", "", "<PostApInvoices><Item><Supplier>S1"
                                    "</Supplier></Item></PostApInvoices>").content)  # fmt: skip
    assert "Accounts Payable" in supplier.findtext("Item/ErrorDescription")
    assert services.invoices(company) == []
    financial = fromstring(enet.post(user_id, "ARSTIN", "", "<PostArInvoices><Item>"
                                     "<TransactionType>I</TransactionType><Customer>C1</Customer>"
                                     "<InvoiceValue>50.00</InvoiceValue><ProductClass>SERV"
                                     "</ProductClass><Reference>BigCommerce 8</Reference></Item>"
                                     "</PostArInvoices>").content)  # fmt: skip
    assert financial.tag == "postarinvoices"
    number = financial.findtext("Item/Invoice")
    assert [
        (i["Invoice"], i["BusinessObject"], i["total"]) for i in services.invoices(company)
    ] == [(number, "ARSTIN", "50.00")]
    enet.close()


def test_odata_reads_tables_with_basic_auth(transactional_db, live_server):
    company = syspro_sandbox(live_server)
    services.customer_set(company, "C1", Name="Ann", Email="ann@example.com")
    services.customer_set(company, "C2", Name="Bob", Email="bob@example.com")
    url = f"{live_server.url}/sandbox/syspro/odata/{company.company_id}/ArCustomer"
    auth = (company.operator, company.operator_password)
    found = requests.get(url, params={"$filter": "Email eq 'ANN@example.com'"}, auth=auth,
                         timeout=10)  # fmt: skip
    assert found.status_code == 200, found.text
    assert [row["Customer"] for row in found.json()["value"]] == ["C1"]
    assert requests.get(url, auth=(company.operator, "wrong"), timeout=10).status_code == 401
    assert requests.get(url, timeout=10).status_code == 401
    bad = requests.get(url, params={"$filter": "Email eq"}, auth=auth, timeout=10)
    assert bad.status_code == 400 and "error" in bad.json()
    stock = requests.get(url.replace("ArCustomer", "InvMaster"), auth=auth, timeout=10).json()
    assert {"StockCode": "TENT-2P", "Description": "Two-person tent", "StockUom": "EA"} in stock[
        "value"
    ]
    assert requests.get(url.replace("ArCustomer", "ApSupplier"), auth=auth,
                        timeout=10).status_code == 404  # fmt: skip
