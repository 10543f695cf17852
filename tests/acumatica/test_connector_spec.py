"""Every request the Acumatica connector sends to the contract-based API, and every answer it gets,
validates against Acumatica's official OpenAPI file: a response hook on the audited client's
pooled session records each exchange while the connector checks the connection, finds or creates
a customer, lands an order in each document mode, posts a payment and its refund against it and
reads the stock items.

What the file does not declare (PATCH, an action's status address, statuses it does not list) is
checked as tests/acumatica/test_sandbox_spec.py checks the sandbox's answers."""

from decimal import Decimal

import pytest
from openapi_core.contrib.requests import RequestsOpenAPIRequest

from connectors.acumatica.connector import AcumaticaConnector
from connectors.canonical import Payment
from connectors.erp import PaymentPosting
from connectors.http import _session
from tenants.models import Connection
from tests.acumatica import test_sandbox_spec as spec
from tests.erp_contract.kits.acumatica import acumatica_shop
from tests.support import orders

pytestmark = [spec.pytestmark, pytest.mark.django_db(transaction=True)]


class Traffic:
    """The exchanges of the audited client's session while in the `with` block."""

    def __init__(self):
        self.seen = []

    def _record(self, response, *args, **kwargs):
        self.seen.append(response)

    def __enter__(self):
        _session().hooks["response"].append(self._record)
        return self

    def __exit__(self, *exc):
        _session().hooks["response"].remove(self._record)


def invalid_requests(responses) -> tuple[list[str], int]:
    """Each request to the contract-based API that the file rejects, with the reason."""
    found, checked = [], 0
    for response in responses:
        if not spec.ADDRESS.match(response.request.url):
            continue  # the token endpoint and GET /entity are outside the endpoint's file
        request, parts = spec._as_the_file_addresses(response)
        if "status" in parts or request.method == "PATCH":
            continue  # not in the file: no request schema to hold it to
        checked += 1
        try:
            spec.openapi().validate_request(RequestsOpenAPIRequest(request))
        except Exception as exc:  # any validation error: reported with its request
            cause = exc.__cause__ or exc
            details = [str(e.message) for e in getattr(cause, "schema_errors", ())][:3]
            what = f"{request.method} {response.request.url}"
            found.append(f"{what}: {details or repr(cause)}"[:800])
    return found, checked


@pytest.fixture
def shop(live_server, tenant, settings):
    settings.ACUMATICA_ACTION_POLL_SECONDS = 0.05

    def make(**erp_settings):
        _store, connection, acu = acumatica_shop(live_server, tenant, name="conn", **erp_settings)
        return Connection.objects.get(pk=connection.pk), acu

    return make


@pytest.mark.parametrize("document", ["sales_order", "order_invoice", "invoice"])
def test_what_the_connector_sends_and_gets_matches_the_official_file(shop, document):
    connection, _ = shop(document=document, payment_method="CREDITCARD", cash_account="10250")
    with Traffic() as traffic:
        erp = AcumaticaConnector(connection)
        assert erp.check().ok
        order = orders.order("7001")
        customer = erp.upsert_customer(order.customer)
        ref = erp.create_sales_document(order, customer)
        assert AcumaticaConnector(connection).find_sales_document(order).id == ref.id
        paid = Payment("901", "transaction", "purchase", order.total_inc_tax, "AUD", "ok",
                       "2026-11-20T10:00:00+00:00", "credit_card")  # fmt: skip
        refund = Payment("77", "refund", "refund", Decimal("20.00"), "", "ok",
                         "2026-11-21T10:00:00+00:00")  # fmt: skip
        erp.record_payment(ref, order, PaymentPosting(paid))
        erp.record_payment(ref, order, PaymentPosting(refund, (("901", Decimal("20.00")),)))
        missing = orders.order("7002", [orders.line("NOPE-1", 1, "5.0000")])
        with pytest.raises(Exception):  # noqa: B017 - a refusal's answer is checked too
            erp.create_sales_document(missing, customer)
        for _page in erp.changed_items(None):
            pass
    requests_found, requests_checked = invalid_requests(traffic.seen)
    answers_found, answers_checked = spec.invalid(traffic.seen)
    assert requests_found == [], "\n".join(requests_found)
    assert answers_found == [], "\n".join(answers_found)
    methods = {r.request.method for r in traffic.seen if spec.ADDRESS.match(r.request.url)}
    assert requests_checked >= 5 and answers_checked >= 5 and {"GET", "PUT"} <= methods
    puts = {r.request.url.rsplit("/", 1)[-1].split("?")[0] for r in traffic.seen
            if r.request.method == "PUT"}  # fmt: skip
    assert {"Customer", "Payment"} <= puts, puts
    if document != "sales_order":
        assert "POST" in methods  # an action (prepare, release) was sent and checked
