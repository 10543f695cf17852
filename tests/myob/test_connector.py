"""The MYOB connector against the sandbox company file, over real HTTP."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection as db_connection
from django.test import override_settings
from django.utils import timezone

from audit.models import ApiCall
from connectors.errors import PermanentError
from connectors.links import customer_link
from connectors.myob.connector import MyobConnector
from sandbox.models import IssuedToken, TokenRequest
from sandbox.myob.models import MyobApiKey, MyobApiRequest
from sandbox.myob.services import faults_set, record_create, records
from tenants.models import Connection, OAuthToken
from tests.factories import ConnectionFactory, TenantFactory
from tests.support.myob_sandbox import invoices
from tests.support.orders import D, address, customer, line, order


def post_order(connection, the_order):
    """What the pipeline does with an order (sync/order_sync.py)."""
    erp = MyobConnector(Connection.objects.get(pk=connection.pk))
    ref = erp.upsert_customer(the_order.customer)
    existing = erp.find_sales_document(the_order)
    return existing or erp.create_sales_document(the_order, ref)


def test_check_says_connected_and_which_part_failed(myob_connection, business, myob_key):
    erp = MyobConnector(myob_connection)
    result = erp.check()
    assert result.ok and business.name in result.message
    business.password = "changed-in-myob"
    business.save()
    failed = MyobConnector(myob_connection).check()
    assert (
        not failed.ok
        and "company file credentials" in failed.message
        and "user name and password" in failed.hint
    )
    with override_settings(MYOB_CLIENT_ID="not-our-key"):
        assert "API key" in MyobConnector(myob_connection).check().message
    IssuedToken.objects.update(
        expires_at=timezone.now(), refresh_token="sbx-rt-revoked"
    )  # consent withdrawn
    oauth = MyobConnector(myob_connection).check()
    assert not oauth.ok and "OAuth" in oauth.message and "Connect MYOB" in oauth.hint


def test_an_order_becomes_an_item_invoice_with_lines_freight_tax_customer_and_ship_to(
    myob_connection, business
):
    ref = post_order(myob_connection, order("1001"))
    (invoice,) = invoices(business)
    data = invoice.data
    assert str(invoice.uid) == ref.id and data["Number"] == ref.number == "00000001"
    assert data["CustomerPurchaseOrderNumber"] == "BC-1001" and "BC-1001" in data["JournalMemo"]
    assert [(ln["Item"]["Number"], ln["ShipQuantity"], ln["TaxCode"]["Code"]) for ln in data["Lines"]] == [
        ("TENT-2P", 2.0, "GST"), ("MUG-STEEL", 3.0, "GST")]  # fmt: skip
    assert D(str(data["Subtotal"])) == D("756.50") and D(str(data["Freight"])) == D("10.00")
    assert D(str(data["TotalTax"])) == D("76.65") and D(str(data["TotalAmount"])) == D("843.15")
    assert data["FreightTaxCode"]["Code"] == "GST" and data["IsTaxInclusive"] is False
    assert data["ShipToAddress"].startswith("Ada Lovelace\n1 Dock Rd")
    (card,) = records(business, "Contact/Customer")
    assert data["Customer"]["UID"] == str(card.uid)
    assert (
        card.data["LastName"] == "Lovelace"
        and card.data["Addresses"][0]["Email"] == "ada@example.com"
    )
    assert card.data["SellingDetails"]["TaxCode"]["Code"] == "GST"


def test_retries_and_replays_find_the_invoice_instead_of_posting_again(myob_connection, business):
    first = post_order(myob_connection, order("1002"))
    for _ in range(3):
        assert post_order(myob_connection, order("1002")).id == first.id
    assert len(invoices(business)) == 1 and records(business, "Contact/Customer").count() == 1
    posts = ApiCall.objects.filter(operation="sale.invoice.item.create")
    assert posts.count() == 1


def test_without_a_filterable_reference_the_invoice_is_found_by_scanning(myob_connection, business):
    first = post_order(myob_connection, order("1003"))
    type(business).objects.filter(pk=business.pk).update(po_number_filterable=False)
    post_order(myob_connection, order("1004"))
    assert post_order(myob_connection, order("1003")).id == first.id
    assert len(invoices(business)) == 2
    assert ApiCall.objects.filter(operation="sale.invoice.list", status_code=400).count() == 2


def test_an_existing_card_is_matched_by_email_and_a_link_is_kept(myob_connection, business):
    gst = str(records(business, "GeneralLedger/TaxCode").get(data__Code="GST").uid)
    card = record_create(business, "Contact/Customer", {
        "IsIndividual": False, "CompanyName": "Lovelace Engines",
        "Addresses": [{"Location": 1, "Email": "ADA@example.com"}],
        "SellingDetails": {"TaxCode": {"UID": gst}, "FreightTaxCode": {"UID": gst}},
    })  # fmt: skip
    guest = customer(source_id="guest:ada@example.com", modified_at=None)
    ref = MyobConnector(myob_connection).upsert_customer(guest)
    assert ref.id == str(card.uid) and records(business, "Contact/Customer").count() == 1
    card.refresh_from_db()
    assert card.data["CompanyName"] == "Lovelace Engines"  # a guest checkout never rewrites a card
    assert customer_link(myob_connection, guest.source_id).erp_id == ref.id


def test_a_customer_update_puts_with_row_version_and_resolves_a_conflict(myob_connection, business):
    erp = MyobConnector(myob_connection)
    ref = erp.upsert_customer(customer())
    faults_set(business, fault_conflicts=1)  # someone saves the card in MYOB at the same moment
    moved = customer(billing_address=address(city="Perth", state="WA", postcode="6000"),
                     modified_at=timezone.now())  # fmt: skip
    assert erp.upsert_customer(moved).id == ref.id
    card = records(business, "Contact/Customer").get()
    assert card.data["Addresses"][0]["City"] == "Perth"
    statuses = list(
        ApiCall.objects.filter(operation="contact.customer.update")
        .order_by("id")
        .values_list("status_code", flat=True)
    )
    assert statuses == [409, 200]
    link = customer_link(myob_connection, "7")
    assert link.written_version == card.row_version
    # The same data again (an echo) writes nothing.
    erp.upsert_customer(moved)
    assert ApiCall.objects.filter(operation="contact.customer.update").count() == 2


def test_a_token_that_expires_mid_batch_is_refreshed_once_and_no_call_fails(
    myob_connection, business
):
    stored = OAuthToken.objects.get(connection=myob_connection)
    stored.expires_at = timezone.now() + timedelta(minutes=5)
    stored.save()
    for number in range(2001, 2006):
        if number == 2003:  # time passes: the token is now inside its refresh margin
            OAuthToken.objects.filter(pk=stored.pk).update(
                expires_at=timezone.now() + timedelta(seconds=30)
            )
            IssuedToken.objects.update(expires_at=timezone.now() + timedelta(seconds=30))
        post_order(myob_connection, order(str(number)))
    assert len(invoices(business)) == 5
    assert (
        TokenRequest.objects.filter(
            vendor="myob", grant_type="refresh_token", status_code=200
        ).count()
        == 1
    )
    assert not ApiCall.objects.filter(system="myob", status_code__gte=400).exists()


def test_a_token_refused_early_is_refreshed_once_after_the_401(myob_connection, business):
    IssuedToken.objects.update(expires_at=timezone.now())  # MYOB ended it before we expected
    post_order(myob_connection, order("3001"))
    assert len(invoices(business)) == 1
    assert TokenRequest.objects.filter(vendor="myob", grant_type="refresh_token").count() == 1
    assert ApiCall.objects.filter(system="myob", status_code=401).count() == 1


def test_rate_limit_answers_are_backed_off_and_the_order_lands(myob_connection, business):
    faults_set(business, fault_rate_limited=2)
    post_order(myob_connection, order("4001"))
    assert len(invoices(business)) == 1
    refused = ApiCall.objects.filter(system="myob", status_code=403)
    assert refused.count() == 2 and "RateLimitError" in refused.first().response_body


def test_tenants_share_one_budget_per_api_key_so_myob_never_refuses(
    myob_connection, business, token, myob_key
):
    other = ConnectionFactory(tenant=TenantFactory(), erp_kind="myob", erp_settings=myob_connection.erp_settings,
                              erp_secrets=myob_connection.erp_secrets)  # fmt: skip
    OAuthToken.objects.create(connection=other, system="myob", access_token=token.access_token,
                              refresh_token="sbx-rt-unused", expires_at=token.expires_at)  # fmt: skip
    errors = []

    def hammer(conn):
        try:
            api = MyobConnector(conn).api
            for _ in range(7):
                api.list("GeneralLedger/TaxCode")
        except Exception as exc:
            errors.append(exc)
        finally:
            db_connection.close()

    threads = [
        threading.Thread(target=hammer, args=(c,))
        for c in (myob_connection, other, myob_connection)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    calls = MyobApiRequest.objects.filter(path__endswith="/GeneralLedger/TaxCode")
    assert calls.count() == 21 and not calls.filter(status_code=403).exists()


def test_a_missing_sku_fails_clearly_then_a_new_item_is_found_on_replay(myob_connection, business):
    kayak = order("5001", lines=[line("KAYAK-9", 1, "999.0000"), line("TENT-2P", 1, "349.0000")])
    with pytest.raises(
        PermanentError, match=r"SKU KAYAK-9 .*Income account for SKUs without a MYOB item"
    ):
        post_order(myob_connection, kayak)
    sales = records(business, "GeneralLedger/Account").get(data__DisplayID="4-1000")
    record_create(
        business,
        "Inventory/Item",
        {"Number": "KAYAK-9", "Name": "Kayak", "IncomeAccount": {"UID": str(sales.uid)}},
    )
    post_order(myob_connection, kayak)  # the cache knew TENT-2P; the miss is looked up again
    (invoice,) = invoices(business)
    assert [ln["Item"]["Number"] for ln in invoice.data["Lines"]] == ["KAYAK-9", "TENT-2P"]


def test_an_unmapped_sku_account_posts_a_service_invoice(myob_connection, business):
    myob_connection.erp_settings = {
        **myob_connection.erp_settings,
        "unmapped_sku_account": "4-1100",
    }
    myob_connection.save()
    post_order(
        myob_connection, order("5002", lines=[line("GIFTCARD", 1, "50.0000", tax_rate=D("0"))])
    )
    (invoice,) = invoices(business)
    assert invoice.resource == "Sale/Invoice/Service"
    assert invoice.data["Lines"][0]["Account"]["DisplayID"] == "4-1100"
    assert invoice.data["Lines"][0]["TaxCode"]["Code"] == "FRE"


def test_a_missing_tax_code_names_the_code_and_the_setting(myob_connection):
    myob_connection.erp_settings = {**myob_connection.erp_settings, "tax_code_non_taxable": "ZZZ"}
    myob_connection.save()
    with pytest.raises(PermanentError, match=r"Tax code ZZZ .*'Tax code for non-taxable lines'"):
        post_order(myob_connection, order("5003"))


def test_a_file_without_freight_fields_gets_a_freight_line(myob_connection, business):
    business.supports_freight = False
    business.save()
    with pytest.raises(PermanentError, match="FreightNotSupported"):
        post_order(myob_connection, order("6001"))
    myob_connection.erp_settings = {**myob_connection.erp_settings, "freight_item": "SHIPPING"}
    myob_connection.save()
    post_order(myob_connection, order("6001"))
    (invoice,) = invoices(business)
    assert (
        invoice.data["Lines"][-1]["Item"]["Number"] == "SHIPPING" and invoice.data["Freight"] == 0.0
    )


def test_the_cftoken_and_tokens_never_reach_the_audit_log(myob_connection):
    post_order(myob_connection, order("7001"))
    call = ApiCall.objects.filter(system="myob", operation="sale.invoice.item.create").get()
    assert call.request_headers["x-myobapi-cftoken"] == "[redacted]"
    assert call.request_headers["Authorization"] == "[redacted]"
    assert call.request_headers["x-myobapi-key"] == MyobApiKey.objects.get().client_id


def test_a_changed_order_is_left_alone_unless_its_lines_changed(myob_connection):
    from connectors.erp import UpdateNotAllowed

    ref = post_order(myob_connection, order("8001"))
    erp = MyobConnector(myob_connection)
    assert erp.update_sales_document(ref, order("8001"), ref).id == ref.id
    with pytest.raises(UpdateNotAllowed, match="adjust the invoice in MYOB"):
        erp.update_sales_document(ref, order("8001", lines=[line("TENT-2P", 5, "349")]), ref)


def test_money_in_the_request_is_exact(myob_connection, business):
    post_order(
        myob_connection, order("9001", lines=[line("PACK-30L", 3, "129.9500", discount=D("12.99"))])
    )
    (invoice,) = invoices(business)
    pack = invoice.data["Lines"][0]
    assert Decimal(str(pack["Total"])) == D("376.86") and Decimal(str(pack["UnitPrice"])) == D(
        "129.95"
    )


def test_check_before_connecting_says_to_connect(tenant, myob_key):
    draft = ConnectionFactory(tenant=tenant, erp_kind="myob", erp_settings={}, erp_secrets={})
    result = MyobConnector(draft).check()
    assert not result.ok and "Connect MYOB" in result.message
