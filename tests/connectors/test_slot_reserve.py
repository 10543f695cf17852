"""A slot reserved on the client's budget serves its next call: a window of two calls takes one
reservation and one call, and a second call then waits; with no room, the reservation itself
waits (BudgetWait when long), before the caller does anything else."""

import pytest

from connectors.errors import BudgetWait
from connectors.http import ApiClient, Backoff, RateBudget, VendorRules
from connectors.ratelimit import RatePolicy, Window, limiter
from tests.support.scripted_server import Answer, ScriptedServer

RULES = VendorRules(system="bigcommerce")
KEY = "test:slot-reserve"


@pytest.fixture
def server():
    with ScriptedServer() as srv:
        yield srv


@pytest.mark.django_db
def test_a_reserved_slot_serves_the_next_call_and_no_room_waits_before_it(server):
    limiter().reset(KEY)
    budget = RateBudget(key=KEY, policy=RatePolicy(windows=(Window(60, 2),)))
    client = ApiClient(rules=RULES, base_url=server.url, budget=budget, max_inline_wait=0.5,
                       backoff=Backoff(base=0.05, cap=0.2))  # fmt: skip
    server.answer(Answer(200, {}), Answer(200, {}))
    client.slot_reserve()
    client.get("/x", operation="x.get")  # the reserved slot: no second one taken
    client.get("/x", operation="x.get")  # the window's second slot
    with pytest.raises(BudgetWait):
        client.get("/x", operation="x.get")  # the window is spent: a long wait
    with pytest.raises(BudgetWait):
        client.slot_reserve()  # and a reservation waits the same way
    limiter().reset(KEY)
