"""Well-formed answers of each vendor, as their documentation shows them, for the scripted
vendors of the answer tests: each route is a path pattern and the answer it gets. The fuzz tests
(tests/support/hostile_answers.py) spoil them; unspoiled, each makes a job succeed."""

import re
from dataclasses import dataclass
from urllib.parse import unquote_plus

from tests.support.scripted_server import Answer, Seen


@dataclass
class Route:
    pattern: str  # a regex matched against "METHOD /path" (query string removed)
    answer: Answer
    query: str = ""  # and one searched in the decoded query string


class Vendor:
    """A table of routes; the first whose pattern matches answers. Unmatched: 404."""

    def __init__(self, routes: list[Route]):
        self.routes = routes

    def __call__(self, seen: Seen) -> Answer:
        path, _, query = seen.path.partition("?")
        for route in self.routes:
            if re.search(route.pattern, f"{seen.method} {path}") and re.search(
                route.query, unquote_plus(query)
            ):
                return route.answer
        return Answer(404, {"error": "no such route in the fuzz vendor"})


# --- BigCommerce (a store at /stores/<hash>/) -----------------------------------------------
STORE = "fuzzstore"
ORDER = {
    "id": 100, "customer_id": 7, "date_created": "Tue, 05 Mar 2024 10:00:00 +0000",
    "date_modified": "Tue, 05 Mar 2024 10:05:00 +0000", "status_id": 11,
    "status": "Awaiting Fulfillment", "subtotal_ex_tax": "20.0000", "total_ex_tax": "25.0000",
    "total_inc_tax": "27.5000", "total_tax": "2.5000", "shipping_cost_ex_tax": "5.0000",
    "shipping_cost_inc_tax": "5.5000", "shipping_cost_tax": "0.5000",
    "handling_cost_ex_tax": "0.0000", "discount_amount": "0.0000", "coupon_discount": "0.0000",
    "currency_code": "AUD", "is_tax_inclusive_pricing": False, "payment_method": "Credit Card",
    "payment_status": "captured", "channel_id": 1, "customer_message": "Leave at the door",
    "billing_address": {
        "first_name": "Ada", "last_name": "Lovelace", "company": "", "street_1": "1 Main St",
        "street_2": "", "city": "Sydney", "state": "NSW", "zip": "2000", "country": "Australia",
        "country_iso2": "AU", "phone": "0400000000", "email": "ada@example.com",
    },
}  # fmt: skip
PRODUCTS = [
    {
        "id": 501, "order_id": 100, "product_id": 77, "variant_id": 78, "name": "Tent",
        "sku": "TENT-2P", "quantity": 2, "price_ex_tax": "10.0000", "price_inc_tax": "11.0000",
        "total_ex_tax": "20.0000", "total_inc_tax": "22.0000", "total_tax": "2.0000",
        "applied_discounts": [{"id": "coupon", "amount": "1.0000"}],
        "parent_order_product_id": None,
    }
]  # fmt: skip
SHIPPING = [
    {
        "id": 9, "order_id": 100, "first_name": "Ada", "last_name": "Lovelace",
        "street_1": "1 Main St", "city": "Sydney", "state": "NSW", "zip": "2000",
        "country": "Australia", "country_iso2": "AU", "shipping_method": "Express",
    }
]  # fmt: skip
# The order as the pipeline reads it: with its lines and ship-to addresses in consignments.
ORDER["consignments"] = {
    "pickups": [],
    "shipping": [{**{k: v for k, v in SHIPPING[0].items() if k != "order_id"},
                  "line_items": PRODUCTS, "items_total": 2, "cost_ex_tax": 5.0}],
    "downloads": [],
    "email": {"gift_certificates": []},
}  # fmt: skip
CUSTOMER = {
    "id": 7, "email": "Ada@Example.com", "first_name": "Ada", "last_name": "Lovelace",
    "company": "", "phone": "0400000000", "date_modified": "2024-03-05T10:00:00Z",
    "addresses": [{"id": 1, "first_name": "Ada", "last_name": "Lovelace", "address1": "1 Main St",
                   "city": "Sydney", "state_or_province": "NSW", "postal_code": "2000",
                   "country": "Australia", "country_code": "AU"}],
}  # fmt: skip
TRANSACTIONS = [
    {"id": 3, "event": "purchase", "amount": 27.5, "currency": "AUD", "status": "ok",
     "date_created": "2024-03-05T10:00:00Z", "method": "credit_card"}
]  # fmt: skip
REFUNDS = [{"id": 4, "total_amount": 1.5, "created": "2024-03-05T11:00:00Z",
            "payments": [{"is_declined": False}]}]  # fmt: skip


