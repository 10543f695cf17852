"""Signing in to the sandbox Acumatica every way a client can, and every refusal: OAuth's password,
authorization-code and refresh grants (no client_credentials), the discovery document, the cookie
login and logout, the licence's API-user limit and idle sessions."""

from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import requests
from django.utils import timezone

from sandbox.acumatica import services
from sandbox.acumatica.models import AcuSession
from sandbox.models import IssuedToken
from tests.support.acumatica_sandbox import (
    PASSWORD,
    USERNAME,
    acumatica_create,
    cookie_client,
    password_grant,
)


def customers(acu, **headers):
    return requests.get(f"{acu.entity}/Customer", headers=headers, timeout=10)


def test_password_grant_gives_an_hour_long_bearer_token_and_a_refresh_token(acu):
    answer = password_grant(acu)
    body = answer.json()
    assert answer.status_code == 200
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
    assert body["scope"] == "api offline_access" and body["refresh_token"]
    assert acu.app.client_id.endswith("@Company")
    ok = customers(acu, Authorization=f"Bearer {body['access_token']}")
    assert ok.status_code == 200 and ok.json() == []
    no_offline = password_grant(acu, scope="api").json()
    assert "refresh_token" not in no_offline
    basic = requests.post(acu.token_url, auth=(acu.app.client_id, acu.app.client_secret), data={
        "grant_type": "password", "username": USERNAME, "password": PASSWORD, "scope": "api"},
        timeout=10)  # fmt: skip
    assert basic.status_code == 200 and basic.json()["access_token"]


def test_refusals_are_the_oidc_error_json(acu):
    assert password_grant(acu, password="wrong").json()["error"] == "invalid_grant"
    assert password_grant(acu, client_secret="wrong").json() == {"error": "invalid_client"}
    unsupported = password_grant(acu, grant_type="client_credentials")
    assert unsupported.status_code == 400
    assert unsupported.json() == {"error": "unsupported_grant_type"}
    assert customers(acu, Authorization="Bearer sbx-acu-at-made-up").status_code == 401
    assert customers(acu).status_code == 401
    assert set(customers(acu).json()) >= {"message", "exceptionMessage", "exceptionType"}


def test_an_app_of_another_instance_is_an_invalid_client(acu, live_server):
    other = acumatica_create(live_server)
    body = {"grant_type": "password", "client_id": other.app.client_id,
            "client_secret": other.app.client_secret, "username": USERNAME, "password": PASSWORD}  # fmt: skip
    answer = requests.post(acu.token_url, data=body, timeout=10)
    assert answer.json() == {"error": "invalid_client"}


def test_refresh_rotates_the_pair_and_expires_absolutely(acu):
    first = password_grant(acu).json()
    form = {"grant_type": "refresh_token", "client_id": acu.app.client_id,
            "client_secret": acu.app.client_secret, "refresh_token": first["refresh_token"]}  # fmt: skip
    second = requests.post(acu.token_url, data=form, timeout=10)
    assert second.status_code == 200 and second.json()["access_token"] != first["access_token"]
    assert requests.post(acu.token_url, data=form, timeout=10).json()["error"] == "invalid_grant"
    # 30 days after the grant the chain is over, refreshed or not.
    IssuedToken.objects.filter(access_token=first["access_token"]).update(
        issued_at=timezone.now() - timedelta(days=30, seconds=1)
    )
    form["refresh_token"] = second.json()["refresh_token"]
    expired = requests.post(acu.token_url, data=form, timeout=10)
    assert expired.status_code == 400 and expired.json()["error"] == "invalid_grant"


