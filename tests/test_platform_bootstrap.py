"""`manage.py bootstrap`, the run command's set-up step: migrations, beat schedule, demo tenant."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from config.schedule import NAME_PREFIX, PERIODIC_TASKS
from connectors.myob.setup import is_connected
from tenants.demo import DEMO_EMAIL
from tenants.models import Connection, Membership, OAuthToken, Role, Tenant

PASSWORD_SHOWN = re.compile(rf"as {re.escape(DEMO_EMAIL)} with password (\S+)")


def _schedule():
    ours = PeriodicTask.objects.filter(name__startswith=NAME_PREFIX)
    return sorted(
        (
            row.name.removeprefix(NAME_PREFIX),
            row.task,
            row.interval.every if row.interval else None,
            str(row.crontab.minute) + " " + str(row.crontab.hour) if row.crontab else None,
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
        )
        for p in PERIODIC_TASKS
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

    connection = Connection.objects.get(tenant=tenant)
    assert connection.erp_kind == "myob" and connection.store_hash == "demo1"
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
    assert Connection.objects.filter(tenant__name="Demo Outdoor Co").count() == 1
    assert Membership.objects.filter(tenant__name="Demo Outdoor Co").count() == 1
    assert OAuthToken.objects.filter(connection__tenant__name="Demo Outdoor Co").count() == 1


@pytest.mark.django_db
def test_bootstrap_outside_demo_mode_creates_no_tenant(settings):
    settings.DEMO_MODE = False
    call_command("bootstrap", verbosity=0)
    assert not Tenant.objects.exists()
