"""The admin sign-in lockout behind the TLS proxy: failures count per username and the client's
address from X-Forwarded-For (as many entries from the right as there are trusted proxies), so
someone guessing from one address locks the account only for that address."""

import pytest
from django.test import RequestFactory

from config.client_address import client_address

PASSWORD = "correct horse battery staple"
PROXY = "10.0.0.2"  # every request reaches the web process from the proxy's address
ATTACKER, OWNER_AT_HOME = "203.0.113.7", "198.51.100.20"


@pytest.fixture
def lockout(settings, owner):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    settings.TRUSTED_PROXY_COUNT = 1
    owner.set_password(PASSWORD)
    owner.save()
    return owner


def sign_in(client, username: str, password: str, forwarded_for: str):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def test_guessing_from_one_address_locks_that_address_out_not_the_owner(client, lockout):
    for _ in range(5):
        sign_in(client, lockout.username, "wrong", ATTACKER)
    locked = sign_in(client, lockout.username, PASSWORD, ATTACKER)
    assert locked.status_code == 429
    assert "Too many failed sign-in attempts" in locked.content.decode()

    at_home = sign_in(client, lockout.username, PASSWORD, OWNER_AT_HOME)
    assert at_home.status_code == 302 and at_home["Location"] == "/admin/"


def test_a_client_cannot_escape_the_lockout_by_writing_its_own_forwarded_for(client, lockout):
    """The proxy appends the address it saw: what the client wrote stays on the left."""
    for attempt in range(5):
        sign_in(client, lockout.username, "wrong", f"192.0.2.{attempt}, {ATTACKER}")
    forged = sign_in(client, lockout.username, PASSWORD, f"{OWNER_AT_HOME}, {ATTACKER}")
    assert forged.status_code == 429


def test_with_no_trusted_proxy_the_header_is_ignored(client, lockout, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    for attempt in range(5):
        sign_in(client, lockout.username, "wrong", f"192.0.2.{attempt}")
    assert sign_in(client, lockout.username, PASSWORD, OWNER_AT_HOME).status_code == 429


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "expected"),
    [
        (0, "203.0.113.7", PROXY),
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "forged, 203.0.113.7", "203.0.113.7"),
        (2, "forged, 203.0.113.7, 10.0.0.1", "203.0.113.7"),
        (2, "203.0.113.7", PROXY),  # fewer entries than proxies: not through all of them
        (1, "", PROXY),
    ],
)
def test_the_client_address_is_counted_from_the_right(settings, proxies, forwarded_for, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded_for)
    assert client_address(request) == expected
