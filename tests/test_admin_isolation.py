"""Every admin page, swept: an outsider never sees or touches another tenant's rows, viewers only
read, platform models are superuser-only. A newly registered admin without a factory here fails."""

import itertools

import pytest
from django.contrib import admin
from django.urls import reverse

from alerts.models import AlertChannel, Incident
from audit.models import ApiCall
from catalog.models import CatalogPush, CatalogSettings
from catalog.services import settings_for
from reconciliation.models import ReconciliationRun
from sync.models import BulkRun, OrderJob, SyncJob
from tenants.api_tokens import api_token_create
from tenants.invitations import invitation_create
from tenants.models import ApiToken, Connection, Invitation, Membership, Role, Tenant
from tests.factories import (
    ApiCallFactory,
    BulkRunFactory,
    ConnectionFactory,
    InboundEventFactory,
    MembershipFactory,
    SyncJobFactory,
    UserFactory,
)
from webhooks.models import InboundEvent

INVITEES = itertools.count()
# How to make one row owned by a tenant, for every tenant-scoped model in the admin.
FACTORIES = {
    Tenant: lambda tenant: tenant,
    Membership: lambda tenant: MembershipFactory(
        tenant=tenant, user=UserFactory(), role=Role.VIEWER
    ),
    Connection: lambda tenant: ConnectionFactory(tenant=tenant),
    ApiCall: lambda tenant: ApiCallFactory(connection=ConnectionFactory(tenant=tenant)),
    SyncJob: lambda tenant: SyncJobFactory(
        connection=ConnectionFactory(tenant=tenant), state="failed"
    ),
    OrderJob: lambda tenant: OrderJob.objects.get(
        pk=SyncJobFactory(connection=ConnectionFactory(tenant=tenant), state="failed").pk
    ),
    InboundEvent: lambda tenant: InboundEventFactory(connection=ConnectionFactory(tenant=tenant)),
    BulkRun: lambda tenant: BulkRunFactory(connection=ConnectionFactory(tenant=tenant)),
    ApiToken: lambda tenant: api_token_create(tenant=tenant, name="t", role=Role.VIEWER)[0],
    CatalogSettings: lambda tenant: settings_for(ConnectionFactory(tenant=tenant)),
    CatalogPush: lambda tenant: CatalogPush.objects.create(
        connection=ConnectionFactory(tenant=tenant),
        tenant=tenant,
        trigger="manual",
        state="preview",
        counts={"price": 1},
    ),
    ReconciliationRun: lambda tenant: ReconciliationRun.objects.create(
        tenant=tenant,
        connection=ConnectionFactory(tenant=tenant),
        period_start="2026-10-01",
        period_end="2026-10-31",
        state="done",
    ),
    Invitation: lambda tenant: invitation_create(
        tenant=tenant, email=f"invitee{next(INVITEES)}@example.test", role=Role.VIEWER
    ),
    AlertChannel: lambda tenant: AlertChannel.objects.create(
        tenant=tenant, name="Accounts", kind="email", email_addresses="accounts@example.test"
    ),
    Incident: lambda tenant: Incident.objects.create(
        tenant=tenant, rule="reconnect", subject="x", key="reconnect:x", title="Store needs it"
    ),
}
# Platform machinery: superusers only.
PLATFORM_APPS = {
    "auth",
    "django_celery_beat",
    "axes",
    "sandbox",
    "sandbox_bigcommerce",
    "sandbox_myob",
    "sandbox_exact_online",
    "sandbox_acumatica",
    "sandbox_business_central",
    "sandbox_syspro",
}

REGISTERED = sorted(admin.site._registry, key=lambda m: m._meta.label)


def test_every_registered_admin_is_covered_by_this_sweep():
    uncovered = [
        m._meta.label
        for m in REGISTERED
        if m not in FACTORIES and m._meta.app_label not in PLATFORM_APPS
    ]
    assert not uncovered, f"add a factory to FACTORIES for: {uncovered}"


