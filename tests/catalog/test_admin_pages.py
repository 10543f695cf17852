"""The catalog push's admin pages: who may start, confirm and cancel a push (the write role in
the connection's tenant), what each state says, and the settings form's warehouse lines."""

import pytest
from django.urls import reverse

from catalog.models import CatalogPush, CatalogSettings, PushState
from tests.catalog.admin_pushes import held_push, push_in, written_push


def _post(client, user, name, *args):
    client.force_login(user)
    return client.post(reverse(f"admin:{name}", args=args))


@pytest.mark.django_db
def test_a_viewer_and_an_outsider_can_neither_start_nor_decide(
    client, member, outsider, connection
):
    preview = push_in(connection, PushState.PREVIEW)
    for user in (member, outsider):
        assert _post(client, user, "catalog_catalogpush_start", connection.pk).status_code == 404
        for action in ("confirm", "cancel"):
            response = _post(client, user, f"catalog_catalogpush_{action}", preview.pk)
            assert response.status_code == 404
    preview.refresh_from_db()
    assert preview.state == PushState.PREVIEW
    assert CatalogPush.objects.count() == 1


@pytest.mark.django_db
def test_dana_who_owns_another_tenant_cannot_cancel_here(client, dana, connection):
    preview = push_in(connection, PushState.PREVIEW)
    assert _post(client, dana, "catalog_catalogpush_cancel", preview.pk).status_code == 404
    preview.refresh_from_db()
    assert preview.state == PushState.PREVIEW


@pytest.mark.django_db
def test_a_viewer_sees_the_preview_but_no_buttons(client, member, connection):
    preview = push_in(connection, PushState.PREVIEW)
    client.force_login(member)
    page = client.get(
        reverse("admin:catalog_catalogpush_change", args=[preview.pk])
    ).content.decode()
    assert "Preview: 2 changes, nothing written yet" in page and "TENT-2P" in page
    assert "Stock at location 1" in page and "stock@1" not in page
    assert "Not in the store" in page and "HAMMOCK-1" in page
    # Grouped by cause: 15 untracked SKUs are one line, the first 12 named.
    assert "Stock not tracked in the store (15)" in page and "BEANIE-11 and 3 more" in page
    assert 'id="push-confirm"' not in page
    assert "owner or admin role" in page


@pytest.mark.django_db
def test_the_owner_cancels_a_held_push_and_nothing_is_written(client, owner, connection):
    held = held_push(connection)
    client.force_login(owner)
    page = client.get(reverse("admin:catalog_catalogpush_change", args=[held.pk])).content.decode()
    assert "Stopped before writing" in page and "12 prices would move" in page
    assert 'id="push-confirm"' in page and "TENT-11" in page
    response = _post(client, owner, "catalog_catalogpush_cancel", held.pk)
    held.refresh_from_db()
    assert response.status_code == 302 and held.state == PushState.CANCELLED
    assert held.decided_by == owner and not held.batches.exists()
    # A decided push cannot be decided again: the page says why, nothing happens.
    response = _post(client, owner, "catalog_catalogpush_confirm", held.pk)
    follow = client.get(response["Location"]).content.decode()
    held.refresh_from_db()
    assert "only a preview or a held push can be confirmed" in follow
    assert held.state == PushState.CANCELLED and not held.batches.exists()


@pytest.mark.django_db
def test_the_owner_confirms_a_fresh_preview_and_it_goes_to_the_writer(client, owner, connection):
    preview = push_in(connection, PushState.PREVIEW)
    _post(client, owner, "catalog_catalogpush_confirm", preview.pk)
    preview.refresh_from_db()
    # Planned a moment ago, so it is written as previewed, not planned again.
    assert preview.state not in (PushState.PREVIEW, PushState.PLANNING)
    assert preview.decided_by == owner and not preview.dry_run


@pytest.mark.django_db
def test_a_finished_push_lists_its_failed_batch_with_the_reason_and_the_job(
    client, owner, connection
):
    push = written_push(connection, failed=1)
    client.force_login(owner)
    page = client.get(reverse("admin:catalog_catalogpush_change", args=[push.pk])).content.decode()
    assert "Done, but 1 of 3 batches failed" in page
    assert "price must be at least 0" in page
    assert "Inventory (location 1)" in page


@pytest.mark.django_db
def test_the_settings_page_is_made_for_the_owner_and_takes_warehouse_lines(
    client, owner, member, connection
):
    client.force_login(member)
    url = reverse("admin:catalog_catalogsettings_for", args=[connection.pk])
    assert client.get(url).status_code == 404
    assert not CatalogSettings.objects.exists()
    client.force_login(owner)
    response = client.get(url)
    settings = CatalogSettings.objects.get(connection=connection)
    change = reverse("admin:catalog_catalogsettings_change", args=[settings.pk])
    assert response["Location"] == change
    form = {
        "enabled": "on", "interval_minutes": "30", "push_price": "on", "push_stock": "on",
        "stock_buffer": "2", "guard_share": "10", "guard_change": "25",
        "location_lines": "MAIN = 1\n\nSHOP=2",
    }  # fmt: skip
    assert client.post(change, form).status_code == 302
    settings.refresh_from_db()
    assert settings.location_map == {"MAIN": 1, "SHOP": 2} and settings.fields() == [
        "price",
        "stock",
    ]
    page = client.post(change, form | {"location_lines": "MAIN: first"}).content.decode()
    assert "Line 1 (&#x27;MAIN: first&#x27;) is not" in page
    settings.refresh_from_db()
    assert settings.location_map == {"MAIN": 1, "SHOP": 2}
