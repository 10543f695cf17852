"""The Exact Online connector against the sandbox division, over real HTTP."""

import dataclasses
import threading
from datetime import timedelta

import pytest
from django.db import connection as db_connection
from django.utils import timezone

from audit.models import ApiCall
from connectors.errors import PermanentError, ReconnectRequired
from connectors.exact_online.auth import token_manager
from connectors.exact_online.connector import ExactOnlineConnector
from sandbox.exact_online.services import records
from sandbox.models import IssuedToken, TokenRequest
from tenants.models import Connection, ConnectionStatus, OAuthToken
from tests.support.orders import D, address, customer, line, order


def connector(connection) -> ExactOnlineConnector:
    return ExactOnlineConnector(Connection.objects.get(pk=connection.pk))


def post_order(connection, the_order):
    """What the pipeline does with an order (sync/order_sync.py)."""
    erp = connector(connection)
    ref = erp.upsert_customer(the_order.customer)
    return erp.find_sales_document(the_order) or erp.create_sales_document(the_order, ref)


def configure(connection, **erp_settings):
    connection.erp_settings = {**connection.erp_settings, **erp_settings}
    connection.save()


def invoice_data(division):
    return [record.data for record in records(division, "salesinvoice/SalesInvoices")]


def guid(division, resource, code):
    return next(str(r.guid) for r in records(division, resource) if r.data["Code"].strip() == code)


def test_check_reads_me_and_the_sales_journals(exact_connection, division):
    result = connector(exact_connection).check()
    assert (
        result.ok and f"division {division.code}" in result.message and "70 Sales" in result.message
    )


def test_check_before_connecting_says_to_connect(exact_connection):
    configure(exact_connection, division=None)
    result = connector(exact_connection).check()
    assert not result.ok and "Connect Exact Online" in result.message


def test_an_order_becomes_a_sales_invoice_with_lines_shipping_gl_vat_and_delivery_address(
    exact_connection, division
):
    configure(exact_connection, gl_revenue="8010", shipping_gl="8050", cost_center="WEB")
    ref = post_order(exact_connection, order("1001"))
    (invoice,) = invoice_data(division)
    assert ref.id == invoice["InvoiceID"] and ref.number == str(invoice["InvoiceNumber"])
    assert invoice["YourRef"] == "BC-1001" and invoice["Journal"] == "70"
    lines = [(ln["ItemCode"], ln["Quantity"], ln["NetPrice"], ln["VATCode"], ln["CostCenter"])
             for ln in invoice["SalesInvoiceLines"]]  # fmt: skip
    assert lines == [("TENT-2P", 2.0, 349.0, "2", "WEB"), ("MUG-STEEL", 3.0, 19.5, "2", "WEB"),
                     ("SHIPPING", 1.0, 10.0, "2", "WEB")]  # fmt: skip
    gl = [ln["GLAccount"] for ln in invoice["SalesInvoiceLines"]]
    assert gl == [guid(division, "financial/GLAccounts", c) for c in ("8010", "8010", "8050")]
    assert invoice["AmountFCExclVat"] == 766.5
    account = records(division, "crm/Accounts").get()
    assert invoice["OrderedBy"] == str(account.guid) and account.data["Status"] == "C"
    assert account.data["Email"] == "ada@example.com" and account.data["Code"] == f"{1:>18}"
    delivery = records(division, "crm/Addresses").get()
    assert invoice["DeliverToAddress"] == str(delivery.guid)
    assert (delivery.data["AddressLine1"], delivery.data["City"]) == ("1 Dock Rd", "Newcastle")


def test_untaxed_lines_and_shipping_take_the_non_taxable_code(exact_connection, division):
    untaxed = order("1002", [line("PACK-30L", 1, "129.9500", tax_rate="0")], shipping_tax="0")
    post_order(exact_connection, untaxed)
    (invoice,) = invoice_data(division)
    assert [ln["VATCode"] for ln in invoice["SalesInvoiceLines"]] == ["0", "0"]
    assert [ln["GLAccount"] for ln in invoice["SalesInvoiceLines"]] == [
        guid(division, "financial/GLAccounts", "8000"),
        guid(division, "financial/GLAccounts", "8050"),
    ]  # each item's own revenue account when none is chosen


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({}, "WEB"),
        ({"currency": "USD"}, "US"),
        ({"ship_to": address(country_code="GB", city="London")}, "UK"),
        ({"channel_id": 2}, "EU"),
    ],
)
def test_cost_centre_rules_pick_the_first_match_else_the_default(
    exact_connection, division, change, expected
):
    configure(exact_connection, cost_center="WEB",
              cost_center_rules="channel=2 -> EU\ncountry=GB -> UK\ncurrency=USD -> US")  # fmt: skip
    ship_to = change.pop("ship_to", None)
    the_order = dataclasses.replace(order("1003", ship_to=ship_to), **change)
    post_order(exact_connection, the_order)
    (invoice,) = invoice_data(division)
    assert {ln["CostCenter"] for ln in invoice["SalesInvoiceLines"]} == {expected}


def test_retries_and_replays_find_the_invoice_instead_of_posting_again(exact_connection, division):
    first = post_order(exact_connection, order("1004"))
    again = post_order(exact_connection, order("1004"))
    assert first.id == again.id and len(invoice_data(division)) == 1
    assert ApiCall.objects.filter(operation="salesinvoice.salesinvoices.create").count() == 1