def page(rows: list) -> dict:
    return {"data": rows, "meta": {"pagination": {"total": len(rows), "total_pages": 1}}}


BIGCOMMERCE_ROUTES = [
    Route(r"^GET /stores/\w+/v2/store$", Answer(200, {"id": STORE, "name": "Fuzz Store"})),
    Route(r"^GET /stores/\w+/v2/orders/100$", Answer(200, ORDER)),
    Route(r"^GET /stores/\w+/v2/orders/100/products$", Answer(200, PRODUCTS)),
    Route(r"^GET /stores/\w+/v2/orders/100/shipping_addresses$", Answer(200, SHIPPING)),
    Route(r"^GET /stores/\w+/v3/customers$", Answer(200, page([CUSTOMER]))),
    Route(r"^GET /stores/\w+/v3/orders/100/transactions$", Answer(200, page(TRANSACTIONS))),
    Route(r"^GET /stores/\w+/v3/orders/100/payment_actions/refunds$", Answer(200, page(REFUNDS))),
]


# --- MYOB (settings: MYOB_API_URL = <server>/myob, MYOB_OAUTH_URL = <server>/myob-oauth) -------
MYOB_BUSINESS = "6d3f0a12-5b7e-4c1a-9f00-0000000000b1"
CARD = {
    "UID": "c0ffee00-0000-4000-8000-000000000001", "DisplayID": "CUS000001",
    "RowVersion": "-8584736251", "IsIndividual": True, "FirstName": "Ada", "LastName": "Lovelace",
    "CompanyName": None, "IsActive": True, "LastModified": "2024-03-05T10:00:00.123",
    "Addresses": [{"Location": 1, "Street": "1 Main St", "City": "Sydney", "State": "NSW",
                   "PostCode": "2000", "Country": "Australia", "Phone1": "0400000000",
                   "Email": "ada@example.com", "ContactName": "Ada Lovelace"}],
    "SellingDetails": {"TaxCode": {"UID": "7a000000-0000-4000-8000-000000000001"}},
}  # fmt: skip
TAX_CODES = [
    {"UID": "7a000000-0000-4000-8000-000000000001", "Code": "GST", "Rate": 10.0},
    {"UID": "7a000000-0000-4000-8000-000000000002", "Code": "FRE", "Rate": 0.0},
]
ITEM = {
    "UID": "17e00000-0000-4000-8000-000000000001", "Number": "TENT-2P", "Name": "Tent",
    "IsSold": True, "IsActive": True, "IsInventoried": True, "BaseSellingPrice": 349.0,
    "QuantityOnHand": 50.0, "AverageCost": 180.0, "RowVersion": "-6933843581174022144",
    "LastModified": "2024-03-05T10:00:00.123",
    "IncomeAccount": {"UID": "acc00000-0000-4000-8000-000000000001"},
    "SellingDetails": {"BaseSellingPrice": 349.0, "IsTaxInclusive": True},
}  # fmt: skip
INVOICE = {"UID": "1a000000-0000-4000-8000-000000000001", "Number": "00000123"}


def myob_page(items: list) -> dict:
    return {"Items": items, "NextPageLink": None, "Count": len(items)}


MYOB_TOKEN = {
    "access_token": "fuzz-myob-at-2", "refresh_token": "fuzz-myob-rt-2", "expires_in": "1200",
    "token_type": "bearer", "scope": "sme-company-file",
}  # fmt: skip
MYOB_ROUTES = [
    Route(r"^POST /myob-oauth/v1/authorize$", Answer(200, MYOB_TOKEN)),
    Route(r"^GET /myob/[\w-]+/$", Answer(200, {"CompanyFile": {"Name": "Fuzz Outdoor Pty Ltd"}})),
    Route(r"^GET /myob/[\w-]+/Contact/Customer$", Answer(200, myob_page([]))),
    Route(r"^GET /myob/[\w-]+/Contact/Customer/[\w-]+$", Answer(200, CARD)),
    Route(r"^POST /myob/[\w-]+/Contact/Customer$", Answer(201, CARD)),
    Route(r"^PUT /myob/[\w-]+/Contact/Customer/[\w-]+$", Answer(200, CARD)),
    Route(r"^GET /myob/[\w-]+/GeneralLedger/TaxCode$", Answer(200, myob_page(TAX_CODES))),
    Route(r"^GET /myob/[\w-]+/Inventory/Item$", Answer(200, myob_page([ITEM]))),
    Route(r"^GET /myob/[\w-]+/Sale/Invoice$", Answer(200, myob_page([]))),
    Route(r"^POST /myob/[\w-]+/Sale/Invoice/Item$", Answer(201, INVOICE)),
]

