"""No secret value in any ApiCall row: a synced order's calls to the store and the ERP carry
tokens, passwords and keys, and none of them is stored. (The session-wide scan in
tests/conftest.py watches every row and log line of the run as well.)"""

import json

import pytest

from audit.models import ApiCall
from sync.models import JobState
from tests.erp_contract.shop import order_synced

pytestmark = pytest.mark.worker


def test_no_secret_value_reaches_an_api_call_row(shop):
    _, job = order_synced(shop, [("TENT-2P", 1)])
    assert job.state == JobState.SUCCEEDED, job.last_error
    secrets = [s for s in shop.kit.secrets(shop.connection) if s]
    assert secrets
    rows = ApiCall.objects.filter(connection=shop.connection)
    assert rows.exists()
    for row in rows:
        stored = json.dumps(
            [row.url, row.request_headers, row.request_body, row.response_headers,
             row.response_body, row.error_message]
        )  # fmt: skip
        leaked = [s[:6] + "…" for s in secrets if s in stored]
        assert not leaked, f"{row.operation} stores {leaked}"