def test_authorization_code_flow_signs_in_as_a_tenant_user(live_server):
    acu = acumatica_create(live_server, redirect_uri="https://app.example.com/acumatica/callback/")
    params = {"client_id": acu.app.client_id, "redirect_uri": acu.app.redirect_uri,
              "response_type": "code", "state": "s1", "scope": "api offline_access"}  # fmt: skip
    page = requests.get(f"{acu.url}/identity/connect/authorize", params=params, timeout=10)
    assert page.status_code == 200 and USERNAME in page.text
    approved = requests.post(
        f"{acu.url}/identity/connect/authorize",
        data={**params, "decision": "approve", "user": acu.user.pk},
        allow_redirects=False, timeout=10,
    )  # fmt: skip
    answer = parse_qs(urlparse(approved.headers["Location"]).query)
    assert answer["state"] == ["s1"]
    form = {"grant_type": "authorization_code", "code": answer["code"][0],
            "redirect_uri": acu.app.redirect_uri, "client_id": acu.app.client_id,
            "client_secret": acu.app.client_secret}  # fmt: skip
    tokens = requests.post(acu.token_url, data=form, timeout=10)
    assert tokens.status_code == 200 and tokens.json()["refresh_token"]
    assert requests.post(acu.token_url, data=form, timeout=10).json()["error"] == "invalid_grant"
    bearer = {"Authorization": f"Bearer {tokens.json()['access_token']}"}
    assert customers(acu, **bearer).status_code == 200


def test_discovery_document_names_the_endpoints(acu):
    found = requests.get(f"{acu.url}/identity/.well-known/openid-configuration", timeout=10).json()
    assert found["token_endpoint"] == acu.token_url
    assert found["authorization_endpoint"].endswith("/identity/connect/authorize")
    assert "client_credentials" not in found["grant_types_supported"]


def test_cookie_login_and_logout(acu):
    client = cookie_client(acu)
    assert {".ASPXAUTH", "ASP.NET_SessionId"} <= set(client.cookies.keys())
    assert client.get(f"{acu.entity}/Customer", timeout=10).status_code == 200
    assert client.post(f"{acu.url}/entity/auth/logout", timeout=10).status_code == 204
    after = requests.get(f"{acu.entity}/Customer", cookies={".ASPXAUTH": "x"}, timeout=10)
    assert after.status_code == 401
    # `company` for `tenant` is taken too (acumatica-mcp sends it).
    other = requests.post(f"{acu.url}/entity/auth/login", json={
        "name": USERNAME, "password": PASSWORD, "company": "Company"}, timeout=10)  # fmt: skip
    assert other.status_code == 204
    wrong = requests.post(f"{acu.url}/entity/auth/login", json={
        "name": USERNAME, "password": "nope", "tenant": "Company"}, timeout=10)  # fmt: skip
    assert wrong.status_code == 500 and "Invalid credentials" in wrong.json()["exceptionMessage"]


def test_the_licence_api_user_limit_and_idle_sessions(live_server):
    acu = acumatica_create(live_server, api_users=2)
    cookie_client(acu)
    token = password_grant(acu).json()["access_token"]
    assert customers(acu, Authorization=f"Bearer {token}").status_code == 200  # session 2
    third = requests.post(f"{acu.url}/entity/auth/login", json={
        "name": USERNAME, "password": PASSWORD, "tenant": "Company"}, timeout=10)  # fmt: skip
    assert third.status_code == 429 and "API Login Limit" in third.text
    late = password_grant(acu).json()["access_token"]  # a grant is issued; its session is not
    refused = customers(acu, Authorization=f"Bearer {late}")
    assert refused.status_code == 429 and "API Login Limit" in refused.text
    assert customers(acu, Authorization=f"Bearer {token}").status_code == 200  # its own session
    # Ten idle minutes close a session, which frees its place.
    AcuSession.objects.filter(instance=acu.instance).update(
        last_seen=timezone.now() - timedelta(minutes=10, seconds=1)
    )
    assert customers(acu, Authorization=f"Bearer {late}").status_code == 200
    services.licence_set(acu.instance, api_users=1)
    assert customers(acu, Authorization=f"Bearer {late}").status_code == 200  # still its own
