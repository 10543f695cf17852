"""Malformed MYOB and Exact Online answers become plain errors on the job or the check, naming
the ERP: each of these was "Internal error (...)", a crash or a silently wrong record before."""

from dataclasses import replace

import pytest

from connectors.checks import erp_check
from sync.models import JobState
from tests.support.hostile_answers import BUDGETS, Vendor, erp_afresh, run_afresh
from tests.support.scripted_server import Answer
from tests.support.well_formed_answers import (
    ACCOUNT,
    BIGCOMMERCE_ROUTES,
    EXACT_ROUTES,
    MYOB_ROUTES,
    MYOB_TOKEN,
    TAX_CODES,
    exact_results,
)


def vendor(routes, **changed: Answer) -> Vendor:
    """The store and the ERP answering well, except the routes named (by a part of their
    pattern) answering as given."""
    table = []
    for route in BIGCOMMERCE_ROUTES + routes:
        answer = next((a for part, a in changed.items() if part in route.pattern), route.answer)
        table.append(replace(route, answer=answer))
    return Vendor(table)


def myob_vendor(**changed) -> Vendor:
    names = {"invoice_post": "POST /myob/[\\w-]+/Sale/Invoice/Item", "tax": "TaxCode",
             "token": "myob-oauth", "search": "GET /myob/[\\w-]+/Contact/Customer$",
             "company_file": "GET /myob/[\\w-]+/$"}  # fmt: skip
    return vendor(MYOB_ROUTES, **{names[k]: v for k, v in changed.items()})


def exact_vendor(**changed) -> Vendor:
    names = {"account_post": "POST /exact/api/v1/\\d+/crm/Accounts", "me": "current/Me",
             "journals": "financial/Journals"}  # fmt: skip
    return vendor(EXACT_ROUTES, **{names[k]: v for k, v in changed.items()})


def run(connection):
    erp_afresh(connection)
    return run_afresh(connection, "order", "100", budgets=BUDGETS)


@pytest.mark.django_db(transaction=True)
def test_a_myob_invoice_answered_with_html_is_retried(vendor_server, myob):
    html = Answer(201, b"<html>Service Unavailable</html>", {"Content-Type": "text/html"})
    vendor_server.route = myob_vendor(invoice_post=html)
    job = run(myob)
    assert job.state == JobState.PENDING, job.last_error
    assert job.last_error.startswith("MYOB answered HTTP 201 with a body that is not JSON")


@pytest.mark.django_db(transaction=True)
def test_a_myob_create_answered_with_nothing_is_not_taken_for_a_record(vendor_server, myob):
    vendor_server.route = myob_vendor(invoice_post=Answer(201, b""))
    job = run(myob)
    assert job.state == JobState.FAILED, job.last_error
    assert "neither the new record nor its address (Location)" in job.last_error
    assert job.erp_document_id == ""


@pytest.mark.django_db(transaction=True)
def test_a_myob_page_that_links_to_itself_ends_the_read(vendor_server, myob):
    looping = {"Items": TAX_CODES, "NextPageLink": f"{vendor_server.url}/myob/x/GeneralLedger/TaxCode"}  # fmt: skip
    vendor_server.route = myob_vendor(tax=Answer(200, looping))
    job = run(myob)
    assert job.state == JobState.FAILED, job.last_error
    assert "not a new page's address" in job.last_error


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("expires_in", ["inf", "1e400", "-5", "soon"])
def test_a_token_refresh_with_an_absurd_lifetime_fails_plainly(vendor_server, myob, expires_in):
    """A 401 makes the client refresh the token; a lifetime of 'inf' overflowed the expiry."""
    vendor_server.route = myob_vendor(
        search=Answer(401, {"Errors": [{"Name": "OAuthTokenIsInvalid"}]}),
        token=Answer(200, {**MYOB_TOKEN, "expires_in": expires_in}),
    )
    job = run(myob)
    assert job.state == JobState.FAILED, job.last_error
    assert job.last_error.startswith("MYOB answered the token refresh in a form"), job.last_error


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("account_id", ["x" * 500, {"guid": "1"}, ""])
def test_an_exact_account_with_an_id_that_is_not_one_fails_plainly(
    vendor_server, exact, account_id
):
    vendor_server.route = exact_vendor(account_post=Answer(201, {"d": {**ACCOUNT, "ID": account_id}}))  # fmt: skip
    job = run(exact)
    assert job.state == JobState.FAILED, job.last_error
    assert job.last_error.startswith("Exact Online answered an account in a form"), job.last_error


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("answer", "says"),
    [
        (Answer(200, {"results": []}), "with null where an object was expected"),
        (Answer(200, {"d": []}), "with a list where an object was expected"),
        (Answer(200, exact_results([])), "GET current/Me with no user"),
        (Answer(200, b"<html>Login</html>", {"Content-Type": "text/html"}), "is not JSON"),
    ],
)
def test_exact_test_connection_says_what_was_unreadable(vendor_server, exact, answer, says):
    vendor_server.route = exact_vendor(me=answer)
    erp_afresh(exact)
    result = erp_check(exact)
    assert not result.ok
    assert result.message.startswith("Exact Online") and says in result.message, result.message


@pytest.mark.django_db(transaction=True)
def test_test_connection_says_a_record_it_read_was_malformed(vendor_server, myob, exact):
    """The call succeeded; what came back is not what the check reads (a name, a journal code)."""
    vendor_server.route = myob_vendor(company_file=Answer(200, {"CompanyFile": "Fuzz Pty"}))
    erp_afresh(myob)
    result = erp_check(myob)
    assert not result.ok and result.message.startswith("MYOB answered the company file in a form")
    vendor_server.route = exact_vendor(journals=Answer(200, exact_results([{"Description": "x"}])))
    erp_afresh(exact)
    result = erp_check(exact)
    assert not result.ok and result.message.startswith("Exact Online answered the division in a")
