"""`manage.py bootstrap`, the run command's set-up step: migrations, beat schedule, demo tenant."""

import json
import re
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from config.schedule import NAME_PREFIX, periodic_tasks
from connectors.myob.setup import is_connected
from sandbox.demo import DEMO_CONNECTIONS, DEMO_EMAIL
from tenants.models import Connection, ConnectionStatus, Membership, OAuthToken, Role, Tenant

PASSWORD_SHOWN = re.compile(rf"as {re.escape(DEMO_EMAIL)} with password (\S+)")


def _schedule():
    ours = PeriodicTask.objects.filter(name__startswith=NAME_PREFIX)
    return sorted(
        (
            row.name.removeprefix(NAME_PREFIX),
            row.task,
            row.interval.every if row.interval else None,
            str(row.crontab.minute) + " " + str(row.crontab.hour) if row.crontab else None,
            json.loads(row.kwargs),
        )
        for row in ours.select_related("interval", "crontab")
    )


@pytest.mark.django_db
def test_bootstrap_writes_every_periodic_task_once():
    expected = sorted(
        (
            p.name,
            p.task,
            p.every_seconds,
            " ".join(p.crontab.split()[:2]) if p.crontab else None,
            p.kwargs or {},
        )
        for p in periodic_tasks()
    )
    call_command("bootstrap", verbosity=0)
    assert _schedule() == expected
    call_command("bootstrap", verbosity=0)
    assert _schedule() == expected  # no duplicates
    assert PeriodicTask.objects.filter(name__startswith=NAME_PREFIX).count() == len(expected)


@pytest.mark.django_db
def test_a_task_removed_from_code_leaves_the_scheduler_and_hand_made_ones_stay():
    call_command("sync_beat_schedule", verbosity=0)
    interval = PeriodicTask.objects.filter(name__startswith=NAME_PREFIX).first().interval
    PeriodicTask.objects.create(name=NAME_PREFIX + "Gone", task="x.y", interval=interval)
    PeriodicTask.objects.create(name="made by hand", task="x.z", interval=interval)
    call_command("sync_beat_schedule", verbosity=0)
    assert not PeriodicTask.objects.filter(name=NAME_PREFIX + "Gone").exists()
    assert PeriodicTask.objects.filter(name="made by hand").exists()


@pytest.mark.django_db
def test_a_task_moved_to_another_module_is_rewritten_in_its_row():
    call_command("sync_beat_schedule", verbosity=0)
    row = PeriodicTask.objects.get(name=NAME_PREFIX + "Poll ERP customer changes")
    PeriodicTask.objects.filter(pk=row.pk).update(task="connectors.tasks.poll_erp_stream_all")
    call_command("sync_beat_schedule", verbosity=0)
    row.refresh_from_db()
    assert (row.task, json.loads(row.kwargs)) == (
        "sync.tasks.poll_erp_stream_all",
        {"stream": "customers"},
    )


@pytest.mark.django_db
def test_demo_tenant_with_an_owner_login_and_a_myob_connection_on_the_sandbox(capsys, settings):
    settings.DEMO_MODE = True
    call_command("bootstrap")
    password = PASSWORD_SHOWN.search(capsys.readouterr().out).group(1)

    tenant = Tenant.objects.get(name="Demo Outdoor Co")
    owner = get_user_model().objects.get(username=DEMO_EMAIL)
    assert owner.check_password(password) and owner.is_staff and not owner.is_superuser
    assert Membership.objects.get(user=owner, tenant=tenant).role == Role.OWNER
    # Nothing in clear outside the hash.
    assert password not in owner.password

    connection = Connection.objects.get(tenant=tenant, erp_kind="myob")
    assert connection.store_hash == "demo1"
    assert connection.bc_api_url == settings.PUBLIC_BASE_URL + "/sandbox/bigcommerce"
    assert connection.bc_access_token
    # Signed in to the sandbox MYOB's demo company file, so the demo's orders become invoices.
    assert is_connected(connection)
    token = OAuthToken.objects.get(connection=connection, system="myob")
    assert token.access_token and token.expires_at > timezone.now()


