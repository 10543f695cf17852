"""A transactional test leaves nothing behind for the next one (tests/support/db_reset.py empties
the tables it wrote to instead of Django's flush) and the rows migrate made stay as migrate made
them. The same test runs twice in a row, on both backends: each first checks that the other left
nothing, then leaves rows of its own, changed migrated rows included."""

import pytest
from django.contrib.auth.models import Permission, User
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from tenants.models import Tenant
from tests.factories import ConnectionFactory, TenantFactory

pytestmark = pytest.mark.embedded


def migrated_rows():
    return (
        sorted(ContentType.objects.values_list("pk", "app_label", "model")),
        sorted(Permission.objects.values_list("pk", "codename", "content_type_id")),
    )


@pytest.mark.parametrize("turn", [1, 2])
def test_a_transactional_test_sees_no_row_of_the_one_before(transactional_db, turn):
    assert not Tenant.objects.exists(), "a tenant written by an earlier test is still there"
    assert not User.objects.exists(), "a user written by an earlier test is still there"
    with connection.cursor() as cursor:  # a row written behind the ORM's back, as a worker does
        cursor.execute("SELECT COUNT(*) FROM django_session")
        assert cursor.fetchone()[0] == 0, "a session row written by an earlier test is still there"
    content_types, permissions = migrated_rows()
    assert ("tenants", "tenant") in [row[1:] for row in content_types]
    assert ("view_tenant", ContentType.objects.get_for_model(Tenant).pk) in [
        row[1:] for row in permissions
    ], "a permission migrate made was not put back"
    assert all(model != "renamed" for _, _, model in content_types), "a changed row stayed"

    ConnectionFactory(tenant=TenantFactory(slug=f"leak-{turn}"))
    User.objects.create(username=f"leak-{turn}@acme.test")
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO django_session (session_key, session_data, expire_date) "
            "VALUES (%s, %s, %s)",
            [f"leak{turn}", "x", "2999-01-01 00:00:00"],
        )
    Permission.objects.filter(codename="view_tenant").delete()
    ContentType.objects.filter(app_label="tenants", model="connection").update(model="renamed")
    ContentType.objects.clear_cache()
