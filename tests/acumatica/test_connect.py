"""Signing in to Acumatica, over real HTTP against the sandbox instance: 'Connect Acumatica'
through the instance's consent page and back, the endpoint version picked from those the instance
serves; the API user's password sign-in, and its sign-in again when the refresh token is dead; a
dead refresh token of a consented connection asks a person to connect again; the settings form
refuses an endpoint version the instance does not serve, listing those it does."""

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.urls import reverse
from django.utils import timezone

from audit.models import ApiCall
from connectors.acumatica.connector import AcumaticaConnector
from sandbox.acumatica.services import licence_set, token_calls
from sandbox.models import AuthCode, IssuedToken
from tenants.models import Connection, ConnectionStatus, OAuthToken
from tests.erp_contract.kits.acumatica import acumatica_settings
from tests.factories import ConnectionFactory
from tests.support.acumatica_sandbox import PASSWORD, VERSION, acumatica_create
from tests.test_admin_onboarding import add_url, form_data

pytestmark = pytest.mark.django_db(transaction=True)
CALLBACK = "/acumatica/connect/callback/"


@pytest.fixture
def acu(live_server, settings):
    settings.PUBLIC_BASE_URL = live_server.url
    settings.ACUMATICA_REDIRECT_URI = f"{live_server.url}{CALLBACK}"
    return acumatica_create(live_server, redirect_uri=settings.ACUMATICA_REDIRECT_URI)


def connection_for(tenant, acu, **settings) -> Connection:
    return ConnectionFactory(
        tenant=tenant, erp_kind="acumatica",
        erp_settings=acumatica_settings(acu, **settings),
        erp_secrets={"client_secret": acu.app.client_secret, "password": PASSWORD},
    )  # fmt: skip


