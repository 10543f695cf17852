"""A scripted vendor over real HTTP, and connections whose store (and ERP) is that vendor (the
answer tests: tests/connectors/test_*_answers*.py)."""

import pytest
from django.test import override_settings

from tenants.models import ConnectionStatus
from tests.factories import ConnectionFactory
from tests.support.fake_erp import KIND, ledger
from tests.support.hostile_answers import MYOB_KEY, erp_connection
from tests.support.scripted_server import ScriptedServer
from tests.support.well_formed_answers import EXACT_DIVISION, MYOB_BUSINESS, STORE


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


@pytest.fixture
def myob(tenant, vendor_server):
    """An active connection to the scripted store and a scripted MYOB company file."""
    with override_settings(
        MYOB_API_URL=f"{vendor_server.url}/myob", MYOB_OAUTH_URL=f"{vendor_server.url}/myob-oauth",
        MYOB_CLIENT_ID=MYOB_KEY, MYOB_CLIENT_SECRET="fuzz-myob-app-secret",
    ):  # fmt: skip
        yield erp_connection(
            tenant, vendor_server, "myob",
            {"business_id": MYOB_BUSINESS, "company_file_username": ""},
        )  # fmt: skip


@pytest.fixture
def exact(tenant, vendor_server):
    """An active connection to the scripted store and a scripted Exact Online division."""
    with override_settings(
        EXACT_BASE_URL=f"{vendor_server.url}/exact", EXACT_CLIENT_ID="fuzz-exact-app",
        EXACT_CLIENT_SECRET="fuzz-exact-app-secret",
    ):  # fmt: skip
        yield erp_connection(
            tenant, vendor_server, "exact_online", {"country": "nl", "division": EXACT_DIVISION}
        )
