"""The one settings file in its two modes, each loaded fresh in a subprocess."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STRONG_KEY = "k3y-" + "q8Zr!x2@Lm#9vT$w7Yp%5Nc^3Bd&1Hf*0Js(6Kg)4Ae" * 2
# What a developer's or CI's shell may set that would blur the mode under test.
MODE_VARIABLES = (
    "DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "DEBUG", "DEMO_MODE", "SECURE_SSL_REDIRECT",
    "SECRET_KEY", "SALT_KEY", "SECRET_KEY_FALLBACKS", "VAR_DIR",
)  # fmt: skip

SHOW_MODE = (
    "from django.conf import settings; import json\n"
    "print(json.dumps({'engine': settings.DATABASES['default']['ENGINE'],"
    " 'db': str(settings.DATABASES['default']['NAME']), 'broker': settings.CELERY_BROKER_URL,"
    " 'broker_dir': settings.CELERY_BROKER_TRANSPORT_OPTIONS.get('data_folder_in', ''),"
    " 'cache': settings.CACHES['default']['BACKEND'], 'secret': settings.SECRET_KEY,"
    " 'debug': settings.DEBUG, 'transport': getattr(settings, 'CELERY_BROKER_TRANSPORT', None),"
    " 'db_health_checks': settings.DATABASES['default'].get('CONN_HEALTH_CHECKS')}))"
)


def django_in_subprocess(code: str, env: dict) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in MODE_VARIABLES}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + code],
        cwd=ROOT, env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def shown(result: subprocess.CompletedProcess) -> dict:
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_embedded_mode_uses_sqlite_and_a_file_broker_under_var_dir(tmp_path):
    mode = shown(
        django_in_subprocess(
            SHOW_MODE, {"VAR_DIR": str(tmp_path), "SECRET_KEY": STRONG_KEY, "SALT_KEY": "s"}
        )
    )
    assert mode["engine"] == "django.db.backends.sqlite3"
    assert mode["db"] == str(tmp_path / "db.sqlite3")
    assert mode["broker"] == "filesystem://"
    assert mode["broker_dir"].startswith(str(tmp_path)) and Path(mode["broker_dir"]).is_dir()
    assert mode["cache"].endswith("FileBasedCache")


def test_the_run_commands_env_file_is_read_and_the_environment_wins(tmp_path):
    (tmp_path / ".env").write_text(f"SECRET_KEY={STRONG_KEY}\nSALT_KEY=s\nDEBUG=true\n")
    mode = shown(django_in_subprocess(SHOW_MODE, {"VAR_DIR": str(tmp_path)}))
    assert (mode["secret"], mode["debug"]) == (STRONG_KEY, True)
    mode = shown(django_in_subprocess(SHOW_MODE, {"VAR_DIR": str(tmp_path), "DEBUG": "false"}))
    assert (mode["secret"], mode["debug"]) == (STRONG_KEY, False)


def test_production_mode_uses_postgres_and_redis_and_passes_check_deploy(tmp_path):
    env = {
        "VAR_DIR": str(tmp_path), "SECRET_KEY": STRONG_KEY, "SALT_KEY": "s1,s0", "DEBUG": "false",
        "DATABASE_URL": os.environ["DATABASE_URL"], "REDIS_URL": os.environ["REDIS_URL"],
        "ALLOWED_HOSTS": "connector.example.com",
    }  # fmt: skip
    result = django_in_subprocess(
        "from django.core.management import call_command\n"
        "call_command('check', deploy=True, fail_level='WARNING')\n" + SHOW_MODE,
        env,
    )
    mode = shown(result)
    assert mode["engine"] == "django.db.backends.postgresql"
    assert mode["broker"] == os.environ["REDIS_URL"] and mode["cache"].endswith("RedisCache")
    assert mode["transport"] == "config.broker:Transport"  # one Redis client per channel
    assert mode["db_health_checks"] is False  # no extra round trip per request (webhook intake)
    assert "System check identified no issues" in result.stderr + result.stdout


def test_our_redis_transport_delivers_and_is_not_forced_on_another_broker(tmp_path):
    env = {
        "VAR_DIR": str(tmp_path), "SECRET_KEY": STRONG_KEY, "SALT_KEY": "s",
        "REDIS_URL": os.environ["REDIS_URL"],
    }  # fmt: skip
    sent = django_in_subprocess(
        "from config.celery import app\n"
        "with app.connection_for_write() as conn, conn.SimpleQueue('mlc-transport-test') as q:\n"
        "    q.clear(); q.put({'n': 1}); q.put({'n': 2})\n"
        "    got = [q.get(timeout=5) for _ in range(2)]\n"
        "    [m.ack() for m in got]\n"
        "    print(type(conn.transport).__module__, [m.payload['n'] for m in got])\n",
        env,
    )
    assert sent.returncode == 0, sent.stderr
    assert sent.stdout.split()[-3:] == ["config.broker", "[1,", "2]"]
    other = {**env, "CELERY_BROKER_URL": "amqp://guest@127.0.0.1:5672//"}
    assert shown(django_in_subprocess(SHOW_MODE, other))["transport"] is None


def test_check_deploy_fails_on_a_weak_secret_key(tmp_path):
    """The check above is worth something only if it can fail."""
    result = django_in_subprocess(
        "from django.core.management import call_command\n"
        "call_command('check', deploy=True, fail_level='WARNING')",
        {"VAR_DIR": str(tmp_path), "SECRET_KEY": "weak", "SALT_KEY": "s", "DEBUG": "false"},
    )
    assert result.returncode != 0 and "security.W009" in result.stderr


def test_settings_refuse_to_start_without_keys(tmp_path):
    result = django_in_subprocess("", {"VAR_DIR": str(tmp_path)})
    assert result.returncode != 0 and "SECRET_KEY is not set" in result.stderr
    result = django_in_subprocess("", {"VAR_DIR": str(tmp_path), "SECRET_KEY": STRONG_KEY})
    assert result.returncode != 0 and "SALT_KEY is not set" in result.stderr
