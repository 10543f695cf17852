"""Connections over the API: the admin form's validation, write-only secrets, pause/activate,
Test connection, webhook health and token status."""

import pytest

from audit.models import BulkRun
from sandbox.bigcommerce.services import store_create
from tenants.models import Connection
from tests.api.conftest import secret_values
from tests.factories import ConnectionFactory, InboundEventFactory

CONNECTIONS = "/api/v1/connections/"
ACUMATICA = {
    "instance_url": "https://acme.acumatica.com", "endpoint_version": "24.200.001",
    "tenant": "Acme", "branch": "HQ", "client_id": "0B4D@Acme",
    "client_secret": "cf-password-secret-api-1", "username": "mlc-api",
    "password": "cf-password-secret-api-2",
}  # fmt: skip
NEW = {
    "name": "Acme wholesale", "store_hash": "whole1", "bc_client_id": "cid",
    "bc_access_token": "bc-token-secret-api-new", "bc_client_secret": "bc-client-secret-api-new",
    "erp_kind": "acumatica", "erp_config": ACUMATICA, "sync_status_ids": [2, 10],
}  # fmt: skip
SENT_SECRETS = [
    NEW["bc_access_token"], NEW["bc_client_secret"], ACUMATICA["client_secret"],
    ACUMATICA["password"],
]  # fmt: skip


def assert_no_secret(response, secrets):
    text = response.content.decode()
    assert not [s for s in secrets if s in text]


@pytest.mark.django_db
def test_create_stores_secrets_encrypted_and_never_returns_them(owner_api, tenant):
    response = owner_api.post(CONNECTIONS, NEW, format="json")
    assert response.status_code == 201, response.content
    assert_no_secret(response, SENT_SECRETS)
    body = response.json()
    assert body["tenant"] == tenant.slug and body["status"] == "draft"
    assert body["erp_settings"]["instance_url"] == "https://acme.acumatica.com"
    assert "client_secret" not in body["erp_settings"]
    assert sorted(body["secrets_stored"]) == [
        "bc_access_token", "bc_client_secret", "erp_config.client_secret", "erp_config.password",
    ]  # fmt: skip
    stored = Connection.objects.get(pk=body["id"])
    assert stored.bc_access_token == NEW["bc_access_token"]
    assert stored.erp_secrets == {
        "client_secret": "cf-password-secret-api-1",
        "password": "cf-password-secret-api-2",
    }
    assert stored.sync_status_ids == [2, 10]
    assert_no_secret(owner_api.get(f"{CONNECTIONS}{stored.pk}/"), SENT_SECRETS)


@pytest.mark.django_db
def test_create_applies_the_erp_forms_validation_and_never_echoes_a_secret(owner_api):
    bad = {
        **NEW, "store_hash": "Not Valid!", "erp_kind": "acumatica",
        "erp_config": {**ACUMATICA, "instance_url": "not a url", "endpoint_version": "24",
                       "surprise": "x", "username": ""},
    }  # fmt: skip
    response = owner_api.post(CONNECTIONS, bad, format="json")
    assert response.status_code == 400
    details = response.json()["error"]["details"]
    assert response.json()["error"]["code"] == "invalid"
    assert set(details["erp_config"]) == {"surprise"}  # unknown keys are refused first
    del bad["erp_config"]["surprise"]
    response = owner_api.post(CONNECTIONS, bad, format="json")
    details = response.json()["error"]["details"]
    assert set(details) == {"store_hash", "erp_config"}
    assert set(details["erp_config"]) == {"instance_url", "endpoint_version", "username"}
    assert_no_secret(response, SENT_SECRETS)
    assert not Connection.objects.filter(store_hash="whole1").exists()


@pytest.mark.django_db
def test_a_secret_quoted_by_a_validator_is_masked(owner_api):
    # A choice error quotes its input; the same value sent as a secret must not come back.
    response = owner_api.post(
        CONNECTIONS,
        {**NEW, "erp_kind": NEW["bc_access_token"]},
        format="json",
    )
    assert response.status_code == 400 and "erp_kind" in response.json()["error"]["details"]
    assert NEW["bc_access_token"] not in response.content.decode()
    assert "[redacted]" in response.content.decode()