def test_item_ids_are_looked_up_once_per_connection_and_again_on_a_new_sku(exact_connection):
    post_order(exact_connection, order("1010"))
    post_order(exact_connection, order("1011"))  # the same SKUs: from the cache
    lookups = ApiCall.objects.filter(operation="logistics.items.find")
    assert lookups.count() == 3  # TENT-2P, MUG-STEEL and the shipping item
    post_order(exact_connection, order("1012", [line("PACK-30L", 1, "129.9500")]))
    assert lookups.count() == 4


def test_an_existing_account_is_matched_by_email_and_updated_only_where_different(
    exact_connection, division
):
    erp = connector(exact_connection)
    first = erp.upsert_customer(customer(email="grace@example.com", first_name="Grace"))
    moved = customer(email="grace@example.com", first_name="Grace",
                     billing_address=address(street_1="2 New St", city="Perth"))  # fmt: skip
    assert erp.upsert_customer(moved).id == first.id
    account = records(division, "crm/Accounts").get()
    assert (account.data["AddressLine1"], account.data["City"]) == ("2 New St", "Perth")
    erp.upsert_customer(moved)
    assert ApiCall.objects.filter(operation="crm.accounts.update").count() == 1  # nothing new


def test_a_missing_sku_fails_naming_it_and_the_setting_then_the_fallback_item_posts(
    exact_connection, division
):
    odd = order("1005", [line("NO-SUCH-SKU", 1, "5.0000")])
    with pytest.raises(PermanentError) as failed:
        post_order(exact_connection, odd)
    assert "SKU NO-SUCH-SKU" in failed.value.message
    assert "Item for SKUs Exact does not have" in failed.value.message
    assert invoice_data(division) == []
    configure(exact_connection, unmapped_sku_item="MUG-STEEL")
    post_order(exact_connection, odd)
    (invoice,) = invoice_data(division)
    assert invoice["SalesInvoiceLines"][0]["ItemCode"] == "MUG-STEEL"


def test_a_validation_error_from_exact_reaches_the_job_in_its_words(exact_connection, division):
    configure(exact_connection, cost_center="GONE")
    with pytest.raises(PermanentError) as failed:
        post_order(exact_connection, order("1006"))
    assert "CostCenter: 'GONE' does not exist." in failed.value.message


# --- tokens ---------------------------------------------------------------------------------
def _age_token(connection, seconds_left: float, age: float):
    now = timezone.now()
    OAuthToken.objects.filter(connection=connection).update(
        expires_at=now + timedelta(seconds=seconds_left), obtained_at=now - timedelta(seconds=age)
    )
    IssuedToken.objects.update(issued_at=now - timedelta(seconds=age))


def test_a_token_with_time_left_is_not_refreshed_and_a_too_early_refresh_is_never_sent(
    exact_connection,
):
    _age_token(exact_connection, seconds_left=120, age=480)
    manager = token_manager(exact_connection)
    assert manager.access_token()  # 120 s left: more than the 30 s margin
    _age_token(exact_connection, seconds_left=20, age=500)  # due, but younger than 570 s
    from connectors.errors import TransientError

    with pytest.raises(TransientError) as early:
        manager.access_token()
    assert early.value.retry_after == pytest.approx(70, abs=2)
    assert TokenRequest.objects.filter(vendor="exact_online").count() == 0


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_refreshes_make_one_token_call_and_keep_a_valid_chain(
    exact_connection,
):
    _age_token(exact_connection, seconds_left=10, age=590)
    tokens, errors = [], []

    def refresh():
        try:
            tokens.append(token_manager(exact_connection).access_token())
        except Exception as exc:
            errors.append(exc)
        finally:
            db_connection.close()

    threads = [threading.Thread(target=refresh) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and len(set(tokens)) == 1
    assert (
        TokenRequest.objects.filter(vendor="exact_online", grant_type="refresh_token").count() == 1
    )
    stored = OAuthToken.objects.get(connection=exact_connection)
    live = IssuedToken.objects.get(access_token=stored.access_token)
    assert live.refresh_token == stored.refresh_token and not live.dead  # the chain goes on
    assert connector(exact_connection).check().ok


def test_a_dead_refresh_token_sets_needs_reconnect_and_emails_the_owners_once(
    exact_connection, mailoutbox, owner
):
    _age_token(exact_connection, seconds_left=0, age=700)
    IssuedToken.objects.update(refresh_used=True)  # spent elsewhere: Exact kills the chain
    with pytest.raises(ReconnectRequired):
        token_manager(exact_connection).access_token()
    exact_connection.refresh_from_db()
    assert exact_connection.status == ConnectionStatus.NEEDS_RECONNECT
    assert "Connect Exact Online" in exact_connection.last_error
    with pytest.raises(ReconnectRequired):  # no second call to Exact, no second e-mail
        connector(exact_connection).api.http.get("financial/Journals", operation="x")
    assert len(mailoutbox) == 1 and owner.email in mailoutbox[0].to
    assert TokenRequest.objects.filter(vendor="exact_online", status_code=401).count() == 1


def test_money_goes_out_as_json_numbers_from_decimals(exact_connection, division):
    post_order(exact_connection, order("1007", [line("MUG-STEEL", 3, "19.5000")], shipping_ex="0"))
    (invoice,) = invoice_data(division)
    assert invoice["AmountFCExclVat"] == float(D("58.50"))