@pytest.mark.django_db
def test_demo_setup_is_idempotent_and_shows_the_password_once(capsys, settings):
    settings.DEMO_MODE = True
    call_command("bootstrap")
    password = PASSWORD_SHOWN.search(capsys.readouterr().out).group(1)

    call_command("bootstrap")
    again = capsys.readouterr().out
    assert DEMO_EMAIL in again and not PASSWORD_SHOWN.search(again)
    assert get_user_model().objects.get(username=DEMO_EMAIL).check_password(password)  # unchanged
    assert Tenant.objects.filter(name="Demo Outdoor Co").count() == 1
    kinds = len(DEMO_CONNECTIONS)
    assert Connection.objects.filter(tenant__name="Demo Outdoor Co").count() == kinds
    assert Membership.objects.filter(tenant__name="Demo Outdoor Co").count() == 1
    # A token row for each ERP that signs in with OAuth (a token manager in its auth module);
    # SYSPRO logs on with the operator's password each cycle and keeps none.
    with_tokens = [kind for kind in DEMO_CONNECTIONS if _signs_in_with_oauth(kind)]
    tokens = OAuthToken.objects.filter(connection__tenant__name="Demo Outdoor Co")
    assert sorted(tokens.values_list("connection__erp_kind", flat=True)) == sorted(with_tokens)


def _signs_in_with_oauth(kind: str) -> bool:
    """Its spec names an oauth_manager, or (Business Central: an app-only token got per call)
    its package has connectors/<kind>/auth.py with a token_manager."""
    from importlib import import_module
    from importlib.util import find_spec

    from connectors.registry import ERP_KINDS

    if ERP_KINDS[kind].oauth_manager:
        return True
    module = f"connectors.{kind}.auth"
    return find_spec(module) is not None and hasattr(import_module(module), "token_manager")


@pytest.mark.django_db
def test_bootstrap_outside_demo_mode_creates_no_tenant(settings):
    settings.DEMO_MODE = False
    call_command("bootstrap", verbosity=0)
    assert not Tenant.objects.exists()


def test_the_demo_has_one_live_connection_per_erp_with_a_connector_each_on_its_own_store(
    demo_on_live_server,
):
    from connectors.registry import ERP_KINDS, connector_class_for
    from sandbox.bigcommerce.models import BcHook, BcStore
    from sandbox.bigcommerce.services import place_test_order
    from sync.jobs import job_request, job_run
    from tests.support.fake_erp import KIND as TEST_ONLY_KIND

    with_connector = {k for k, spec in ERP_KINDS.items() if spec.available} - {TEST_ONLY_KIND}
    assert set(DEMO_CONNECTIONS) == with_connector, "a connector landed without a demo connection"
    connections = Connection.objects.filter(tenant=demo_on_live_server)
    assert sorted(c.erp_kind for c in connections) == sorted(with_connector)
    assert len({c.store_hash for c in connections}) == len(with_connector)  # a store each
    for connection in connections:
        store = BcStore.objects.get(store_hash=connection.store_hash)
        assert (
            connection.status == ConnectionStatus.ACTIVE
            and connection.bc_access_token == store.access_token
        )
        assert BcHook.objects.filter(store=store, destination__contains=str(connection.pk)).exists()
        # Signed in with nothing typed in: the ERP answers its check...
        result = connector_class_for(connection.erp_kind)(connection).check()
        assert result.ok, f"{connection.name}: {result.message} {result.hint}"
        # ...and an order placed in the connection's store lands in its ERP.
        order = place_test_order(store, items=[("TENT-2P", 1)])
        job, _ = job_request(
            connection=connection, kind="order", source_id=str(order.pk), trigger="poll"
        )
        job_run(job.pk, trigger="poll")
        job.refresh_from_db()
        assert job.state == "succeeded" and job.erp_document_id, (
            f"{connection.name}: {job.last_error}"
        )


def test_connect_exact_online_in_the_demo_reaches_the_consent_page_and_back(
    demo_on_live_server,
    client,
):
    import requests
    from django.urls import reverse

    connection = Connection.objects.get(tenant=demo_on_live_server, erp_kind="exact_online")
    client.force_login(get_user_model().objects.get(username=DEMO_EMAIL))
    start = client.get(reverse("exact_online:connect", args=[connection.pk]))
    consent = requests.get(start["Location"], timeout=10)
    assert consent.status_code == 200 and "not a registered app" not in consent.text
    form = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', consent.text))
    back = requests.post(consent.url, data={**form, "decision": "approve", "division": "100001"},
                         allow_redirects=False, timeout=10)  # fmt: skip
    assert back.status_code == 302, back.text
    callback = urlsplit(back.headers["Location"])
    # The demo app is registered with the address from before the pages moved to /exact_online/:
    # it answers with the callback's, query string and all.
    moved = client.get(f"{callback.path}?{callback.query}")
    assert moved["Location"] == f"{reverse('exact_online:connect-callback')}?{callback.query}"
    page = client.get(moved["Location"])
    assert page["Location"] == reverse("exact_online:picker", args=[connection.pk])
