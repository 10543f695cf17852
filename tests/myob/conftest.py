"""The sandbox MYOB over real HTTP: our platform's API key, a seeded company file, a token."""

import itertools

import pytest
import requests

from sandbox.myob.models import MyobApiKey
from sandbox.myob.oauth import issue_token
from sandbox.myob.services import business_create
from tests.support.myob_sandbox import (
    CF_PASSWORD,
    CF_USER,
    CLIENT_ID,
    SCOPES,
    cftoken,
    company_file_connection,
    myob_app,
)

_names = itertools.count(1)


@pytest.fixture
def myob_key(transactional_db, live_server):
    """Our platform's MYOB app, registered at the sandbox; its shared budget starts empty."""
    with myob_app(live_server) as key:
        yield key


@pytest.fixture
def worker_concurrency():
    """Threads of the worker the end-to-end `shop` starts; a module overrides it."""
    return 2


@pytest.fixture
def business(myob_key):
    return business_create(
        f"Sandbox Outdoor {next(_names)}", username=CF_USER, password=CF_PASSWORD
    )


@pytest.fixture
def token(myob_key, business):
    return issue_token(myob_key, str(business.uid), SCOPES)


@pytest.fixture
def raw_api(live_server, myob_key, business, token):
    """Plain HTTP to the company file, with every header MYOB wants unless told otherwise.
    Tests send faster than 8/s: the key's limit is raised (the rate-limit tests lower it)."""
    MyobApiKey.objects.filter(pk=myob_key.pk).update(per_second_limit=1000)
    base = f"{live_server.url}/sandbox/myob/accountright/{business.uid}"

    def call(method, path, *, headers=None, drop=(), **kwargs):
        sent = {
            "Authorization": f"Bearer {token.access_token}",
            "x-myobapi-key": CLIENT_ID,
            "x-myobapi-version": "v2",
            "x-myobapi-cftoken": cftoken(),
            "Accept": "application/json",
        }
        sent.update(headers or {})
        for name in drop:
            sent.pop(name, None)
        url = path if path.startswith("http") else f"{base}/{path.lstrip('/')}"
        return requests.request(method, url, headers=sent, timeout=10, **kwargs)

    call.base = base
    return call


@pytest.fixture
def myob_connection(tenant, business, token):
    """A connection whose MYOB side is connected to the sandbox company file."""
    # Its reference-data cache is keyed by its own (new) id.
    return company_file_connection(tenant, business, token, scope=SCOPES)
