"""The guided set-up page of a connection in the admin: shown after a new connection is saved and
linked from its page; its steps say done / to do / needs attention with the reason; only the
tenant's write role gets its buttons, another tenant's connection is not found. (Walked for every
ERP on its sandbox in tests/erp_contract/test_setup_walk.py; in a browser in
tests/test_setup_browser.py.)"""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from sync.models import BulkRun
from tenants.models import Connection, ConnectionStatus
from tenants.setup_checks import remember
from tests.test_admin_onboarding import add_url, form_data

pytestmark = pytest.mark.django_db
BUTTONS = ('id="setup-check"', 'id="setup-dry-run"', 'id="setup-activate"')


def setup_url(connection) -> str:
    return reverse("admin:tenants_connection_setup", args=[connection.pk])


def step_states(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-step="(\w+)" data-state="(\w+)"', html))


def test_saving_a_new_connection_opens_its_set_up_steps(client, owner, tenant):
    client.force_login(owner)
    response = client.post(add_url("myob"), {**form_data(tenant, "myob"), "_save": "Save"})
    connection = Connection.objects.get(name="Acme web store")
    assert response.status_code == 302 and response.url == setup_url(connection)
    change = reverse("admin:tenants_connection_change", args=[connection.pk])
    assert setup_url(connection) in client.get(change).content.decode()


def test_a_fresh_connection_has_its_steps_to_do_and_the_buttons(client, owner, connection):
    client.force_login(owner)
    html = client.get(setup_url(connection)).content.decode()
    assert step_states(html) == {
        "store": "done", "sign_in": "todo", "mappings": "todo", "statuses": "done",
        "dry_run": "todo", "activate": "todo",
    }  # fmt: skip
    assert all(button in html for button in BUTTONS)
    assert "Shipped" in html and "Refunded," not in html  # the ticked statuses, by name


def test_a_finished_connection_has_every_step_done(client, owner, connection):
    remember(connection, "sign_in", {"ok": True, "message": "Connected to 'Acme'.", "hint": ""})
    remember(connection, "mappings", {"checked": True, "problems": []})
    remember(connection, "dry_run", {"orders": 3, "problems": 0})
    hooks = [{"scope": "store/order/*", "id": 1, "is_active": True}]
    Connection.objects.filter(pk=connection.pk).update(
        status=ConnectionStatus.ACTIVE, webhook_health={"hooks": hooks}
    )
    client.force_login(owner)
    html = client.get(setup_url(connection)).content.decode()
    assert set(step_states(html).values()) == {"done"}
    assert 'id="setup-activate"' not in html  # already active


def test_problems_say_what_is_wrong(client, owner, connection):
    remember(connection, "sign_in", {"ok": False, "message": "MYOB refused the company file "
             "credentials.", "hint": "Correct the user name and password."})  # fmt: skip
    remember(
        connection, "mappings", {"checked": True, "problems": ["Tax code GST: not in the file."]}
    )
    remember(connection, "dry_run", {"orders": 3, "problems": 1})
    hooks = [{"scope": "store/order/*", "id": 1, "is_active": False}]
    Connection.objects.filter(pk=connection.pk).update(webhook_health={"hooks": hooks})
    client.force_login(owner)
    html = client.get(setup_url(connection)).content.decode()
    assert step_states(html) == {
        "store": "problem", "sign_in": "problem", "mappings": "problem", "statuses": "done",
        "dry_run": "problem", "activate": "todo",
    }  # fmt: skip
    for said in ("1 of 1 webhooks are switched off", "Correct the user name and password.",
                 "Tax code GST: not in the file.", "1 of 3 orders could not become a document"):  # fmt: skip
        assert said in html


def test_activate_with_a_backfill_queues_it(client, owner, tenant, settings):
    settings.DEMO_MODE = False  # the store address below is refused at once, no network wait
    from tests.factories import ConnectionFactory

    connection = ConnectionFactory(tenant=tenant, bc_api_url="https://127.0.0.1:9")
    client.force_login(owner)
    since = timezone.localdate() - timedelta(days=5)
    page = client.post(
        setup_url(connection), {"action": "activate", "backfill_since": since.isoformat()},
        follow=True,
    ).content.decode()  # fmt: skip
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.ACTIVE
    backfill = BulkRun.objects.get(connection=connection, params__days=5)
    assert reverse("admin:sync_bulkrun_change", args=[backfill.pk]) in page


@pytest.mark.parametrize("since", ["yesterday", "2001-01-01"])
def test_a_bad_backfill_date_is_refused_plainly(client, owner, connection, since):
    client.force_login(owner)
    page = client.post(
        setup_url(connection), {"action": "activate", "backfill_since": since}, follow=True
    ).content.decode()
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.DRAFT and not BulkRun.objects.exists()
    assert "Give the date" in page or "Choose a date between" in page


def test_another_tenants_set_up_page_is_not_found(client, outsider, connection):
    client.force_login(outsider)
    assert client.get(setup_url(connection)).status_code == 404
    assert client.post(setup_url(connection), {"action": "activate"}).status_code == 404


@pytest.mark.parametrize("who", ["member", "dana"])
def test_a_viewer_sees_the_steps_but_no_buttons_and_cannot_post(client, request, connection, who):
    client.force_login(request.getfixturevalue(who))
    html = client.get(setup_url(connection)).content.decode()
    assert len(step_states(html)) == 6
    assert not any(button in html for button in BUTTONS)
    for action in ("check", "dry_run", "activate"):
        response = client.post(setup_url(connection), {"action": action})
        assert response.status_code == 403
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.DRAFT and not BulkRun.objects.exists()


def test_a_store_that_cannot_be_read_and_an_erp_not_signed_in_need_attention(
    client, owner, tenant, settings
):
    settings.DEMO_MODE = False  # the store address below is refused at once, no network wait
    from tests.factories import ConnectionFactory

    connection = ConnectionFactory(tenant=tenant, bc_api_url="https://127.0.0.1:9")
    client.force_login(owner)
    html = client.post(setup_url(connection), {"action": "check"}, follow=True).content.decode()
    states = step_states(html)
    assert states["store"] == "problem" and states["sign_in"] == "problem", states
    assert states["mappings"] == "todo"  # checked once the sign-in works
    assert "public internet" in html and "Connect MYOB" in html
