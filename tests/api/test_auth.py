"""Who gets in: API tokens (shown once, stored hashed, revocable) and the admin session; owners and
admins write, viewers read."""

import hashlib

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tenants.api_tokens import api_token_revoke
from tenants.models import ApiToken, Membership, Role
from tests.api.conftest import token_client

CONNECTIONS = "/api/v1/connections/"


def error_code(response) -> str:
    return response.json()["error"]["code"]


@pytest.mark.django_db
def test_no_credentials_or_a_bad_token_is_401_with_a_bearer_challenge(connection):
    response = APIClient().get(CONNECTIONS)
    assert response.status_code == 401 and error_code(response) == "not_authenticated"
    assert response["WWW-Authenticate"].startswith("Bearer")
    for value in ("mlc_not-a-real-token", "garbage", "two words"):
        response = token_client(value).get(CONNECTIONS)
        assert response.status_code == 401 and error_code(response) == "authentication_failed"


@pytest.mark.django_db
def test_a_token_is_stored_as_a_hash_and_stops_working_when_revoked(owner_token, tenant):
    token = ApiToken.objects.get(tenant=tenant, name="ci")
    assert token.key_hash == hashlib.sha256(owner_token.encode()).hexdigest()
    assert owner_token.startswith(token.key_prefix) and len(token.key_prefix) < 16
    assert owner_token not in str(ApiToken.objects.filter(pk=token.pk).values().get())
    assert token_client(owner_token).get(CONNECTIONS).status_code == 200
    assert ApiToken.objects.get(pk=token.pk).last_used_at is not None
    api_token_revoke(token=token)
    response = token_client(owner_token).get(CONNECTIONS)
    assert response.status_code == 401 and error_code(response) == "authentication_failed"


@pytest.mark.django_db
def test_viewers_read_but_cannot_write(viewer_api, connection, rows):
    assert viewer_api.get(CONNECTIONS).status_code == 200
    assert viewer_api.get(f"/api/v1/jobs/{rows['job'].pk}/").status_code == 200
    writes = [
        ("post", f"{CONNECTIONS}{connection.pk}/pause/"),
        ("post", f"{CONNECTIONS}{connection.pk}/activate/"),
        ("patch", f"{CONNECTIONS}{connection.pk}/"),
        ("post", CONNECTIONS),
        ("post", f"/api/v1/jobs/{rows['job'].pk}/replay/"),
        ("post", "/api/v1/jobs/bulk-replay/"),
        ("post", f"/api/v1/events/{rows['event'].pk}/redispatch/"),
    ]
    for method, url in writes:
        response = getattr(viewer_api, method)(url, {}, format="json")
        assert response.status_code == 403, f"{method} {url}"
        assert error_code(response) == "permission_denied"
    connection.refresh_from_db()
    rows["job"].refresh_from_db()
    assert connection.status == "draft" and rows["job"].state == "failed"
    # Test connection changes nothing: viewers may run it, as in the admin.
    assert viewer_api.post(f"{CONNECTIONS}{connection.pk}/test/").status_code == 200


@pytest.mark.django_db
def test_the_admin_session_works_for_the_browsable_api_with_csrf(owner, connection):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(owner)
    assert client.get(CONNECTIONS).json()["results"][0]["id"] == str(connection.pk)
    page = client.get(CONNECTIONS, HTTP_ACCEPT="text/html")
    assert page.status_code == 200 and b"Acme store" in page.content
    refused = client.post(f"{CONNECTIONS}{connection.pk}/pause/")
    assert refused.status_code == 403 and "CSRF" in refused.json()["error"]["message"]


@pytest.mark.django_db
def test_a_person_in_two_tenants_names_the_tenant_to_create_in(owner, other_tenant, tenant):
    Membership.objects.create(user=owner, tenant=other_tenant, role=Role.ADMIN)
    client = APIClient()
    client.force_login(owner)
    body = {
        "name": "Second", "store_hash": "second1", "bc_access_token": "bc-token-secret-2nd",
        "erp_kind": "myob", "erp_config": {},
    }  # fmt: skip
    response = client.post(CONNECTIONS, body, format="json")
    assert response.status_code == 400 and "tenant" in response.json()["error"]["details"]
    response = client.post(CONNECTIONS, {**body, "tenant": other_tenant.slug}, format="json")
    assert response.status_code == 201 and response.json()["tenant"] == other_tenant.slug
    # Both tenants' rows are listed, and the tenant filter narrows them.
    listed = client.get(CONNECTIONS, {"tenant": tenant.slug}).json()["results"]
    assert {row["tenant"] for row in listed} <= {tenant.slug}


@pytest.mark.django_db
def test_the_admin_shows_a_new_token_once_and_revokes_it(client, owner, tenant):
    client.force_login(owner)
    add = reverse("admin:tenants_apitoken_add")
    response = client.post(add, {"tenant": tenant.pk, "name": "Reporting", "role": "viewer"})
    assert response.status_code == 200 and response["Cache-Control"].startswith("max-age=0")
    html = response.content.decode()
    token = ApiToken.objects.get(name="Reporting")
    value = html.split('id="api-token-value"')[1].split(">", 1)[1].split("<", 1)[0].strip()
    assert value.startswith(token.key_prefix) and token.created_by == owner
    assert token_client(value).get(CONNECTIONS).status_code == 200
    # Never again: not in the list, not on the token's page.
    for url in (
        reverse("admin:tenants_apitoken_changelist"),
        reverse("admin:tenants_apitoken_change", args=[token.pk]),
    ):
        page = client.get(url)
        assert page.status_code == 200 and value not in page.content.decode()
    client.post(
        reverse("admin:tenants_apitoken_changelist"),
        {"action": "revoke_selected", "_selected_action": [token.pk]},
    )
    assert token_client(value).get(CONNECTIONS).status_code == 401


@pytest.mark.django_db
def test_viewers_cannot_make_tokens_in_the_admin(client, member, tenant):
    client.force_login(member)
    response = client.post(
        reverse("admin:tenants_apitoken_add"), {"tenant": tenant.pk, "name": "x", "role": "admin"}
    )
    assert response.status_code == 403 and not ApiToken.objects.exists()
