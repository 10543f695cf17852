"""A person with different roles in two tenants — a viewer in Acme, the owner of Globex — gets
their Globex powers in Globex only: every admin action and every button (custom admin view or
ERP set-up page) leaves Acme's rows exactly as they were, and does its work on Globex's rows (so
the "nothing changed" is about the role, not a request that could never work). New actions and
buttons are swept without being listed here."""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import URLResolver, get_resolver, reverse

from tenants.models import Connection, Tenant
from tests.factories import ConnectionFactory
from tests.test_admin_isolation import FACTORIES, PLATFORM_APPS, changelist

SCOPED = sorted(
    (m for m in admin.site._registry if m in FACTORIES and m._meta.app_label not in PLATFORM_APPS),
    key=lambda m: m._meta.label,
)
# Buttons a viewer may press: they read and change nothing (as "Test connection" in the API).
VIEWER_BUTTONS = {"tenants_connection_test"}
# Pages a viewer may read (GET) whose buttons (every POST) are refused: the guided set-up.
VIEWER_PAGES = {"tenants_connection_setup"}
# Buttons a model admin adds for a row's connection (they take the connection's id): the
# catalog push's "Push catalog now" and its settings page, made on the first visit.
CONNECTION_BUTTONS = {"catalog_catalogpush_start", "catalog_catalogsettings_for"}
# The ERP set-up pages outside the admin, and the kind of connection each is for.
SETUP_PAGES = {
    "myob:connect": "myob", "myob:picker": "myob", "myob:mappings": "myob",
    "exact_online:connect": "exact_online", "exact_online:picker": "exact_online",
    "exact_online:mappings": "exact_online", "acumatica:connect": "acumatica",
    "acumatica:picker": "acumatica", "acumatica:mappings": "acumatica",
    "acumatica:push-settings": "acumatica", "business_central:picker": "business_central",
    "business_central:mappings": "business_central",
}  # fmt: skip
# Views under these URL namespaces have their own sweeps (tests/api/) or none of a tenant's rows.
NOT_SETUP = {"admin", "api", "sandbox"}
UNREACHABLE = "https://127.0.0.1:9"  # refused at once by the SSRF guard: no test leaves the host


@pytest.fixture(autouse=True)
def no_outside_calls(settings):
    settings.DEMO_MODE = False


def snapshot(tenant) -> dict:
    """Every row the admin shows for `tenant`, as stored: equal snapshots, nothing changed."""
    rows = {"Tenant": list(Tenant.objects.filter(pk=tenant.pk).values())}
    for model in SCOPED:
        if model is Tenant:
            continue
        path = admin.site._registry[model].tenant_path
        found = model.objects.filter(**{path: tenant}).order_by("pk").values()
        rows[model._meta.label] = list(found)
    return rows


def make_row(model, tenant):
    row = FACTORIES[model](tenant)
    Connection.objects.filter(tenant=tenant).update(bc_api_url=UNREACHABLE)
    return row


def offered_actions(model, user) -> list[str]:
    request = RequestFactory().get(changelist(model))
    request.user = user
    return list(admin.site._registry[model].get_actions(request))


def run_action(client, model, name, row):
    # `post` and `confirm` answer the confirmation pages (delete, replay) with "yes".
    data = {"action": name, "_selected_action": [row.pk], "post": "yes", "confirm": "yes"}
    return client.post(changelist(model), data)


@pytest.mark.django_db
@pytest.mark.parametrize("model", SCOPED, ids=lambda m: m._meta.label)
def test_no_action_changes_a_row_where_the_person_only_views(
    client, model, dana, tenant, other_tenant
):
    client.force_login(dana)
    for name in offered_actions(model, dana):
        acme_row, globex_row = make_row(model, tenant), make_row(model, other_tenant)
        before = snapshot(tenant)
        response = run_action(client, model, name, acme_row)
        assert response.status_code in (200, 302, 403), f"{name}: {response.status_code}"
        assert snapshot(tenant) == before, f"'{name}' changed Acme's rows for a viewer of Acme"

        before = snapshot(other_tenant)
        run_action(client, model, name, globex_row)
        assert snapshot(other_tenant) != before, f"'{name}' did nothing for Globex's owner"


