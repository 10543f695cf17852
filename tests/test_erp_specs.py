"""Each ERP declares itself once, in connectors/<kind>/spec.py, and everything that knows of ERPs
is built from the installed apps' specs: the registry, the URLs, the beat schedule, the admin's
connection page, the redaction of secret headers and the settings read from the environment."""

import json
import uuid
from dataclasses import replace
from importlib import import_module
from importlib.util import find_spec
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils.module_loading import import_string

from audit import redaction
from audit.models import ApiCall
from config.periodic import Periodic
from config.schedule import periodic_tasks
from connectors import registry
from connectors.http import ApiClient, VendorRules
from connectors.spec import ErpLink
from tenants.models import Connection
from tests.factories import ConnectionFactory
from tests.support.fake_erp import KIND as FAKE_KIND
from tests.support.scripted_server import Answer, ScriptedServer
from tests.test_platform_settings import STRONG_KEY, django_in_subprocess, shown

CONNECTORS = Path(__file__).resolve().parents[1] / "connectors"
# The vendors the product offers, in the admin's order (another ERP may be installed among them).
PRODUCT_ERPS = {
    "myob": "MYOB Business (AccountRight)",
    "exact_online": "Exact Online",
    "acumatica": "Acumatica",
    "business_central": "Microsoft Dynamics 365 Business Central",
    "syspro": "SYSPRO",
}
# Each kind's settings that make every one of its links show.
CHOSEN = {
    "myob": {"business_id": "bid-1"},
    "exact_online": {"division": 7},
    "business_central": {"company_id": str(uuid.UUID(int=2))},
}
PK = uuid.UUID(int=1)


def installed_erp_packages() -> list[str]:
    """The ERP packages in INSTALLED_APPS, in its order."""
    return [
        app.removeprefix("connectors.")
        for app in settings.INSTALLED_APPS
        if app.startswith("connectors.") and (CONNECTORS / app.split(".")[1] / "config.py").exists()
    ]


def test_every_erp_package_is_installed_and_has_its_spec():
    # A package with a settings form (config.py) is an ERP; bigcommerce is the store, not an ERP.
    packages = {path.parent.name for path in CONNECTORS.glob("*/config.py")}
    assert set(PRODUCT_ERPS) <= packages
    installed = {c.name.removeprefix("connectors.") for c in apps.get_app_configs()}
    assert packages <= installed
    assert set(registry.ERP_KINDS) - {FAKE_KIND} == packages
    for kind, spec in registry.ERP_KINDS.items():
        assert spec.kind == kind
        assert registry.config_form_for(kind) is import_string(spec.config_form)


def test_the_registry_is_built_from_the_specs_in_installed_apps_order():
    # Every installed ERP is offered, in INSTALLED_APPS order; the product's vendors among them.
    assert [kind for kind, _label in registry.ERP_CHOICES] == installed_erp_packages()
    assert [choice for choice in registry.ERP_CHOICES if choice[0] in PRODUCT_ERPS] == list(
        PRODUCT_ERPS.items()
    )
    assert list(Connection._meta.get_field("erp_kind").choices) == registry.ERP_CHOICES
    oauth = {kind: f"connectors.{kind}.auth.token_manager" for kind in ("myob", "exact_online")}
    assert oauth.items() <= registry.TOKEN_MANAGERS.items()
    assert {
        kind: spec.oauth_manager for kind, spec in registry.ERP_KINDS.items() if spec.oauth_manager
    } == registry.TOKEN_MANAGERS
    for kind, spec in registry.ERP_KINDS.items():
        found = registry.connector_class_for(kind)
        assert found is (import_string(spec.connector) if spec.connector else None), kind
    with pytest.raises(LookupError, match="Unknown ERP kind 'nope'"):
        registry.erp_kind("nope")


@pytest.mark.django_db
def test_installing_an_erp_needs_no_migration(monkeypatch):
    monkeypatch.setattr(registry, "ERP_CHOICES", [*registry.ERP_CHOICES, ("epicor", "Epicor")])
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out)
    except SystemExit:
        pytest.fail(f"a new ERP asked for a migration:\n{out.getvalue()}")
    assert ("epicor", "Epicor") in Connection._meta.get_field("erp_kind").choices


