"""Fuzzing how BigCommerce's answers are read: a store (a scripted server over real HTTP) answers
the order job's reads, the customer job's and Test connection's with spoiled answers. Every job
ends as a plain outcome — succeeded, skipped, failed or waiting to retry — with a last_error that
names BigCommerce, never "Internal error (...)"; Test connection always says something."""

import pytest
from hypothesis import given

from connectors import ratelimit
from connectors.bigcommerce.checks import bigcommerce_check
from sync.models import JobState
from tests.support.fake_erp import ledger
from tests.support.hostile_answers import FUZZ, Vendor, assert_plain_outcome, run_afresh, spoiled
from tests.support.well_formed_answers import BIGCOMMERCE_ROUTES as ROUTES
from tests.support.well_formed_answers import STORE

BUDGET = f"bigcommerce:{STORE}"


@pytest.mark.django_db(transaction=True)
def test_the_well_formed_answers_make_an_invoice(vendor_server, store_connection):
    """The baseline the fuzz spoils: unspoiled, the order goes through."""
    vendor_server.route = Vendor(ROUTES)
    job = run_afresh(store_connection, "order", "100", budgets=[BUDGET])
    assert job.state == JobState.SUCCEEDED, job.last_error
    assert ledger(store_connection.pk).document_for(100)["total_inc_tax"] == "27.5000"


@pytest.mark.django_db(transaction=True)
def test_an_order_job_reads_any_spoiled_answer_into_a_plain_outcome(
    vendor_server, store_connection
):
    @FUZZ
    @given(spoiled(ROUTES, only=r"v2/orders|v3/customers|v3/orders"))
    def fuzz(vendor):
        vendor_server.route = vendor
        ledger(store_connection.pk).clear()
        job = run_afresh(store_connection, "order", "100", budgets=[BUDGET])
        assert_plain_outcome(job, "BigCommerce")

    fuzz()


@pytest.mark.django_db(transaction=True)
def test_a_customer_job_reads_any_spoiled_answer_into_a_plain_outcome(
    vendor_server, store_connection
):
    @FUZZ
    @given(spoiled(ROUTES, only=r"v3/customers"))
    def fuzz(vendor):
        vendor_server.route = vendor
        job = run_afresh(store_connection, "customer", "7", budgets=[BUDGET])
        assert_plain_outcome(job, "BigCommerce")

    fuzz()


@pytest.mark.django_db(transaction=True)
def test_test_connection_reads_any_spoiled_answer_into_a_message(vendor_server, store_connection):
    @FUZZ
    @given(spoiled(ROUTES, only=r"v2/store"))
    def fuzz(vendor):
        vendor_server.route = vendor
        ratelimit.limiter().reset(BUDGET)
        result = bigcommerce_check(store_connection)
        assert result.message and (result.ok or "BigCommerce" in result.message), result

    fuzz()
