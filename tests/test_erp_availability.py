"""An ERP whose connector is not installed is shown as unavailable in the chooser (not a link), a
connection to it is not saved, and one that exists already says so and is never activated:
nothing could be sent to it. One rule, in the registry and the activation service,
holds for the admin's button as for the REST API. Every ERP has its connector now: the tests take
SYSPRO's away (tests/support/unavailable_erp.py)."""

from pathlib import Path

import pytest
from django.urls import reverse

from connectors.registry import ERP_KINDS, connector_class_for
from sync.models import BulkRun
from tenants import services
from tenants.models import Connection, ConnectionStatus
from tests.factories import ConnectionFactory
from tests.support import browser
from tests.support.unavailable_erp import KIND as UNAVAILABLE
from tests.support.unavailable_erp import unavailable_kind  # noqa: F401 - a fixture

CONNECTORS = Path(__file__).resolve().parents[1] / "connectors"


@pytest.mark.usefixtures("unavailable_kind")
def test_a_kind_is_available_exactly_when_its_connector_has_landed():
    for kind, spec in ERP_KINDS.items():
        assert spec.available == (connector_class_for(kind) is not None), kind
    assert [kind for kind, spec in ERP_KINDS.items() if not spec.available] == [UNAVAILABLE]
    # Every ERP package has its connector (connector.py) and names it in its spec.
    packages = {path.parent.name for path in CONNECTORS.glob("*/config.py")}
    assert {p for p in packages if (CONNECTORS / p / "connector.py").exists()} == packages


@pytest.mark.django_db
@pytest.mark.usefixtures("unavailable_kind")
def test_the_service_refuses_to_activate_an_erp_without_a_connector(tenant):
    kind = UNAVAILABLE
    connection = ConnectionFactory(tenant=tenant, erp_kind=kind)
    with pytest.raises(services.ActivationRefused) as refused:
        services.connection_activate(connection=connection, backfill_days=7)
    assert refused.value.message.startswith(
        f"{ERP_KINDS[kind].label} is not available on this installation"
    )
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.DRAFT and connection.webhook_health == {}
    assert not BulkRun.objects.exists()


@pytest.mark.django_db
@pytest.mark.usefixtures("unavailable_kind")
def test_the_activate_button_is_refused_with_the_reason_and_not_offered(client, owner, tenant):
    connection = ConnectionFactory(tenant=tenant, erp_kind=UNAVAILABLE, name="Acme to SYSPRO")
    client.force_login(owner)
    page = client.post(
        reverse("admin:tenants_connection_activate", args=[connection.pk]),
        {"backfill_days": "3"},
        follow=True,
    ).content.decode()
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.DRAFT and not BulkRun.objects.exists()
    assert "SYSPRO is not available on this installation" in page
    assert "orders will now sync" not in page
    # The connection page says so and has no Activate button; the chooser marks the kind.
    assert 'id="erp-unavailable"' in page and 'id="activate-connection"' not in page
    chooser = client.get(reverse("admin:tenants_connection_add")).content.decode()
    for kind, spec in ERP_KINDS.items():
        marked = f'data-kind="{kind}" data-available="{"yes" if spec.available else "no"}"'
        assert marked in chooser
    assert chooser.count("Not available on this installation") == 1
    assert f'href="?erp_kind={UNAVAILABLE}"' not in chooser  # not offered as a form to fill


@pytest.mark.django_db
@pytest.mark.usefixtures("unavailable_kind")
def test_the_form_refuses_to_save_a_connection_to_an_unavailable_erp(client, owner, tenant):
    from tests.test_admin_onboarding import add_url, form_data

    client.force_login(owner)
    response = client.post(add_url(UNAVAILABLE), form_data(tenant, UNAVAILABLE))
    assert response.status_code == 200
    assert "SYSPRO is not available on this installation" in response.content.decode()
    assert not Connection.objects.exists()


@pytest.mark.django_db
def test_a_connection_of_an_available_kind_keeps_its_activate_button(client, owner, connection):
    client.force_login(owner)
    url = reverse("admin:tenants_connection_change", args=[connection.pk])
    page = client.get(url).content.decode()
    assert 'id="activate-connection"' in page and 'id="erp-unavailable"' not in page


@pytest.mark.django_db
def test_follow_its_progress_opens_the_orders_backfill_not_the_customer_pull(
    client, owner, tenant, settings
):
    """An ERP that pulls the store's customers on activation starts that run too; the link after
    'Activate' with a backfill must open the orders backfill."""
    settings.DEMO_MODE = False  # the store address below is refused at once, no network wait
    kind = next(
        kind
        for kind in ERP_KINDS
        if getattr(connector_class_for(kind), "pull_customers_on_activate", False)
    )
    connection = ConnectionFactory(tenant=tenant, erp_kind=kind, bc_api_url="https://127.0.0.1:9")
    client.force_login(owner)
    page = client.post(
        reverse("admin:tenants_connection_activate", args=[connection.pk]),
        {"backfill_days": "3"},
        follow=True,
    ).content.decode()
    orders = BulkRun.objects.get(connection=connection, params__days=3)
    customers = BulkRun.objects.get(connection=connection, params__what="customers")
    assert reverse("admin:sync_bulkrun_change", args=[orders.pk]) in page
    assert reverse("admin:sync_bulkrun_change", args=[customers.pk]) not in page


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("unavailable_kind")
def test_the_erp_chooser_and_a_draft_show_what_is_not_available(
    live_server, browser_page, owner, tenant
):
    page = browser_page
    draft = ConnectionFactory(tenant=tenant, erp_kind=UNAVAILABLE, name="Acme to SYSPRO")
    browser.sign_in(page, live_server, owner)
    page.goto(live_server.url + reverse("admin:tenants_connection_add"))
    browser.assert_inside_admin(page)
    badges = page.locator(".erp-unavailable")
    assert badges.count() == 1
    for index in range(badges.count()):
        browser.assert_visible_button(page, f".erp-unavailable >> nth={index}")
    browser.screenshots(page, "erp-chooser")
    page.goto(live_server.url + reverse("admin:tenants_connection_change", args=[draft.pk]))
    assert "not available on this installation" in page.locator("#erp-unavailable").inner_text()
    assert page.locator("#activate-connection").count() == 0
    browser.assert_visible_button(page, "#test-connection")
    browser.screenshots(page, "connection-unavailable-erp")