def test_each_erps_pages_are_mounted_at_its_kind_under_its_namespace():
    for kind, spec in registry.ERP_KINDS.items():
        for link in spec.links:
            assert link.url_name.startswith(f"{kind}:")
            assert reverse(link.url_name, args=[PK]).startswith(f"/{kind}/")
    assert reverse("exact_online:connect-callback") == "/exact_online/connect/callback/"
    assert reverse("myob:connect-callback") == "/myob/connect/callback/"


def test_exacts_old_addresses_redirect_with_their_query_string(client):
    """The redirect URI registered with Exact names /exact/connect/callback/."""
    moved = client.get("/exact/connect/callback/?code=a-code&state=a-state")
    assert moved.status_code == 302
    assert moved["Location"] == "/exact_online/connect/callback/?code=a-code&state=a-state"
    page = client.get(f"/exact/connect/{PK}/")
    assert page["Location"] == reverse("exact_online:connect", args=[PK])


def test_each_sandbox_system_is_served_at_its_package_name():
    mounted = {str(pattern.pattern) for pattern in import_string("sandbox.urls.urlpatterns")}
    systems = [c.name for c in apps.get_app_configs() if c.name.startswith("sandbox.")]
    assert "sandbox.myob" in systems
    # A system may name other addresses of its own too (MOUNTS in its urls module).
    extra = {
        f"{prefix}/"
        for name in systems
        if find_spec(f"{name}.urls") is not None
        for prefix in getattr(import_module(f"{name}.urls"), "MOUNTS", {})
    }
    assert mounted == {f"{name.removeprefix('sandbox.')}/" for name in systems} | extra
    assert {"entra/", "bc/"} <= extra  # Business Central's Entra ID stand-in and its API


def test_the_beat_schedule_has_every_specs_periodic_tasks(monkeypatch):
    scheduled = periodic_tasks()
    for spec in registry.ERP_KINDS.values():
        for task in spec.periodic_tasks:
            assert task in scheduled
    # A task a spec declares is scheduled, with nothing else to edit.
    extra = Periodic("Poll syspro", "connectors.syspro.tasks.poll", every_seconds=60)
    syspro = registry.ERP_KINDS["syspro"]
    monkeypatch.setitem(registry.ERP_KINDS, "syspro", replace(syspro, periodic_tasks=(extra,)))
    assert extra in periodic_tasks()


