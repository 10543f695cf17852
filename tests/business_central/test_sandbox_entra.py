"""The Entra ID stand-in as msal and a plain client see it: the discovery document with
Microsoft's URLs, client-credentials tokens living 60-90 minutes, Entra's refusals, every call
recorded."""

import msal
import requests

from sandbox.business_central.entra import BC_SCOPE
from sandbox.models import TokenRequest
from tests.support.bc_sandbox import EntraRouting, token_call


def test_msal_gets_a_token_through_the_discovery_document(bc):
    client = EntraRouting(bc.entra_url)
    app = msal.ConfidentialClientApplication(
        bc.app.client_id, client_credential=bc.app.client_secret,
        authority=f"https://login.microsoftonline.com/{bc.tenant.entra_id}", http_client=client,
    )  # fmt: skip
    result = app.acquire_token_for_client(scopes=[BC_SCOPE])
    assert result["token_type"] == "Bearer" and result["access_token"].startswith("sbx-bc-at-")
    assert 3600 <= result["expires_in"] <= 5400
    again = app.acquire_token_for_client(scopes=[BC_SCOPE])
    assert again["access_token"] == result["access_token"]  # msal's cache, no second call
    calls = TokenRequest.objects.filter(vendor="business_central", client_id=bc.app.client_id)
    assert [(c.grant_type, c.status_code) for c in calls] == [("client_credentials", 200)]
    wrong = msal.ConfidentialClientApplication(
        bc.app.client_id, client_credential="not-the-secret",
        authority=f"https://login.microsoftonline.com/{bc.tenant.entra_id}", http_client=client,
    ).acquire_token_for_client(scopes=[BC_SCOPE])  # fmt: skip
    assert wrong["error"] == "invalid_client" and 7000215 in wrong["error_codes"]
    client.close()


def test_discovery_names_microsofts_urls(bc):
    answer = requests.get(
        f"{bc.entra_url}/{bc.tenant.entra_id}/v2.0/.well-known/openid-configuration", timeout=10
    )
    doc = answer.json()
    tenant = bc.tenant.entra_id
    assert doc["token_endpoint"] == f"https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token"
    assert doc["issuer"] == f"https://login.microsoftonline.com/{tenant}/v2.0"
    by_domain = requests.get(
        f"{bc.entra_url}/{bc.tenant.name}/v2.0/.well-known/openid-configuration", timeout=10
    )
    assert by_domain.json()["issuer"] == doc["issuer"]


def test_tokens_live_a_random_60_to_90_minutes(bc):
    lifetimes = {token_call(bc).json()["expires_in"] for _ in range(6)}
    assert all(3600 <= value <= 5400 for value in lifetimes) and len(lifetimes) > 1
    body = token_call(bc).json()
    assert body["token_type"] == "Bearer" and body["ext_expires_in"] == body["expires_in"]


def _refusal(answer, status, error, code):
    body = answer.json()
    assert answer.status_code == status, body
    assert body["error"] == error and body["error_codes"] == [code]
    assert body["error_description"].startswith(f"AADSTS{code}: ")
    assert {"timestamp", "trace_id", "correlation_id"} <= set(body)
    return body


def test_entra_refusals(bc, live_server):
    wrong_secret = _refusal(token_call(bc, client_secret="x"), 401, "invalid_client", 7000215)
    assert "Invalid client secret provided" in wrong_secret["error_description"]
    unknown = _refusal(token_call(bc, client_id="00000000-1111-2222-3333-444444444444"),
                       400, "unauthorized_client", 700016)  # fmt: skip
    assert "was not found in the directory" in unknown["error_description"]
    _refusal(token_call(bc, scope="https://graph.microsoft.com/.default"),
             400, "invalid_scope", 70011)  # fmt: skip
    _refusal(token_call(bc, grant_type="password"), 400, "unsupported_grant_type", 70003)
    no_tenant = requests.post(
        f"{bc.entra_url}/11111111-2222-3333-4444-555555555555/oauth2/v2.0/token",
        data={"grant_type": "client_credentials", "client_id": bc.app.client_id,
              "client_secret": bc.app.client_secret, "scope": BC_SCOPE}, timeout=10,
    )  # fmt: skip
    _refusal(no_tenant, 400, "invalid_request", 90002)
    statuses = list(TokenRequest.objects.filter(vendor="business_central")
                    .values_list("status_code", flat=True))  # fmt: skip
    assert sorted(statuses) == [400, 400, 400, 400, 401]  # the unknown tenant's call: none
