"""The beat task keeps idle connections' tokens alive, through a real worker process."""

from datetime import timedelta

import pytest
from django.utils import timezone

from connectors.tasks import refresh_expiring_tokens
from sandbox.models import TokenRequest
from sandbox.myob.models import MyobApiKey
from sandbox.myob.oauth import issue_token
from tenants.models import OAuthToken
from tests.support.worker import WorkerProcess, wait_until


@pytest.mark.django_db(transaction=True)
def test_beat_refreshes_tokens_about_to_expire_and_leaves_fresh_ones(
    live_server, connection, other_connection
):
    api_key = MyobApiKey.objects.create(client_id="beat-key", client_secret="test-myob-secret-beat")
    soon = issue_token(api_key)
    later = issue_token(api_key)
    expiring = OAuthToken.objects.create(
        connection=connection, system="myob", access_token=soon.access_token,
        refresh_token=soon.refresh_token, expires_at=timezone.now() + timedelta(seconds=90),
    )  # fmt: skip
    fresh = OAuthToken.objects.create(
        connection=other_connection, system="myob", access_token=later.access_token,
        refresh_token=later.refresh_token, expires_at=timezone.now() + timedelta(minutes=19),
    )  # fmt: skip
    worker = WorkerProcess(
        extra_env={
            "MYOB_CLIENT_ID": api_key.client_id,
            "MYOB_CLIENT_SECRET": api_key.client_secret,
            "MYOB_OAUTH_URL": f"{live_server.url}/sandbox/myob/oauth2",
        }
    ).start()
    try:
        assert refresh_expiring_tokens() == 1  # only the one inside the lookahead is queued
        wait_until(
            lambda: OAuthToken.objects.get(pk=expiring.pk).access_token != soon.access_token,
            message="the worker did not refresh the token",
        )
    finally:
        worker.stop()
    expiring.refresh_from_db()
    fresh.refresh_from_db()
    assert expiring.expires_at > timezone.now() + timedelta(minutes=19)
    assert fresh.access_token == later.access_token
    assert TokenRequest.objects.filter(vendor="myob", status_code=200).count() == 1
