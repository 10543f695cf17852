"""The sandbox MYOB and Exact Online sign-in pages send a person (and the authorization code) only
to the redirect URI registered for the app: any other address, or none registered, gets an error
page and never a redirect."""

from urllib.parse import urlencode

import pytest
import requests

from connectors.myob.setup import redirect_uri as myob_redirect_uri
from sandbox.demo import demo_setup
from sandbox.exact_online.services import app_create, division_create
from sandbox.myob.services import api_key_create, business_create

ELSEWHERE = "https://attacker.example/callback"
MYOB = "/sandbox/myob/oauth2/account/authorize"
EXACT = "/sandbox/exact_online/api/oauth2/auth"


@pytest.fixture
def myob(transactional_db, live_server):
    business_create("Redirect Test Pty Ltd")
    registered = f"{live_server.url}/myob/connect/callback/"
    api_key_create("redirect-key", "redirect-secret-0001", redirect_uri=registered)
    api_key_create("unregistered-key", "redirect-secret-0002")
    return registered


@pytest.fixture
def exact(transactional_db, live_server):
    division = division_create(700001, "Redirect Test B.V.")
    registered = f"{live_server.url}/exact/connect/callback/"
    app_create("redirect-app", "redirect-secret-0003", redirect_uri=registered)
    app_create("unregistered-app", "redirect-secret-0004")
    return registered, division


def _ask(live_server, path: str, method: str = "GET", **params) -> requests.Response:
    url = f"{live_server.url}{path}"
    if method == "GET":
        return requests.get(f"{url}?{urlencode(params)}", allow_redirects=False, timeout=10)
    return requests.post(url, data=params, allow_redirects=False, timeout=10)


def _refused(response: requests.Response, message: str) -> None:
    assert response.status_code == 400 and "Location" not in response.headers
    assert message in response.text


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_myob_refuses_an_unregistered_address_with_an_error_page(live_server, myob, method):
    common = {"client_id": "redirect-key", "response_type": "code", "state": "s1"}
    approve = {"decision": "approve"} if method == "POST" else {}
    for redirect in (ELSEWHERE, myob + "extra", myob.rstrip("/"), ""):
        answer = _ask(live_server, MYOB, method, redirect_uri=redirect, **common, **approve)
        _refused(answer, "does not match the one registered")
    # Even the answers that report an error by redirecting wait for the address check.
    wrong_type = {**common, "response_type": "token", "redirect_uri": ELSEWHERE}
    _refused(_ask(live_server, MYOB, method, **wrong_type), "does not match the one registered")


def test_myob_with_no_address_registered_sends_nobody_anywhere(live_server, myob):
    params = {"client_id": "unregistered-key", "response_type": "code", "state": "s1"}
    for redirect in (ELSEWHERE, myob):
        answer = _ask(live_server, MYOB, redirect_uri=redirect, **params)
        _refused(answer, "no redirect URI registered")
        denied = _ask(live_server, MYOB, "POST", redirect_uri=redirect, decision="deny", **params)
        _refused(denied, "no redirect URI registered")


def test_myob_shows_its_consent_page_for_the_registered_address(live_server, myob):
    params = {"client_id": "redirect-key", "response_type": "code", "state": "s1"}
    page = _ask(live_server, MYOB, redirect_uri=myob, **params)
    assert page.status_code == 200 and 'id="approve"' in page.text


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_exact_refuses_an_unregistered_address_with_an_error_page(live_server, exact, method):
    registered, division = exact
    common = {"client_id": "redirect-app", "response_type": "code", "state": "s1"}
    approve = {"decision": "approve", "division": division.code} if method == "POST" else {}
    for redirect in (ELSEWHERE, registered + "extra", ""):
        answer = _ask(live_server, EXACT, method, redirect_uri=redirect, **common, **approve)
        _refused(answer, "does not match the app")
    wrong_type = {**common, "response_type": "token", "redirect_uri": ELSEWHERE}
    _refused(_ask(live_server, EXACT, method, **wrong_type), "does not match the app")


def test_exact_with_no_address_registered_sends_nobody_anywhere(live_server, exact):
    registered, division = exact
    params = {"client_id": "unregistered-app", "response_type": "code", "state": "s1"}
    for redirect in (ELSEWHERE, registered):
        _refused(_ask(live_server, EXACT, redirect_uri=redirect, **params), "no redirect URI")
        approved = _ask(
            live_server, EXACT, "POST", redirect_uri=redirect, decision="approve",
            division=division.code, **params,
        )  # fmt: skip
        _refused(approved, "no redirect URI registered")


@pytest.mark.django_db(transaction=True)
def test_the_demo_registers_its_own_callback_so_connecting_works_there_only(live_server, settings):
    settings.PUBLIC_BASE_URL = live_server.url
    demo_setup()
    params = {"client_id": settings.MYOB_CLIENT_ID, "response_type": "code", "state": "s1"}
    consent = _ask(live_server, MYOB, redirect_uri=myob_redirect_uri(), **params)
    assert consent.status_code == 200 and 'id="approve"' in consent.text
    _refused(
        _ask(live_server, MYOB, redirect_uri=ELSEWHERE, **params),
        "does not match the one registered",
    )