def connection_page(client, connection) -> str:
    response = client.get(reverse("admin:tenants_connection_change", args=[connection.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_each_kinds_links_show_on_its_connection_pages_only(client, owner, tenant):
    client.force_login(owner)
    pages = {
        kind: connection_page(
            client,
            ConnectionFactory(tenant=tenant, erp_kind=kind, erp_settings=CHOSEN.get(kind, {})),
        )
        for kind in registry.ERP_KINDS
    }
    for kind, spec in registry.ERP_KINDS.items():
        for link in spec.links:
            for other, page in pages.items():
                assert (f'id="{link.css_id}"' in page) == (other == kind), (link, other)
    assert "Division 7" in pages["exact_online"]  # a label may name the chosen setting


@pytest.mark.django_db
def test_a_link_that_needs_a_setting_shows_once_it_is_chosen(client, owner, tenant):
    client.force_login(owner)
    draft = ConnectionFactory(tenant=tenant, erp_kind="exact_online", erp_settings={})
    page = connection_page(client, draft)
    assert 'id="connect-exact"' in page and 'id="exact-division"' not in page
    draft.erp_settings = {"division": 7}
    draft.save()
    page = connection_page(client, draft)
    assert 'id="exact-division"' in page
    assert reverse("exact_online:picker", args=[draft.pk]) in page


@pytest.mark.django_db
def test_a_link_added_to_a_spec_shows_on_that_kinds_page(client, owner, tenant, monkeypatch):
    added = ErpLink("Item catalogue", "myob:mappings", "myob-items")
    myob = registry.ERP_KINDS["myob"]
    monkeypatch.setitem(registry.ERP_KINDS, "myob", replace(myob, links=(*myob.links, added)))
    client.force_login(owner)
    mine = ConnectionFactory(tenant=tenant, erp_kind="myob")
    other = ConnectionFactory(tenant=tenant, erp_kind="exact_online", erp_settings={})
    assert 'id="myob-items"' in connection_page(client, mine)
    assert "Item catalogue" in connection_page(client, mine)
    assert 'id="myob-items"' not in connection_page(client, other)


@pytest.fixture
def server():
    with ScriptedServer() as srv:
        yield srv


@pytest.mark.django_db
def test_a_specs_secret_header_is_masked_in_the_api_call_log(server, connection, monkeypatch):
    declared = registry.ERP_KINDS["myob"].secret_headers
    assert "x-myobapi-cftoken" in declared
    syspro = registry.ERP_KINDS["syspro"]
    monkeypatch.setitem(
        registry.ERP_KINDS, "syspro", replace(syspro, secret_headers=("x-syspro-session",))
    )
    redaction._erp_secret_headers.cache_clear()
    try:
        server.answer(Answer(200, {"ok": True}))
        ApiClient(rules=VendorRules(system="myob"), base_url=server.url, connection=connection).get(
            "/things",
            operation="things.list",
            headers={"x-myobapi-cftoken": "cf-secret", "X-Syspro-Session": "s-secret", "A": "b"},
        )
    finally:
        monkeypatch.undo()
        redaction._erp_secret_headers.cache_clear()
    sent = ApiCall.objects.get().request_headers
    assert sent["x-myobapi-cftoken"] == redaction.MASK
    assert sent["X-Syspro-Session"] == redaction.MASK
    assert sent["A"] == "b"
    assert "secret" not in json.dumps(sent)


def test_settings_read_each_specs_environment_settings(tmp_path):
    names = [s.name for spec in registry.ERP_KINDS.values() for s in spec.env_settings]
    assert {"MYOB_CLIENT_ID", "EXACT_BASE_URL", "EXACT_RATE_WINDOW_SECONDS"} <= set(names)
    show = (
        "from django.conf import settings; import json\n"
        f"print(json.dumps({{n: getattr(settings, n) for n in {names!r}}}))"
    )
    base = {"VAR_DIR": str(tmp_path), "SECRET_KEY": STRONG_KEY, "SALT_KEY": "s"}
    plain = shown(django_in_subprocess(show, {**base, "EXACT_RATE_WINDOW_SECONDS": "2.5"}))
    assert plain["EXACT_RATE_WINDOW_SECONDS"] == 2.5
    assert plain["MYOB_OAUTH_URL"] == "https://secure.myob.com/oauth2"
    assert plain["EXACT_BASE_URL"] == "" and plain["MYOB_CLIENT_ID"] == ""
    demo = shown(
        django_in_subprocess(
            show, {**base, "DEMO_MODE": "true", "PUBLIC_BASE_URL": "http://demo.test"}
        )
    )
    # In demo mode each ERP defaults to its own sandbox, at /sandbox/<kind>.
    assert demo["MYOB_OAUTH_URL"] == "http://demo.test/sandbox/myob/oauth2"
    assert demo["MYOB_API_URL"] == "http://demo.test/sandbox/myob/accountright"
    assert demo["EXACT_BASE_URL"] == "http://demo.test/sandbox/exact_online"
    assert demo["MYOB_CLIENT_ID"] == "sandbox-myob-key"
    assert demo["EXACT_CLIENT_ID"] == "sandbox-exact-app"
    # The address Exact apps were registered with before the pages moved to /exact_online/.
    assert demo["EXACT_REDIRECT_URI"] == "http://demo.test/exact/connect/callback/"
    assert demo["MYOB_REDIRECT_URI"] == ""  # the callback's own address
