"""Well-formed answers of each vendor, as their documentation shows them, for the scripted
vendors of the answer tests: each route is a path pattern and the answer it gets. The fuzz tests
(tests/support/hostile_answers.py) spoil them; unspoiled, each makes a job succeed."""

from tests.support.hostile_answers import Route
from tests.support.scripted_server import Answer

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
