"""Whatever Entra ID or Business Central answers, the connector ends in a plain error naming it,
never a crash: a scripted vendor over real HTTP answers as the documentation shows, then one
answer at a time is spoiled (not JSON, the wrong shape, a field missing or of the wrong type)."""

from dataclasses import replace

import pytest

from connectors.business_central.connector import BusinessCentralConnector
from connectors.errors import ConnectorError
from tests.factories import ConnectionFactory
from tests.support import orders
from tests.support.scripted_server import Answer, ScriptedServer
from tests.support.well_formed_answers import Route, Vendor

pytestmark = pytest.mark.django_db  # the scripted vendor is not Django: no live server
TENANT = "11111111-1111-1111-1111-111111111111"
COMPANY = "22222222-2222-2222-2222-222222222222"
LOGIN = f"https://login.microsoftonline.com/{TENANT}"
CUSTOMER = {"@odata.etag": 'W/"JzE7Jw=="', "id": "33333333-3333-3333-3333-333333333333",
            "number": "C00010", "displayName": "Ada Lovelace", "email": "ada@example.com",
            "phoneNumber": "0400 000 000", "addressLine1": "12 Analytical St", "city": "Sydney",
            "state": "NSW", "country": "AU", "postalCode": "2000"}  # fmt: skip
INVOICE = {"@odata.etag": 'W/"JzE7Jw=="', "id": "44444444-4444-4444-4444-444444444444",
           "number": "S-INV-1001", "status": "Draft", "totalAmountIncludingTax": 1}  # fmt: skip
ITEMS = {"value": [{"id": "5", "number": "TENT-2P", "blocked": False},
                   {"id": "6", "number": "MUG-STEEL", "blocked": False}]}  # fmt: skip
COMPANY_PATH = rf"/v2\.0/{TENANT}/Production/api/v2\.0/companies\({COMPANY}\)"
ROUTES = {
    "discovery": Route(r"^GET /entra/.*/openid-configuration$", Answer(200, {
        "token_endpoint": f"{LOGIN}/oauth2/v2.0/token", "issuer": f"{LOGIN}/v2.0",
        "authorization_endpoint": f"{LOGIN}/oauth2/v2.0/authorize",
    })),
    "token": Route(r"^POST /entra/.*/token$", Answer(200, {
        "token_type": "Bearer", "expires_in": 4000, "access_token": "fuzz-access-token-1",
    })),
    "customer": Route(rf"^GET {COMPANY_PATH}/customers$", Answer(200, {"value": [CUSTOMER]})),
    "items": Route(rf"^GET {COMPANY_PATH}/items$", Answer(200, ITEMS)),
    "look-up": Route(rf"^GET {COMPANY_PATH}/salesInvoices$", Answer(200, {"value": []})),
    "create": Route(rf"^POST {COMPANY_PATH}/salesInvoices$", Answer(201, INVOICE)),
    "post": Route(r"Microsoft\.NAV\.post$", Answer(204, b"")),
    "posted": Route(rf"^GET {COMPANY_PATH}/salesInvoices\(", Answer(200, {
        **INVOICE, "number": "103001", "status": "Open",
    })),
}  # fmt: skip
SPOILED = [
    Answer(200, b"<html><body>502 Bad Gateway</body></html>"),
    Answer(200, []),
    Answer(200, {"value": "none"}),
    Answer(200, {"value": [{"number": None}]}),
    Answer(200, {"unexpected": True}),
    Answer(200, {"access_token": "", "expires_in": "soon"}),
    Answer(400, b"not json at all"),
]


@pytest.fixture
def bc_server(settings):
    with ScriptedServer() as server:
        settings.BC_API_URL, settings.BC_ENTRA_URL = server.url, f"{server.url}/entra"
        yield server


def connector(server, spoiled: str = "", answer: Answer | None = None):
    routes = {**ROUTES}
    if spoiled:
        routes[spoiled] = replace(routes[spoiled], answer=answer)
    server.route = Vendor(list(routes.values()))
    connection = ConnectionFactory(
        erp_kind="business_central", erp_secrets={"client_secret": "fuzz-secret-value"},
        erp_settings={"tenant_id": TENANT, "environment": "Production", "company_id": COMPANY,
                      "client_id": "55555555-5555-5555-5555-555555555555",
                      "shipping_account": "40200"},
    )  # fmt: skip
    return BusinessCentralConnector(connection)


def sync(erp) -> str:
    order = orders.order()
    customer = erp.upsert_customer(order.customer)
    if erp.find_sales_document(order) is None:
        return erp.create_sales_document(order, customer).number
    return ""


def test_the_well_formed_answers_make_a_posted_invoice(bc_server):
    assert sync(connector(bc_server)) == "103001"


@pytest.mark.parametrize("route", list(ROUTES))
@pytest.mark.parametrize("answer", SPOILED, ids=range(len(SPOILED)))
def test_a_spoiled_answer_is_a_plain_error_naming_who_answered(bc_server, route, answer):
    erp = connector(bc_server, route, answer)
    try:
        sync(erp)
    except ConnectorError as exc:
        who = "Entra ID" if route in ("discovery", "token") else "Business Central"
        assert who in exc.message, exc.message  # the one that answered so
        assert "Internal error" not in exc.message
    # Or it was read as something harmless (a look-up that found nothing, a 204 body ignored).
