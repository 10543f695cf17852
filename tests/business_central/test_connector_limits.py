"""Business Central's limits as the connector meets them: a 503 waited out for its Retry-After, a
429 retried with backoff, both audited; one budget per app principal (the limits are per user)
for every company it reaches, at most 5,000 calls in any 5 minutes and 5 at once."""

import pytest

from audit.models import ApiCall
from connectors.business_central.api import BusinessCentralApi
from connectors.business_central.client import principal_budget
from connectors.ratelimit import RatePolicy
from sandbox.business_central.services import faults_set
from tests.erp_contract.kits.business_central import bc_connected, bc_use_sandbox
from tests.support.bc_sandbox import bc_sandbox

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def bc(live_server, settings):
    bc_use_sandbox(settings, live_server)
    return bc_sandbox(live_server)


def item_reads(connection):
    return list(
        ApiCall.objects.filter(connection=connection, operation="items.list")
        .order_by("created_at", "id")
        .values_list("status_code", "created_at")
    )


def test_a_503_is_waited_out_for_its_retry_after(bc, tenant):
    connection = bc_connected(bc, tenant)
    api = BusinessCentralApi(connection)
    api.first("customers", filter="number eq 'none'")  # the token first: only items are timed
    faults_set(bc.environment, fault_unavailable=1, fault_retry_after=2)
    assert len(api.list("items", select="number")) == 7
    reads = item_reads(connection)
    assert [status for status, _ in reads] == [503, 200]
    assert (reads[1][1] - reads[0][1]).total_seconds() >= 2  # never sooner than it asked


def test_a_429_is_retried_and_audited(bc, tenant):
    connection = bc_connected(bc, tenant)
    faults_set(bc.environment, fault_rate_limited=1)
    assert len(BusinessCentralApi(connection).list("items", select="number")) == 7
    assert [status for status, _ in item_reads(connection)] == [429, 200]


def test_one_budget_per_app_principal_under_business_centrals_limits(bc, tenant):
    one = bc_connected(bc, tenant)
    other_company = bc_connected(bc, tenant, company_id="00000000-0000-0000-0000-000000000009")
    budget = principal_budget(one)
    assert budget.key == f"bc:{bc.tenant.entra_id}:{bc.app.client_id}".lower()
    assert principal_budget(other_company).key == budget.key
    policy: RatePolicy = budget.policy
    assert policy.concurrency == 5
    (window,) = policy.windows
    # Any 300 s touches at most 300 / window.seconds + 1 such fixed windows.
    assert window.limit * (300 / window.seconds + 1) <= 5_000
