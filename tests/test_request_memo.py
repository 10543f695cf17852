"""One membership query per request, however many times a page asks which tenants a person is in;
and a membership the request itself changes is seen at once."""

import pytest
from django.db import connection as db
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tenants.models import Membership, Role
from tenants.request_memo import TenantMemoMiddleware
from tenants.selectors import tenant_ids_for


@pytest.mark.embedded
@pytest.mark.django_db
def test_a_page_asks_for_the_memberships_once_per_set_of_roles(client, owner, connection):
    client.force_login(owner)
    client.get(reverse("admin:index"))
    with CaptureQueriesContext(db) as queries:
        assert client.get(reverse("admin:index")).status_code == 200
    asked = [q["sql"] for q in queries if 'FROM "tenants_membership"' in q["sql"]]
    assert 1 <= len(asked) <= 4, asked  # all roles, write roles, owners: once each


@pytest.mark.embedded
@pytest.mark.django_db
def test_a_membership_changed_during_the_request_is_seen(owner, other_tenant):
    seen = []

    def view(request):
        seen.append(tenant_ids_for(owner))
        seen.append(tenant_ids_for(owner))  # kept: no second query
        Membership.objects.create(user=owner, tenant=other_tenant, role=Role.VIEWER)
        seen.append(tenant_ids_for(owner))
        return None

    TenantMemoMiddleware(view)(object())
    assert len(seen[0]) == 1 and seen[1] == seen[0]
    assert sorted(seen[2]) == sorted([*seen[0], other_tenant.pk])
    # Outside a request nothing is kept.
    Membership.objects.filter(user=owner, tenant=other_tenant).delete()
    assert tenant_ids_for(owner) == seen[0]
