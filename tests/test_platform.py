"""Settings in both modes, the bootstrap step, key rotation and the health endpoint."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection as db
from django.test import override_settings
from django_celery_beat.models import PeriodicTask

from config.schedule import NAME_PREFIX, PERIODIC_TASKS
from tenants.fields import CredentialDecryptionError, _fernet
from tenants.models import Connection
from tests.factories import ConnectionFactory

ROOT = Path(__file__).resolve().parents[1]
STRONG_KEY = "k3y-" + "q8Zr!x2@Lm#9vT$w7Yp%5Nc^3Bd&1Hf*0Js(6Kg)4Ae" * 2


def django_in_subprocess(code: str, env: dict) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "DEBUG", "DEMO_MODE", "SECURE_SSL_REDIRECT")
    }
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + code],
        cwd=ROOT, env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def test_embedded_mode_uses_sqlite_and_a_file_broker(tmp_path):
    result = django_in_subprocess(
        "from django.conf import settings; import json\n"
        "print(json.dumps([settings.DATABASES['default']['ENGINE'], settings.CELERY_BROKER_URL,"
        " str(settings.DATABASES['default']['NAME'])]))",
        {"VAR_DIR": str(tmp_path), "SECRET_KEY": STRONG_KEY, "SALT_KEY": "s"},
    )
    assert result.returncode == 0, result.stderr
    engine, broker, name = json.loads(result.stdout.strip().splitlines()[-1])
    assert (
        engine.endswith("sqlite3") and broker == "filesystem://" and name.startswith(str(tmp_path))
    )


def test_production_mode_uses_postgres_and_redis_and_passes_check_deploy(tmp_path):
    env = {
        "VAR_DIR": str(tmp_path), "SECRET_KEY": STRONG_KEY, "SALT_KEY": "s1,s0",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/ml_connector", "REDIS_URL": "redis://127.0.0.1:6379/9",
        "ALLOWED_HOSTS": "connector.example.com", "DEBUG": "false",
    }  # fmt: skip
    result = django_in_subprocess(
        "from django.conf import settings\n"
        "print(settings.DATABASES['default']['ENGINE'], settings.CELERY_BROKER_URL)\n"
        "from django.core.management import call_command\n"
        "call_command('check', deploy=True, fail_level='WARNING')",
        env,
    )
    assert result.returncode == 0, result.stderr
    assert "postgresql redis://127.0.0.1:6379/9" in result.stdout


def test_settings_refuse_to_start_without_keys(tmp_path):
    result = django_in_subprocess("", {"VAR_DIR": str(tmp_path), "SECRET_KEY": "", "SALT_KEY": ""})
    assert result.returncode != 0 and "SECRET_KEY is not set" in result.stderr


@pytest.mark.django_db
def test_bootstrap_writes_the_beat_schedule_idempotently():
    call_command("bootstrap", verbosity=0)
    call_command("bootstrap", verbosity=0)
    ours = PeriodicTask.objects.filter(name__startswith=NAME_PREFIX)
    assert sorted(ours.values_list("task", flat=True)) == sorted(p.task for p in PERIODIC_TASKS)
    assert ours.count() == len(PERIODIC_TASKS)
    # Removed from code → removed from the scheduler; hand-made rows are left alone.
    PeriodicTask.objects.create(
        name=NAME_PREFIX + "Gone", task="x.y", interval=ours.first().interval
    )
    PeriodicTask.objects.create(name="made by hand", task="x.z", interval=ours.first().interval)
    call_command("sync_beat_schedule", verbosity=0)
    assert not PeriodicTask.objects.filter(name=NAME_PREFIX + "Gone").exists()
    assert PeriodicTask.objects.filter(name="made by hand").exists()


@pytest.mark.django_db
def test_bootstrap_in_demo_mode_creates_a_demo_tenant_with_a_login(capsys):
    from tenants.demo import DEMO_EMAIL

    call_command("bootstrap")
    out = capsys.readouterr().out
    assert DEMO_EMAIL in out and "password" in out
    demo = Connection.objects.get(tenant__slug="demo")
    assert demo.bc_api_url.endswith("/sandbox/bigcommerce") and demo.bc_access_token


def _raw(pk, column):
    with db.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM tenants_connection WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_secret_key_rotation_with_the_reencrypt_command(settings):
    conn = ConnectionFactory(bc_access_token="rotate-me-123", erp_secrets={"password": "pw-rot"})
    old_key, new_key = settings.SECRET_KEY, STRONG_KEY
    before = _raw(conn.pk, "bc_access_token")
    with override_settings(SECRET_KEY=new_key, SECRET_KEY_FALLBACKS=[old_key]):
        assert Connection.objects.get(pk=conn.pk).bc_access_token == "rotate-me-123"
        call_command("reencrypt_credentials", verbosity=0)
        assert _raw(conn.pk, "bc_access_token") != before
    with override_settings(SECRET_KEY=new_key, SECRET_KEY_FALLBACKS=[]):
        fresh = Connection.objects.get(pk=conn.pk)
        assert (fresh.bc_access_token, fresh.erp_secrets) == (
            "rotate-me-123",
            {"password": "pw-rot"},
        )
    with pytest.raises(CredentialDecryptionError):  # the old key alone no longer reads it
        Connection.objects.get(pk=conn.pk)


@pytest.mark.django_db
def test_salt_rotation_with_the_reencrypt_command(settings):
    conn = ConnectionFactory(bc_access_token="salted-456")
    old = list(settings.SALT_KEY)
    with override_settings(SALT_KEY=["new-salt", *old]):
        call_command("reencrypt_credentials", verbosity=0)
    with override_settings(SALT_KEY=["new-salt"]):
        assert Connection.objects.get(pk=conn.pk).bc_access_token == "salted-456"
    _fernet.cache_clear()


@pytest.mark.django_db
def test_healthz_reports_database_and_broker(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


@pytest.mark.django_db
def test_healthz_is_503_when_the_broker_is_down(client):
    from config.celery import app

    original = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    try:
        response = client.get("/healthz")
    finally:
        app.conf.broker_url = original
    assert response.status_code == 503 and response.json()["broker"] != "ok"
