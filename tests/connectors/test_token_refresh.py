"""One refresh at a time, the rotated refresh token kept, dead credentials stop everything."""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection as db_connection
from django.test import override_settings
from django.utils import timezone

from audit.models import ApiCall
from connectors.auth import NewToken, TokenManager, TokenPolicy
from connectors.errors import ReconnectRequired, TransientError
from connectors.myob.auth import token_manager
from sandbox.models import TokenRequest
from sandbox.myob.models import MyobApiKey
from sandbox.myob.oauth import issue_token
from tenants.models import ConnectionStatus, OAuthToken


@pytest.fixture
def myob_oauth(live_server):
    """The sandbox's MYOB token endpoint, with our platform app registered there."""
    api_key = MyobApiKey.objects.create(
        client_id="test-myob-key", client_secret="test-myob-secret-xyz"
    )
    with override_settings(
        MYOB_CLIENT_ID=api_key.client_id,
        MYOB_CLIENT_SECRET=api_key.client_secret,
        MYOB_OAUTH_URL=f"{live_server.url}/sandbox/myob/oauth2",
    ):
        yield api_key


def expired_token_for(connection, api_key):
    issued = issue_token(api_key)
    return OAuthToken.objects.create(
        connection=connection,
        system="myob",
        access_token=issued.access_token,
        refresh_token=issued.refresh_token,
        expires_at=timezone.now() - timedelta(minutes=1),
        obtained_at=timezone.now() - timedelta(minutes=21),
    )


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_workers_cause_exactly_one_token_call(myob_oauth, connection):
    expired_token_for(connection, myob_oauth)
    results, errors = [], []
    start = threading.Barrier(20)

    def worker():
        try:
            start.wait()
            results.append(token_manager(connection).access_token())
        except Exception as exc:
            errors.append(exc)
        finally:
            db_connection.close()

    threads = [threading.Thread(target=worker) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert TokenRequest.objects.filter(vendor="myob").count() == 1
    stored = OAuthToken.objects.get(connection=connection)
    assert set(results) == {stored.access_token}  # every worker proceeds with the new token
    newest = myob_oauth.tokens.order_by("-id").first()
    assert stored.refresh_token == newest.refresh_token  # the rotated one, saved
    assert stored.expires_at > timezone.now() + timedelta(minutes=19)
    assert ApiCall.objects.filter(operation="oauth.refresh", status_code=200).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_fresh_token_is_not_refreshed(myob_oauth, connection):
    token = expired_token_for(connection, myob_oauth)
    token.expires_at = timezone.now() + timedelta(minutes=10)
    token.save()
    assert token_manager(connection).access_token() == token.access_token
    assert TokenRequest.objects.filter(vendor="myob").count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_token_inside_the_margin_is_refreshed_before_it_expires(myob_oauth, connection):
    token = expired_token_for(connection, myob_oauth)
    token.expires_at = timezone.now() + timedelta(seconds=60)  # margin is 120 s
    token.save()
    assert token_manager(connection).access_token() != token.access_token
    assert TokenRequest.objects.filter(vendor="myob").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_dead_refresh_token_sets_needs_reconnect_and_emails_owners_once(
    myob_oauth, connection, owner
):
    token = expired_token_for(connection, myob_oauth)
    token.refresh_token = "sbx-rt-revoked-long-ago"
    token.save()
    for _ in range(3):
        with pytest.raises(ReconnectRequired, match="Connect MYOB"):
            token_manager(connection).access_token()
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.NEEDS_RECONNECT
    assert "sign in again" in connection.last_error
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [owner.email]
    assert "needs reconnecting" in mail.outbox[0].subject
    # Calls stop: no second, third… token request once the connection is marked.
    assert TokenRequest.objects.filter(vendor="myob").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_refresh_earlier_than_the_vendor_allows_is_never_sent(connection):
    """Exact Online's rule: no refresh within 570 s of the previous token, even after a 401."""
    calls = []

    def grant(token):
        calls.append(token.pk)
        return NewToken(access_token="new-token-value", expires_in=600, refresh_token="rt-2")

    OAuthToken.objects.create(
        connection=connection,
        system="exact_online",
        access_token="at-1-value",
        refresh_token="rt-1-value",
        expires_at=timezone.now() + timedelta(seconds=500),
        obtained_at=timezone.now() - timedelta(seconds=100),
    )
    manager = TokenManager(
        connection_id=connection.pk,
        system="exact_online",
        policy=TokenPolicy(margin=30, min_age=570),
        grant=grant,
    )
    with pytest.raises(TransientError) as caught:
        manager.refresh(stale="at-1-value", forced=True)
    assert calls == []
    assert 460 <= caught.value.retry_after <= 470