def consent(authorize_url: str, acu, decision: str = "approve") -> str:
    """The person on the instance's consent page, signing in as the tenant's user; returns where
    Acumatica sends the browser back to."""
    page = requests.get(authorize_url, timeout=10)
    assert page.status_code == 200, page.text
    form = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page.text))
    form |= {"user": str(acu.user.pk), "decision": decision}
    answer = requests.post(page.url, data=form, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    return answer.headers["Location"]


def back_here(client, location: str):
    parts = urlsplit(location)
    assert parts.path == CALLBACK == reverse("acumatica:connect-callback")
    return client.get(f"{parts.path}?{parts.query}")


def test_connect_acumatica_signs_in_on_the_consent_page_then_the_version_is_picked(
    client, owner, tenant, acu, live_server
):
    draft = ConnectionFactory(
        tenant=tenant, erp_kind="acumatica", erp_secrets={"client_secret": acu.app.client_secret},
        erp_settings={**acumatica_settings(acu), "sign_in": "connect", "username": ""},
    )  # fmt: skip
    client.force_login(owner)
    start = client.get(reverse("acumatica:connect", args=[draft.pk]))
    assert start.status_code == 302
    query = parse_qs(urlsplit(start["Location"]).query)
    assert start["Location"].startswith(f"{acu.url}/identity/connect/authorize?")
    assert query["client_id"] == [acu.app.client_id]
    assert query["redirect_uri"] == [f"{live_server.url}{CALLBACK}"]
    assert query["scope"] == ["api offline_access"]

    back = consent(start["Location"], acu)
    landed = back_here(client, back)
    assert landed["Location"] == reverse("acumatica:picker", args=[draft.pk])
    token = OAuthToken.objects.get(connection=draft, system="acumatica")
    assert (
        token.refresh_token
        and 3590 <= (token.expires_at - token.obtained_at).total_seconds() <= 3600
    )
    assert AuthCode.objects.get().used
    exchange = ApiCall.objects.get(connection=draft, operation="oauth.code_exchange")
    assert acu.app.client_secret not in exchange.request_body
    assert "[redacted]" in exchange.request_body
    assert token_calls(acu.app.client_id, "password") == 0  # no API user was used

    # The version picker lists what the instance serves; saving one runs the check.
    picker = client.get(landed["Location"]).content.decode()
    assert 'value="24.200.001"' in picker and 'value="23.200.001"' in picker
    saved = client.post(landed["Location"], {"endpoint_version": "23.200.001"})
    assert saved["Location"] == reverse("acumatica:mappings", args=[draft.pk])
    draft.refresh_from_db()
    assert draft.erp_settings["endpoint_version"] == "23.200.001"
    result = AcumaticaConnector(draft).check()
    assert (
        result.ok
        and "signed in by 'Connect Acumatica'" in result.message
        and "23.200.001" in result.message
    )
    # The callback is single use.
    assert back_here(client, back).status_code == 400


def test_denied_consent_says_so_and_stores_no_token(client, owner, tenant, acu):
    draft = connection_for(tenant, acu, sign_in="connect")
    client.force_login(owner)
    start = client.get(reverse("acumatica:connect", args=[draft.pk]))
    denied = client.get(
        back_here(client, consent(start["Location"], acu, decision="deny"))["Location"]
    )
    assert "Acumatica access was not granted" in denied.content.decode()
    assert not OAuthToken.objects.filter(connection=draft).exists()


def test_the_api_user_signs_in_with_its_password_from_the_version_picker(
    client, owner, tenant, acu
):
    connection = connection_for(tenant, acu)
    assert not OAuthToken.objects.filter(connection=connection).exists()
    client.force_login(owner)
    url = reverse("acumatica:picker", args=[connection.pk])
    saved = client.post(url, {"endpoint_version": VERSION}, follow=True)
    assert "signed in by the API user ml-connector" in saved.content.decode()
    assert token_calls(acu.app.client_id, "password") == 1
    token = OAuthToken.objects.get(connection=connection, system="acumatica")
    assert token.refresh_token
    password_call = ApiCall.objects.get(connection=connection, operation="oauth.password")
    assert PASSWORD not in password_call.request_body
    assert acu.app.client_secret not in password_call.request_body


def expire(connection):
    """The access token's hour is over here, and the refresh token's 30 days at the instance."""
    token = OAuthToken.objects.get(connection=connection)
    OAuthToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    IssuedToken.objects.filter(refresh_token=token.refresh_token).update(
        issued_at=timezone.now() - timedelta(days=31)
    )


def test_the_api_user_signs_in_again_with_its_password_when_the_refresh_token_is_dead(tenant, acu):
    connection = connection_for(tenant, acu)
    assert AcumaticaConnector(connection).check().ok
    first = OAuthToken.objects.get(connection=connection).access_token
    expire(connection)

    result = AcumaticaConnector(Connection.objects.get(pk=connection.pk)).check()
    assert result.ok, result
    assert token_calls(acu.app.client_id, "refresh_token") == 1  # tried, and refused
    assert token_calls(acu.app.client_id, "password") == 2  # then the password again
    token = OAuthToken.objects.get(connection=connection)
    assert token.access_token != first and token.last_refresh_error == ""
    assert Connection.objects.get(pk=connection.pk).status != ConnectionStatus.NEEDS_RECONNECT


def test_a_dead_refresh_token_of_a_consented_connection_asks_to_connect_again(
    client, owner, tenant, acu
):
    connection = connection_for(tenant, acu, sign_in="connect", username="")
    client.force_login(owner)
    start = client.get(reverse("acumatica:connect", args=[connection.pk]))
    back_here(client, consent(start["Location"], acu))
    expire(connection)

    result = AcumaticaConnector(Connection.objects.get(pk=connection.pk)).check()
    assert not result.ok
    assert "Use 'Connect Acumatica' on the connection to sign in again" in result.message, result
    assert token_calls(acu.app.client_id, "password") == 0  # no password to fall back on
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.NEEDS_RECONNECT
    assert "Connect Acumatica" in connection.last_error

    # Connecting again on the consent page signs it in afresh.
    start = client.get(reverse("acumatica:connect", args=[connection.pk]))
    back_here(client, consent(start["Location"], acu))
    assert AcumaticaConnector(Connection.objects.get(pk=connection.pk)).check().ok


def test_the_settings_form_refuses_a_version_the_instance_does_not_serve_listing_those_it_does(
    client, owner, tenant, acu
):
    licence_set(acu.instance, versions=["24.200.001", "23.200.001"])
    client.force_login(owner)
    fields = {"erp_instance_url": acu.url, "erp_client_id": acu.app.client_id,
              "erp_tenant": acu.tenant.name}  # fmt: skip
    refused = client.post(
        add_url("acumatica"),
        form_data(tenant, "acumatica", erp_endpoint_version="22.200.001", **fields),
    )
    page = refused.content.decode()
    assert refused.status_code == 200
    assert (
        "This Acumatica instance does not serve the Default endpoint version 22.200.001. "
        "It serves: 24.200.001, 23.200.001." in page
    ), page[-3000:]
    assert not Connection.objects.filter(erp_kind="acumatica").exists()

    saved = client.post(
        add_url("acumatica"),
        form_data(tenant, "acumatica", erp_endpoint_version="23.200.001", **fields),
    )
    assert saved.status_code == 302, saved.content.decode()[-3000:]
    connection = Connection.objects.get(erp_kind="acumatica")
    assert connection.erp_settings["endpoint_version"] == "23.200.001"
