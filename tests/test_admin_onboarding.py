"""The guided connection form onboards each of the five ERP kinds; secrets are write-only."""

import re

import pytest
from django.urls import reverse

from connectors.registry import ERP_KINDS, config_form_for
from tenants.models import Connection

BIGCOMMERCE = {
    "name": "Acme web store",
    "store_hash": "abc123",
    "bc_client_id": "client-xyz",
    "bc_access_token": "bc-token-secret-onboard",
    "bc_client_secret": "bc-client-secret-onboard",
    "bc_api_url": "https://api.bigcommerce.com",
    "poll_interval_minutes": "15",
    "sync_status_ids": ["2", "10", "11"],
}
# Valid settings per kind, secrets marked so the secret scan would catch a leak.
ERP_INPUT = {
    "myob": {"business_id": "", "company_file_username": "Administrator", "company_file_password": "cf-password-secret-1"},
    "exact_online": {"country": "nl", "division": ""},
    "acumatica": {
        "instance_url": "https://acme.acumatica.com", "endpoint_version": "24.200.001", "tenant": "Acme",
        "branch": "HQ", "client_id": "0B4D@Acme", "client_secret": "cf-password-secret-2",
        "username": "mlc-api", "password": "cf-password-secret-3",
    },
    "business_central": {
        "tenant_id": "6f3a1f5e-2f4e-4d1c-9c8e-1a2b3c4d5e6f", "environment": "Production", "company_id": "",
        "client_id": "0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9", "client_secret": "cf-password-secret-4",
    },
    "syspro": {
        "server_url": "https://syspro.acme.test:40001/SYSPROWCFService/Rest", "operator": "MLC",
        "operator_password": "cf-password-secret-5", "company_id": "EDU1", "company_password": "", "warehouse": "WH01",
    },
}  # fmt: skip


def add_url(kind=None):
    url = reverse("admin:tenants_connection_add")
    return f"{url}?erp_kind={kind}" if kind else url


def form_data(tenant, kind, **overrides):
    data = {**BIGCOMMERCE, "tenant": tenant.pk, "erp_kind": kind}
    data.update({f"erp_{k}": v for k, v in ERP_INPUT[kind].items()})
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_the_chooser_lists_every_erp(client, owner):
    client.force_login(owner)
    html = client.get(add_url()).content.decode()
    for kind, spec in ERP_KINDS.items():
        if kind in ERP_INPUT:
            assert f"?erp_kind={kind}" in html and spec.label in html


@pytest.mark.django_db
@pytest.mark.parametrize("kind", list(ERP_INPUT))
def test_each_erp_onboards_with_only_its_own_fields(client, owner, tenant, kind):
    client.force_login(owner)
    page = client.get(add_url(kind)).content.decode()
    own = set(config_form_for(kind).base_fields)
    others = {f for k in ERP_INPUT if k != kind for f in config_form_for(k).base_fields} - own
    for field in own:
        assert f'name="erp_{field}"' in page
    for field in others:
        assert f'name="erp_{field}"' not in page
    for field in config_form_for(kind).base_fields.values():
        assert str(field.help_text)[:30] in page  # where to find each value

    response = client.post(add_url(kind), form_data(tenant, kind))
    assert response.status_code == 302, response.content.decode()[:3000]
    connection = Connection.objects.get(name="Acme web store")
    secrets = config_form_for(kind).secret_fields
    assert connection.erp_kind == kind and connection.sync_status_ids == [2, 10, 11]
    assert connection.bc_access_token == "bc-token-secret-onboard"
    for key, value in ERP_INPUT[kind].items():
        stored = connection.erp_secrets if key in secrets else connection.erp_settings
        assert str(stored[key] if stored[key] is not None else "") == value

    # The change page never renders a secret back.
    change = client.get(
        reverse("admin:tenants_connection_change", args=[connection.pk])
    ).content.decode()
    assert "bc-token-secret-onboard" not in change and "bc-client-secret-onboard" not in change
    assert "cf-password-secret" not in change
    # Saving with blank secret fields keeps the stored ones.
    blanks = dict.fromkeys(("bc_access_token", "bc_client_secret"), "")
    blanks.update({f"erp_{s}": "" for s in secrets})
    response = client.post(
        reverse("admin:tenants_connection_change", args=[connection.pk]),
        form_data(tenant, kind, name="Renamed", **blanks),
    )
    assert response.status_code == 302
    connection.refresh_from_db()
    assert connection.name == "Renamed" and connection.bc_access_token == "bc-token-secret-onboard"
    for key in secrets:
        assert connection.erp_secrets[key] == ERP_INPUT[kind][key]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "overrides", "field", "message"),
    [
        ("myob", {"store_hash": "Not A Hash!"}, "store_hash", "store hash"),
        ("acumatica", {"erp_instance_url": ""}, "erp_instance_url", "required"),
        ("acumatica", {"erp_endpoint_version": "latest"}, "erp_endpoint_version", "valid"),
        ("business_central", {"erp_tenant_id": "not-a-uuid"}, "erp_tenant_id", "UUID"),
        ("syspro", {"erp_server_url": "not a url"}, "erp_server_url", "URL"),
        ("myob", {"bc_access_token": ""}, "bc_access_token", "required"),
        (
            "myob",
            {"sync_status_ids": ["99"]},
            "sync_status_ids",
            "99 is not a BigCommerce order status",
        ),
        ("myob", {"sync_status_ids": []}, "sync_status_ids", "Tick at least one status"),
    ],
)
def test_invalid_input_gives_a_clear_field_error_and_creates_nothing(
    client, owner, tenant, kind, overrides, field, message
):
    client.force_login(owner)
    response = client.post(add_url(kind), form_data(tenant, kind, **overrides))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert field in errors and message.lower() in " ".join(errors[field]).lower()
    assert not Connection.objects.exists()


@pytest.mark.django_db
def test_a_viewer_cannot_reach_the_add_form(client, member, tenant):
    client.force_login(member)
    assert client.get(add_url()).status_code in (403, 404)
    assert client.post(add_url("myob"), form_data(tenant, "myob")).status_code == 403
    assert not Connection.objects.exists()


@pytest.mark.django_db
def test_activate_and_pause_buttons(client, owner, connection, live_server, settings):
    """Activation registers the store's hooks; an unreachable store is reported, not hidden."""
    settings.PUBLIC_BASE_URL = live_server.url
    client.force_login(owner)
    client.post(reverse("admin:tenants_connection_activate", args=[connection.pk]))
    connection.refresh_from_db()
    assert connection.status == "active"
    assert connection.webhook_health["error"]  # the factory's store does not exist
    client.post(reverse("admin:tenants_connection_pause", args=[connection.pk]))
    connection.refresh_from_db()
    assert connection.status == "paused"


@pytest.mark.django_db
def test_a_new_connection_starts_with_the_safe_status_ticks(client, owner):
    """Never-paid, cancelled, declined and refunded orders start unticked; paid ones ticked."""
    client.force_login(owner)
    page = client.get(add_url("myob")).content.decode()
    ticked = {
        int(value)
        for value in re.findall(
            r'<input[^>]*name="sync_status_ids"[^>]*value="(\d+)"[^>]*\schecked>', page
        )
    }
    assert ticked and not ticked & {0, 4, 5, 6}
    assert {2, 10, 11} <= ticked
    assert "Awaiting Fulfillment (11)" in page
