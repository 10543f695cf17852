"""The sandbox Acumatica as a client sees it, over real HTTP: an instance with a tenant, a
connected application and an API user, signed in by OAuth (password grant) or the cookie login.
Shared by the sandbox's own tests and the Acumatica connector's."""

import itertools
from dataclasses import dataclass

import pytest
import requests

from sandbox.acumatica import services
from sandbox.acumatica.models import AcuApp, AcuInstance, AcuTenant, AcuUser

USERNAME = "ml-connector"
PASSWORD = "sbx-acu-password-1"
VERSION = "24.200.001"
_slugs = itertools.count(1)


@dataclass
class Acumatica:
    instance: AcuInstance
    tenant: AcuTenant
    app: AcuApp
    user: AcuUser
    url: str  # the instance URL a connection stores

    @property
    def entity(self) -> str:
        return f"{self.url}/entity/Default/{VERSION}"

    @property
    def token_url(self) -> str:
        return f"{self.url}/identity/connect/token"


def acumatica_create(live_server, *, slug: str = "", tenant: str = "Company", redirect_uri: str = "",
                     **licence) -> Acumatica:  # fmt: skip
    """A new instance (licence settings as services.instance_create takes them; the API-user
    limit raised to 10 unless given) with a tenant, an app and an API user."""
    slug = slug or f"acu{next(_slugs)}"
    licence.setdefault("api_users", 10)
    instance = services.instance_create(slug, **licence)
    company = services.tenant_create(instance, tenant)
    app = services.app_create(company, redirect_uri=redirect_uri)
    user = services.user_create(company, USERNAME, PASSWORD)
    return Acumatica(instance, company, app, user, f"{live_server.url}/sandbox/acumatica/{slug}")


def password_grant(
    acu: Acumatica, *, scope: str = "api offline_access", **form
) -> requests.Response:
    body = {"grant_type": "password", "client_id": acu.app.client_id,
            "client_secret": acu.app.client_secret, "username": USERNAME, "password": PASSWORD,
            "scope": scope, **form}  # fmt: skip
    return requests.post(acu.token_url, data=body, timeout=10)


def bearer_client(acu: Acumatica) -> requests.Session:
    """A session sending a password-grant access token (one API session on the instance)."""
    answer = password_grant(acu)
    assert answer.status_code == 200, answer.text
    client = requests.Session()
    client.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"
    client.tokens = answer.json()
    return client


def cookie_client(acu: Acumatica) -> requests.Session:
    """A session signed in by the legacy cookie login."""
    client = requests.Session()
    answer = client.post(
        f"{acu.url}/entity/auth/login",
        json={"name": USERNAME, "password": PASSWORD, "tenant": acu.tenant.name, "branch": "MAIN"},
        timeout=10,
    )
    assert answer.status_code == 204, answer.text
    return client


def wrap(**fields) -> dict:
    """{"Field": {"value": X}} for plain keyword values (nested dicts and lists kept as given)."""
    return {name: value if isinstance(value, dict | list) else {"value": value}
            for name, value in fields.items()}  # fmt: skip


# --- fixtures (import them into a test module: `from tests.support.acumatica_sandbox import acu`)
@pytest.fixture
def acu(transactional_db, live_server) -> Acumatica:
    return acumatica_create(live_server)


@pytest.fixture
def acu_client(acu):
    """Signed in to `acu` with a password-grant token. Closed afterwards: a kept-alive socket
    holds a live-server thread and its database connection open."""
    client = bearer_client(acu)
    yield client
    client.close()
