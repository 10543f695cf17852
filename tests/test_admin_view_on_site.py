"""Django's "view on site" redirect (/admin/r/<content type>/<id>/) looked rows up by id outside
every tenant's scope: it is not mounted, and its paths answer like any unknown admin address."""

import uuid

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import NoReverseMatch, reverse

from tenants.models import Connection


def test_the_redirect_is_not_mounted():
    with pytest.raises(NoReverseMatch):
        reverse("admin:view_on_site", args=[1, 1])


@pytest.mark.django_db
def test_another_tenants_row_a_missing_one_and_a_malformed_id_look_the_same(
    client, settings, outsider, connection
):
    settings.DEBUG = True  # the debug pages are where the difference showed
    client.raise_request_exception = False
    client.force_login(outsider)
    content_type = ContentType.objects.get_for_model(Connection).pk
    pages = {}
    for object_id in (connection.pk, uuid.uuid4(), "not-a-uuid"):
        path = f"/admin/r/{content_type}/{object_id}/"
        response = client.get(path)
        assert response.status_code == 404, f"{object_id}: {response.status_code}"
        pages[object_id] = response.content.decode().replace(str(object_id), "<id>")
        assert connection.name not in pages[object_id]
    assert len(set(pages.values())) == 1
