"""A token refresh takes its turn without holding the database: on SQLite (the embedded backend)
a transaction's writes lock the whole file, and a sandbox vendor's token endpoint, served by the
same app, writes to that file while the refresh waits for its answer."""

import threading
from datetime import timedelta

import pytest
from django.db import connection as db_connection
from django.utils import timezone

from connectors.auth import NewToken, TokenManager, TokenPolicy
from sandbox.models import TokenRequest
from tenants.models import OAuthToken

pytestmark = [pytest.mark.embedded, pytest.mark.django_db(transaction=True)]


def _answered_by_the_same_app() -> bool:
    """What a sandbox token endpoint does while our refresh waits: a write from another thread
    (another web thread of this app), which must be done within seconds."""

    def endpoint():
        try:
            TokenRequest.objects.create(vendor="test", grant_type="client_credentials",
                                        status_code=200)  # fmt: skip
        finally:
            db_connection.close()

    thread = threading.Thread(target=endpoint)
    thread.start()
    thread.join(timeout=8)
    return not thread.is_alive()


def test_the_vendors_token_call_can_write_while_the_refresh_waits_and_refreshes_run_one_at_a_time(
    connection,
):
    OAuthToken.objects.create(connection=connection, system="test", access_token="old",
                              expires_at=timezone.now() - timedelta(minutes=1))  # fmt: skip
    grants, answered, inside = [], [], threading.Lock()

    def grant(token):
        assert inside.acquire(blocking=False), "two refreshes at once"
        try:
            answered.append(_answered_by_the_same_app())
            grants.append(token.access_token)
            return NewToken(access_token=f"new-{len(grants)}", expires_in=3600)
        finally:
            inside.release()

    manager = TokenManager(connection_id=connection.pk, system="test",
                           policy=TokenPolicy(margin=60), grant=grant)  # fmt: skip
    got, errors = [], []

    def worker():
        try:
            got.append(manager.access_token())
        except Exception as exc:
            errors.append(exc)
        finally:
            db_connection.close()

    workers = [threading.Thread(target=worker) for _ in range(4)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join(timeout=60)
    assert not errors, errors
    assert answered == [True], "the token endpoint's write waited for the refresh's lock"
    assert grants == ["old"] and got == ["new-1"] * 4
    assert TokenRequest.objects.count() == 1
