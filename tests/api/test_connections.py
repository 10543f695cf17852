"""Connections over the API: the admin form's validation, write-only secrets, pause/activate,
Test connection, webhook health and token status."""

import pytest
from django import forms

from connectors.registry import ERP_KINDS, config_form_for, connector_class_for
from sandbox.bigcommerce.services import store_create
from sync.models import BulkRun
from tenants.forms import BC_SECRET_FIELDS
from tenants.models import Connection
from tests.api.conftest import secret_values
from tests.factories import ConnectionFactory, InboundEventFactory

CONNECTIONS = "/api/v1/connections/"
ACUMATICA = {
    "instance_url": "https://acme.acumatica.com", "endpoint_version": "24.200.001",
    "tenant": "Acme", "branch": "HQ", "client_id": "0B4D@Acme",
    "client_secret": "cf-password-secret-api-1", "sign_in": "api_user", "username": "mlc-api",
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
    assert [r["id"] for r in body["runs"]] == [run.pk]
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


# Every write-only field: BigCommerce's, and each ERP kind's declared `secret_fields`.
SECRET_FIELDS = [("myob", name) for name in BC_SECRET_FIELDS] + [
    (kind, f"erp_config.{name}")
    for kind in ERP_KINDS
    for name in config_form_for(kind).secret_fields
]
# Looks like the fixtures' secrets, so the session's scan would also catch it in a log line.
MARKER = "cf-password-secret-bad-input-7"


def _with(body: dict, path: str, value) -> dict:
    body = {**body, "erp_config": dict(body.get("erp_config", {}))}
    if path.startswith("erp_config."):
        body["erp_config"][path.removeprefix("erp_config.")] = value
    else:
        body[path] = value
    return body


def _choice_field(kind: str) -> str | None:
    fields = config_form_for(kind).base_fields.items()
    return next((name for name, f in fields if isinstance(f, forms.ChoiceField)), None)


def bad_bodies(kind: str, field: str, create: bool) -> dict[str, dict]:
    """Requests that fail, each with MARKER sent in `field`."""
    base = {**NEW, "erp_kind": kind, "erp_config": {}} if create else {}
    bodies = {
        "not text": _with(base, field, [MARKER]),
        "an object": _with(base, field, {"value": MARKER}),
        "another field is wrong": _with({**base, "store_hash": "Not Valid!"}, field, MARKER),
        "a name too long": _with({**base, "name": "n" * 201}, field, MARKER),
    }
    if create:  # a choice error quotes what it was sent
        bodies["quoted as the erp kind"] = _with({**base, "erp_kind": MARKER}, field, MARKER)
    choice = _choice_field(kind)
    if choice:
        quoted = _with(base, f"erp_config.{choice}", MARKER)
        bodies["quoted by an erp choice"] = _with(quoted, field, MARKER)
    return bodies


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "field"), SECRET_FIELDS, ids=[f for _, f in SECRET_FIELDS])
def test_no_error_response_repeats_a_secret_sent_with_bad_input(owner_api, tenant, kind, field):
    existing = ConnectionFactory(tenant=tenant, erp_kind=kind)
    for create, url, method in (
        (True, CONNECTIONS, owner_api.post),
        (False, f"{CONNECTIONS}{existing.pk}/", owner_api.patch),
    ):
        for case, body in bad_bodies(kind, field, create).items():
            response = method(url, body, format="json")
            assert response.status_code == 400, f"{case}: {response.content}"
            assert response.json()["error"]["code"] == "invalid"
            assert MARKER not in response.content.decode(), f"{case} on {url} echoed the secret"
    assert Connection.objects.filter(tenant=tenant).count() == 1


@pytest.mark.django_db
def test_viewers_read_connections_and_change_none(viewer_api, connection):
    url = f"{CONNECTIONS}{connection.pk}/"
    for read in (CONNECTIONS, url, f"{url}webhook-health/", f"{url}token-status/"):
        assert viewer_api.get(read).status_code == 200, read
    before = Connection.objects.filter(pk=connection.pk).values().get()
    writes = [
        (viewer_api.post, CONNECTIONS, NEW),
        (viewer_api.put, url, {"name": "Taken", "store_hash": "taken1"}),
        (viewer_api.patch, url, {"name": "Taken"}),
        (viewer_api.post, f"{url}activate/", {"backfill_days": 3}),
        (viewer_api.post, f"{url}pause/", {}),
    ]
    for method, target, body in writes:
        response = method(target, body, format="json")
        assert response.status_code == 403, target
        assert response.json()["error"]["code"] == "permission_denied"
        assert_no_secret(response, SENT_SECRETS)
    assert Connection.objects.filter(pk=connection.pk).values().get() == before
    assert Connection.objects.count() == 1 and not BulkRun.objects.exists()
    # 'Test connection' reads only: viewers may run it, as in the admin.
    assert viewer_api.post(f"{url}test/").json()["results"][0]["system"] == "BigCommerce"


@pytest.mark.django_db
def test_activation_returns_every_run_it_started_and_names_the_backfill(owner_api, tenant):
    """An ERP that pulls the store's customers on activation starts a second run: the backfill
    field is still the orders backfill."""
    kind = next(
        kind
        for kind in ERP_KINDS
        if getattr(connector_class_for(kind), "pull_customers_on_activate", False)
    )
    connection = ConnectionFactory(tenant=tenant, erp_kind=kind, bc_api_url="https://127.0.0.1:9")
    url = f"{CONNECTIONS}{connection.pk}/activate/"
    body = owner_api.post(url, {"backfill_days": 3}, format="json").json()
    runs = {run.params.get("what", "orders"): run for run in BulkRun.objects.all()}
    assert set(runs) == {"orders", "customers"}
    assert body["backfill"]["id"] == runs["orders"].pk
    assert sorted(run["id"] for run in body["runs"]) == sorted(run.pk for run in runs.values())
    # Activating again starts no second customer pull, and without days no backfill.
    again = owner_api.post(url, {}, format="json").json()
    assert (again["backfill"], again["runs"]) == (None, [])