# The items stream (the catalog push's source): the list, and one item as it is now.
SHIPPING_ITEM = {
    **ITEM, "UID": "17e00000-0000-4000-8000-000000000002", "Number": "SHIPPING",
    "IsInventoried": False, "QuantityOnHand": 0.0, "AverageCost": None,
}  # fmt: skip
MYOB_ITEM_ROUTES = [
    MYOB_ROUTES[0],
    Route(r"^GET /myob/[\w-]+/Inventory/Item$", Answer(200, myob_page([ITEM, SHIPPING_ITEM]))),
    Route(r"^GET /myob/[\w-]+/Inventory/Item/[\w-]+$", Answer(200, ITEM)),
]


# --- Exact Online (settings: EXACT_BASE_URL = <server>/exact) ---------------------------------
EXACT_DIVISION = 424242
ACCOUNT = {
    "ID": "acc0ffee-0000-4000-8000-000000000001", "Code": "            1001",
    "Name": "Ada Lovelace", "Email": "ada@example.com", "Phone": "0400000000",
    "AddressLine1": "1 Main St", "AddressLine2": "", "City": "Sydney", "Postcode": "2000",
    "Country": "AU", "Modified": "/Date(1709632800000)/",
}  # fmt: skip


def exact_results(results: list) -> dict:
    return {"d": {"results": results}}


EXACT_TOKEN = {
    "access_token": "fuzz-exact-at-2", "refresh_token": "fuzz-exact-rt-2", "expires_in": "600",
    "token_type": "bearer",
}  # fmt: skip
ME = {"FullName": "Fuzz User", "UserName": "fuzz", "CurrentDivision": EXACT_DIVISION}
TENT = {"ID": "17e00000-0000-4000-8000-0000000000e1", "Code": "TENT-2P"}
SHIPPING_ITEM = {"ID": "17e00000-0000-4000-8000-0000000000e2", "Code": "SHIPPING"}
EXACT_INVOICE = {"InvoiceID": "1e000000-0000-4000-8000-000000000001", "InvoiceNumber": 24000001}
EXACT_ROUTES = [
    Route(r"^POST /exact/api/oauth2/token$", Answer(200, EXACT_TOKEN)),
    Route(r"^GET /exact/api/v1/current/Me$", Answer(200, exact_results([ME]))),
    Route(
        r"^GET /exact/api/v1/\d+/financial/Journals$",
        Answer(200, exact_results([{"Code": "70", "Description": "Sales journal"}])),
    ),
    Route(r"^GET /exact/api/v1/\d+/crm/Accounts$", Answer(200, exact_results([]))),
    Route(r"^POST /exact/api/v1/\d+/crm/Accounts$", Answer(201, {"d": ACCOUNT})),
    Route(r"^PUT /exact/api/v1/\d+/crm/Accounts", Answer(204, b"")),
    Route(
        r"^GET /exact/api/v1/\d+/logistics/Items$",
        Answer(200, exact_results([TENT])),
        query="Code eq 'TENT-2P'",
    ),
    Route(
        r"^GET /exact/api/v1/\d+/logistics/Items$",
        Answer(200, exact_results([SHIPPING_ITEM])),
        query="Code eq 'SHIPPING'",
    ),
    Route(r"^GET /exact/api/v1/\d+/salesinvoice/SalesInvoices$", Answer(200, exact_results([]))),
    Route(
        r"^POST /exact/api/v1/\d+/crm/Addresses$",
        Answer(201, {"d": {"ID": "add00000-0000-4000-8000-000000000001"}}),
    ),
    Route(
        r"^POST /exact/api/v1/\d+/salesinvoice/SalesInvoices$", Answer(201, {"d": EXACT_INVOICE})
    ),
]
