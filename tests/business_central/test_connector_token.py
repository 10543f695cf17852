"""The app-only token: msal gets it from Entra (the sandbox's stand-in, reached through the
connector's audited client), one token serves many calls, the OAuthToken row shares it with
another process, and neither the client secret nor the token is kept in an ApiCall row."""

import itertools
import json
import subprocess
import sys
import textwrap

import pytest

from audit.models import ApiCall
from audit.redaction import MASK
from connectors.business_central.api import BusinessCentralApi
from sandbox.business_central.services import token_calls
from tenants.models import OAuthToken
from tests.erp_contract.kits.business_central import bc_connected, bc_urls, bc_use_sandbox
from tests.support.bc_sandbox import bc_sandbox
from tests.support.worker import ROOT, worker_database_url

pytestmark = pytest.mark.django_db(transaction=True)
_names = itertools.count(1)


@pytest.fixture
def linked(live_server, settings, tenant):
    bc_use_sandbox(settings, live_server)
    bc = bc_sandbox(live_server)
    return bc_connected(bc, tenant), bc


def test_msal_gets_one_token_for_many_calls_and_keeps_it_in_the_row(linked):
    connection, bc = linked
    api = BusinessCentralApi(connection)
    for _ in range(4):
        api.list("items", select="number")
    api.first("customers", filter="number eq 'C00001'")
    assert token_calls(bc.app) == 1
    token = OAuthToken.objects.get(connection=connection, system="business_central")
    lifetime = (token.expires_at - token.obtained_at).total_seconds()
    assert 3600 <= lifetime <= 5400, lifetime  # Entra's random 60-90 minutes, as answered
    entra = ApiCall.objects.filter(connection=connection, operation__startswith="entra.")
    assert [(c.operation, c.method) for c in entra.order_by("id")] == [
        ("entra.discovery", "GET"), ("entra.token", "POST"),
    ]  # fmt: skip
    # Microsoft's login host went to the stand-in (demo and test mode).
    assert all("/sandbox/entra/" in c.url for c in entra), [c.url for c in entra]


def test_the_client_secret_and_the_token_are_never_in_an_api_call_row(linked):
    connection, bc = linked
    BusinessCentralApi(connection).list("items", select="number")
    token = OAuthToken.objects.get(connection=connection).access_token
    call = ApiCall.objects.get(connection=connection, operation="entra.token")
    sent, answered = json.dumps(call.request_body), json.dumps(call.response_body)
    assert "client_secret" in sent and bc.app.client_secret not in sent
    assert "access_token" in answered and MASK in answered and token not in answered
    for row in ApiCall.objects.filter(connection=connection):
        stored = json.dumps([row.url, row.request_headers, row.request_body,
                             row.response_headers, row.response_body, row.error_message])  # fmt: skip
        assert bc.app.client_secret not in stored and token not in stored, row.operation


SECOND_PROCESS = textwrap.dedent(
    """
    import django; django.setup()
    from connectors.business_central.api import BusinessCentralApi
    from tenants.models import Connection
    rows = BusinessCentralApi(Connection.objects.get(pk="{pk}")).list("items", select="number")
    print(len(rows))
    """
)


def test_a_second_process_uses_the_token_the_first_one_got(linked, live_server):
    connection, bc = linked
    BusinessCentralApi(connection).list("items", select="number")
    env = {
        "PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": worker_database_url(), **bc_urls(live_server),
    }  # fmt: skip
    import os

    env = {**os.environ, **env}
    done = subprocess.run(
        [sys.executable, "-c", SECOND_PROCESS.format(pk=connection.pk)], cwd=ROOT, env=env,
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert int(done.stdout.strip().splitlines()[-1]) >= 7
    assert token_calls(bc.app) == 1  # the second process read the row, asked Entra nothing
    assert OAuthToken.objects.get(connection=connection).refresh_count == 1