@pytest.mark.django_db
def test_the_sweep_runs_the_actions_it_knows_of(dana):
    swept = {name for model in SCOPED for name in offered_actions(model, dana)}
    assert {"replay_selected", "redispatch", "revoke_selected", "delete_selected"} <= swept


@pytest.mark.django_db
def test_an_action_on_a_mixed_selection_says_what_it_left_alone(client, dana, tenant, other_tenant):
    from sync.models import BulkRun, SyncJob

    acme_job, globex_job = make_row(SyncJob, tenant), make_row(SyncJob, other_tenant)
    client.force_login(dana)
    response = client.post(
        changelist(SyncJob),
        {"action": "replay_selected", "_selected_action": [acme_job.pk, globex_job.pk],
         "confirm": "yes"},
        follow=True,
    )  # fmt: skip
    text = response.content.decode()
    assert "1 of the selected rows belong to a tenant where your role only allows reading" in text
    assert "Replaying 1 failed jobs" in text
    assert list(BulkRun.objects.values_list("tenant", flat=True)) == [other_tenant.pk]
    acme_job.refresh_from_db()
    assert acme_job.state == "failed"


def admin_buttons():
    """Every custom view a model admin adds for one row (its own URL name, an object id)."""
    standard = ("changelist", "add", "history", "delete", "change", "autocomplete")
    for model in SCOPED:
        model_admin = admin.site._registry[model]
        prefix = f"{model._meta.app_label}_{model._meta.model_name}_"
        for pattern in model_admin.get_urls():
            name = pattern.name
            if not name or name.removeprefix(prefix) in standard:
                continue  # unnamed: the admin's own redirects and catch-all
            if not pattern.pattern.regex.groupindex:
                continue
            yield model, name


BUTTONS = sorted(set(admin_buttons()), key=lambda b: b[1])


def button_arg(name, row):
    return row.connection_id if name in CONNECTION_BUTTONS else row.pk


def test_the_sweep_finds_the_buttons_it_knows_of():
    assert {"sync_syncjob_replay", "tenants_connection_activate", "tenants_connection_pause"} <= {
        name for _, name in BUTTONS
    }


@pytest.mark.django_db
@pytest.mark.parametrize("model,name", BUTTONS, ids=[name for _, name in BUTTONS])
def test_no_button_changes_a_row_where_the_person_only_views(
    client, model, name, dana, tenant, other_tenant
):
    acme_row, globex_row = make_row(model, tenant), make_row(model, other_tenant)
    client.force_login(dana)
    if name not in VIEWER_BUTTONS:
        before = snapshot(tenant)
        for method in ("post",) if name in VIEWER_PAGES else ("get", "post"):
            url = reverse(f"admin:{name}", args=[button_arg(name, acme_row)])
            response = getattr(client, method)(url)
            assert response.status_code in (403, 404, 405), f"{method.upper()} {name}"
        assert snapshot(tenant) == before, f"{name} changed Acme's rows for a viewer of Acme"
    response = client.post(reverse(f"admin:{name}", args=[button_arg(name, globex_row)]))
    assert response.status_code in (200, 302), f"{name} refused Globex's owner"


def setup_page_names() -> set[str]:
    """Named pages outside the admin and the API that take a connection id."""

    def walk(patterns, namespace=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, entry.namespace or namespace)
            elif namespace not in NOT_SETUP and "pk" in entry.pattern.regex.groupindex:
                yield f"{namespace}:{entry.name}" if namespace else entry.name

    return set(walk(get_resolver().url_patterns))


def test_every_page_taking_a_connection_is_swept():
    assert setup_page_names() == set(SETUP_PAGES)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(SETUP_PAGES))
def test_erp_set_up_pages_refuse_a_viewer_who_writes_elsewhere(client, name, dana, tenant):
    acme = ConnectionFactory(tenant=tenant, erp_kind=SETUP_PAGES[name], bc_api_url=UNREACHABLE)
    client.force_login(dana)
    url = reverse(name, args=[acme.pk])
    statuses = {method: getattr(client, method)(url).status_code for method in ("get", "post")}
    # 403, not 404: the page found the connection and refused the role (405: not its method).
    assert set(statuses.values()) <= {403, 405} and 403 in statuses.values(), statuses
