"""Our own Redis (the shared rate budgets) unreachable: the client says so in plain words as a
transient error, at the source, and sends nothing without a budget."""

import pytest

from connectors.errors import InfrastructureUnavailable
from connectors.http import RateBudget
from connectors.ratelimit import RatePolicy, Window, limiter
from tests.connectors.test_http_client import client, server  # noqa: F401 - the fixture
from tests.support.ports import free_port

pytestmark = pytest.mark.postgres  # Redis itself


@pytest.mark.django_db
def test_an_unreachable_budget_store_is_a_plain_transient_error_and_nothing_is_sent(
    server,  # noqa: F811
    settings,
):
    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    budget = RateBudget(key="test:budget-store-down", policy=RatePolicy(windows=(Window(1, 100),)))
    with pytest.raises(InfrastructureUnavailable) as caught:
        client(server, budget=budget).post("/orders", operation="order.create", json={"id": 1})
    error = caught.value
    assert not error.permanent
    assert error.message.startswith(
        "ml-connector's rate budget store (Redis) is unreachable; the job waits and tries again."
    )
    assert server.seen == []
    # What the client notes after a request was sent (a slot released, a vendor's wait or quota)
    # is advisory: an unreachable Redis must not hide the vendor's answer.
    dead = limiter()
    dead.release("test:budget-store-down", "lease-1")
    dead.block_until("test:budget-store-down", 1e9)
    dead.set_quota("test:budget-store-down", 30, 150)
