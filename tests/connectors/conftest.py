"""A scripted vendor over real HTTP, and a connection whose store is that vendor (the answer tests:
tests/connectors/test_*_answers*.py)."""

import pytest

from tenants.models import ConnectionStatus
from tests.factories import ConnectionFactory
from tests.support.fake_erp import KIND, ledger
from tests.support.scripted_server import ScriptedServer
from tests.support.well_formed_answers import STORE


@pytest.fixture
def vendor_server():
    with ScriptedServer() as server:
        yield server


@pytest.fixture
def store_connection(tenant, vendor_server):
    """An active connection whose BigCommerce store is the scripted vendor; its ERP the fake."""
    connection = ConnectionFactory(
        tenant=tenant, store_hash=STORE, bc_api_url=vendor_server.url, erp_kind=KIND,
        status=ConnectionStatus.ACTIVE,
    )  # fmt: skip
    yield connection
    ledger(connection.pk).clear()
