"""The sandbox Business Central as a client sees it, over real HTTP: a tenant with an app, an
environment and a company (services.bc_create), a client-credentials token from the Entra
stand-in, and a requests session sending it. Shared by the sandbox's tests and the
connector's."""

import itertools

import pytest
import requests

from sandbox.business_central import services
from sandbox.business_central.entra import BC_SCOPE
from sandbox.business_central.services import BcSandbox

_slugs = itertools.count(1)


def bc_sandbox(live_server, **options) -> BcSandbox:
    return services.bc_create(live_server.url, slug=f"bc{next(_slugs)}", **options)


def token_call(bc: BcSandbox, **form) -> requests.Response:
    body = {"grant_type": "client_credentials", "client_id": bc.app.client_id,
            "client_secret": bc.app.client_secret, "scope": BC_SCOPE, **form}  # fmt: skip
    return requests.post(bc.token_url, data=body, timeout=10)


def bc_session(bc: BcSandbox) -> requests.Session:
    answer = token_call(bc)
    assert answer.status_code == 200, answer.text
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"
    return session


class EntraRouting(requests.Session):
    """An http_client for msal that sends login.microsoftonline.com to the Entra stand-in (the
    connector's own does this through its audited client)."""

    def __init__(self, entra_url: str):
        super().__init__()
        self.entra_url = entra_url

    def request(self, method, url, *args, **kwargs):
        url = url.replace("https://login.microsoftonline.com", self.entra_url, 1)
        kwargs.setdefault("timeout", 10)
        return super().request(method, url, *args, **kwargs)


# --- fixtures (import them into a test module or conftest) -------------------------------------------
@pytest.fixture
def bc(transactional_db, live_server) -> BcSandbox:
    return bc_sandbox(live_server)


@pytest.fixture
def bc_client(bc):
    """A session with a token for `bc`; closed afterwards (a kept-alive socket holds a
    live-server thread and its database connection)."""
    session = bc_session(bc)
    yield session
    session.close()