@pytest.mark.django_db
def test_update_changes_only_what_is_sent_and_keeps_secrets(owner_api, connection):
    before = Connection.objects.get(pk=connection.pk)
    url = f"{CONNECTIONS}{connection.pk}/"
    response = owner_api.patch(url, {"name": "Renamed", "bc_access_token": ""}, format="json")
    assert response.status_code == 200, response.content
    after = Connection.objects.get(pk=connection.pk)
    assert after.name == "Renamed"
    assert after.bc_access_token == before.bc_access_token
    assert after.erp_secrets == before.erp_secrets and after.store_hash == before.store_hash
    response = owner_api.patch(
        url, {"erp_config": {"company_file_password": "cf-password-secret-rotated"}}, format="json"
    )
    assert response.status_code == 200
    assert Connection.objects.get(pk=connection.pk).erp_secrets == {
        "company_file_password": "cf-password-secret-rotated"
    }
    assert_no_secret(response, ["cf-password-secret-rotated", *secret_values(before)])
    # PUT is a full update: name and store hash are required.
    response = owner_api.put(url, {"bc_client_id": "x"}, format="json")
    assert response.status_code == 400
    assert set(response.json()["error"]["details"]) == {"name", "store_hash"}


@pytest.mark.django_db
def test_pause_and_activate(owner_api, connection):
    url = f"{CONNECTIONS}{connection.pk}/"
    response = owner_api.post(f"{url}activate/", {"backfill_days": 7}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["connection"]["status"] == "active"
    # The store could not be reached (the SSRF guard refuses loopback): said, not hidden.
    assert "127.0.0.1" in body["webhook_health"]["error"]
    run = BulkRun.objects.get(connection=connection, kind="backfill")
    assert body["backfill"]["id"] == run.pk and body["backfill"]["url"] == f"/api/v1/runs/{run.pk}/"
    assert owner_api.get(body["backfill"]["url"]).json()["kind"] == "backfill"
    assert owner_api.post(f"{url}pause/").json()["status"] == "paused"
    too_far = owner_api.post(f"{url}activate/", {"backfill_days": 400}, format="json")
    assert too_far.status_code == 400 and "backfill_days" in too_far.json()["error"]["details"]


@pytest.mark.django_db
def test_test_connection_reports_each_side(owner_api, connection):
    response = owner_api.post(f"{CONNECTIONS}{connection.pk}/test/")
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is False
    # One result per side; the ERP side's wording is its connector's business.
    assert len(body["results"]) == 2 and body["results"][0]["system"] == "BigCommerce"
    for result in body["results"]:
        assert set(result) == {"system", "ok", "message", "hint"}
        assert result["ok"] is False and result["system"] and result["message"]
    assert "private, loopback or link-local" in body["results"][0]["message"]
    assert_no_secret(response, secret_values(connection))


@pytest.mark.django_db
def test_webhook_health_and_token_status(owner_api, connection):
    event = InboundEventFactory(connection=connection, scope="store/order/updated")
    health = owner_api.get(f"{CONNECTIONS}{connection.pk}/webhook-health/").json()
    assert health["checked_at"] is None and health["hooks"] == []
    assert health["webhook_url"].endswith(f"/webhooks/bigcommerce/{connection.pk}/")
    assert health["last_delivery"]["id"] == event.pk
    response = owner_api.get(f"{CONNECTIONS}{connection.pk}/token-status/")
    status = response.json()
    assert status["bigcommerce_token_stored"] is True
    assert [(t["system"], t["state"], t["has_refresh_token"]) for t in status["oauth"]] == [
        ("myob", "valid", True)
    ]
    assert_no_secret(response, secret_values(connection))


@pytest.mark.django_db(transaction=True)
def test_test_connection_reads_the_sandbox_store(live_server, owner_api, tenant, settings):
    settings.DEMO_MODE = True  # the sandbox is on loopback
    store = store_create("apicheck")
    connection = ConnectionFactory(
        tenant=tenant, store_hash="apicheck", bc_access_token=store.access_token,
        bc_api_url=f"{live_server.url}/sandbox/bigcommerce",
    )  # fmt: skip
    response = owner_api.post(f"{CONNECTIONS}{connection.pk}/test/")
    assert response.json()["results"][0] == {
        "system": "BigCommerce", "ok": True, "hint": "",
        "message": "Connected to the store 'Sandbox Outdoor Store'.",
    }  # fmt: skip
    assert_no_secret(response, secret_values(connection))