def urls_for(obj):
    opts = obj._meta
    name = f"admin:{opts.app_label}_{opts.model_name}"
    return {
        "change": reverse(f"{name}_change", args=[obj.pk]),
        "history": reverse(f"{name}_history", args=[obj.pk]),
        "delete": reverse(f"{name}_delete", args=[obj.pk]),
    }


def changelist(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "model", [m for m in REGISTERED if m in FACTORIES], ids=lambda m: m._meta.label
)
def test_an_outsider_never_sees_or_changes_another_tenants_row(
    client, model, owner, tenant, outsider
):
    theirs = FACTORIES[model](tenant)
    client.force_login(outsider)
    listing = client.get(changelist(model))
    assert listing.status_code == 200
    html = listing.content.decode()
    for url in urls_for(theirs).values():
        assert url not in html
    assert tenant.name not in html  # not even in a filter sidebar
    for kind, url in urls_for(theirs).items():
        assert client.get(url).status_code in (403, 404), f"{kind} page of {model._meta.label}"
        assert client.post(url, {"post": "yes"}).status_code in (403, 404), f"POST {kind}"
    assert model.objects.filter(pk=theirs.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "model", [m for m in REGISTERED if m in FACTORIES], ids=lambda m: m._meta.label
)
def test_members_see_their_rows_and_viewers_cannot_change_them(
    client, model, owner, member, tenant
):
    ours = FACTORIES[model](tenant)
    urls = urls_for(ours)
    client.force_login(owner)
    assert urls["change"] in client.get(changelist(model)).content.decode()
    assert client.get(urls["change"]).status_code == 200
    client.force_login(member)  # a viewer
    assert client.get(urls["change"]).status_code == 200  # read-only view
    assert client.post(urls["delete"], {"post": "yes"}).status_code == 403
    assert model.objects.filter(pk=ours.pk).exists()
    opts = model._meta
    add = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
    assert client.get(add).status_code in (403, 404)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "model",
    [m for m in REGISTERED if m._meta.app_label in PLATFORM_APPS],
    ids=lambda m: m._meta.label,
)
def test_platform_admins_are_invisible_to_tenant_users(client, model, owner):
    client.force_login(owner)
    assert client.get(changelist(model)).status_code == 403
    index = client.get(reverse("admin:index")).content.decode()
    assert changelist(model) not in index


@pytest.mark.django_db
def test_superusers_see_every_tenant(client, tenant, other_tenant):
    ConnectionFactory(tenant=tenant, name="Ours")
    ConnectionFactory(tenant=other_tenant, name="Theirs")
    client.force_login(UserFactory(username="root@platform.test", is_superuser=True))
    html = client.get(changelist(Connection)).content.decode()
    assert "Ours" in html and "Theirs" in html


@pytest.mark.django_db
def test_add_forms_offer_only_the_users_own_tenants(client, owner, tenant, other_tenant):
    client.force_login(owner)
    html = client.get(reverse("admin:tenants_connection_add") + "?erp_kind=myob").content.decode()
    assert tenant.name in html and other_tenant.name not in html
    html = client.get(reverse("admin:tenants_invitation_add")).content.decode()
    assert tenant.name in html and other_tenant.name not in html
    assert "charlie@globex" not in html  # no user list to leak other tenants' people


@pytest.mark.django_db
def test_adding_a_membership_opens_the_invitation_form(client, owner, member):
    # Nobody is put in a tenant without saying yes: people join by accepting an invitation.
    client.force_login(owner)
    response = client.get(reverse("admin:tenants_membership_add"))
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:tenants_invitation_add")
    client.force_login(member)
    assert client.get(reverse("admin:tenants_membership_add")).status_code == 403


@pytest.mark.django_db
def test_connection_buttons_are_post_only_and_scoped(client, owner, member, outsider, connection):
    for name in ("test", "activate", "pause"):
        url = reverse(f"admin:tenants_connection_{name}", args=[connection.pk])
        client.force_login(outsider)
        assert client.post(url).status_code == 404
        client.force_login(owner)
        assert client.get(url).status_code == 405
    client.force_login(member)
    assert (
        client.post(reverse("admin:tenants_connection_pause", args=[connection.pk])).status_code
        == 404
    )
    connection.refresh_from_db()
    assert connection.status == "draft"
